// (9) The admin's statistics page ("Thống kê") on the demo data: every chart drawn,
// a drill-down from the scope to a unit and back, a chart as a table, a CSV file that
// Excel opens in Vietnamese (UTF-8 with a BOM, dd/MM/yyyy, 1.234), a live refresh
// when an officer creates an account, and a signal of misuse reviewed with a note
// and followed to the audit trail. At 1366×768, then checked at 390×844.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { checkPage, shot, viewports, waitForSms, withApp } from './harness.mjs';
import { apiCreateCitizen, apiSignIn, cccdFor, gql, signIn } from './flows.mjs';
import { demo } from './demo.mjs';

const charts = ['per-day', 'by', 'funnel', 'funnel-by', 'sms', 'delivery'];

test('the statistics page: charts, drill-down, table, CSV, live, signals', { timeout: 300_000 }, async () => {
  await withApp('statistics', async ({ base, page }) => {
    await page.setViewportSize(viewports.desk);
    await signIn(page, base, demo.superAdmin.login, demo.superAdmin.password);
    // Through the menu, as an admin finds it.
    await page.getByRole('menuitem', { name: 'Thống kê' }).click();
    await page.waitForURL(/\/admin\/stats$/);
    await page.getByRole('heading', { name: 'Thống kê', level: 1 }).waitFor();

    // Every chart is drawn (the demo data fills them all) and the OTP figures are there.
    for (const id of charts) await page.locator(`[data-testid=stats-chart-${id}] canvas`).first().waitFor({ timeout: 30_000 });
    await page.getByTestId('otp-codesSent').waitFor();
    for (const id of charts) {
      assert.equal(await page.getByTestId(`stats-${id}`).getByText('Không có số liệu trong khoảng thời gian này.').count(), 0, `${id} has figures`);
    }
    await page.getByTestId('stats-updated-at').getByText(/^Cập nhật lúc \d\d:\d\d:\d\d$/).waitFor();
    await checkPage(page, 'statistics at 1366×768');
    await shot(page, '9-statistics-desk');

    // Drill down once, from the bars' table (the keyboard's way to the same click).
    await page.getByTestId('stats-view-by').getByText('Bảng', { exact: true }).click();
    const drill = page.getByTestId('stats-table-by').getByTestId('stats-drill').first();
    const unitName = (await drill.textContent()).trim();
    await drill.click();
    await page.getByTestId('stats-trail').getByText(unitName, { exact: true }).waitFor();
    await page.locator('[data-testid=stats-chart-per-day] canvas').first().waitFor();
    await shot(page, '9-statistics-drilled');
    // And back to the whole scope by the trail.
    await page.getByTestId('stats-trail').getByText('Toàn bộ phạm vi quản lý').click();
    await page.waitForFunction((name) => !document.querySelector('[data-testid=stats-trail]')?.textContent?.includes(name), unitName);

    // Accounts per day as a table, then as a CSV file.
    await page.getByTestId('stats-view-per-day').getByText('Bảng', { exact: true }).click();
    const firstRow = page.getByTestId('stats-table-per-day').locator('tbody tr.ant-table-row').first();
    await firstRow.waitFor();
    assert.match(await firstRow.locator('td').first().textContent(), /^\d\d\/\d\d\/\d{4}$/);
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId('stats-csv-per-day').click()]);
    assert.match(file.suggestedFilename(), /^tai-khoan-duoc-tao-theo-ngay_\d{4}-\d\d-\d\d_\d{4}-\d\d-\d\d\.csv$/);
    const bytes = readFileSync(await file.path());
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'the CSV starts with the UTF-8 byte order mark');
    const lines = bytes.subarray(3).toString('utf8').split('\r\n').filter(Boolean);
    assert.equal(lines[0], 'Ngày,Số lượng');
    assert.ok(lines.length >= 30, `a line a day of the 30 days (${lines.length - 1})`);
    for (const l of lines.slice(1)) assert.match(l, /^\d\d\/\d\d\/\d{4},("\d{1,3}(\.\d{3})*"|\d{1,3}(\.\d{3})*)$/, l);
    assert.ok(lines.slice(1).some((l) => !l.endsWith(',0')), 'some day has accounts');
    await page.getByTestId('stats-view-per-day').getByText('Biểu đồ', { exact: true }).click();

    // Live: an officer creates an account elsewhere; the figures are asked again (at most every 5 s).
    const before = await page.getByTestId('stats-updated-at').textContent();
    const token = await apiSignIn(base, demo.officer.login, demo.officer.password);
    const unitID = (await gql(base, token, '{ viewer { officer { unit { id } } } }')).viewer.officer.unit.id;
    const phone = '0912 345 019';
    const since = Date.now() - 1000;
    await apiCreateCitizen(base, token, { idNumber: cccdFor(1990), fullName: 'Đỗ Thị Thu', dateOfBirth: '1990-03-04', phone, unitID }, (kind) =>
      waitForSms(base, phone, (m) => m.kind === kind && Date.parse(m.createdAt) >= since),
    );
    await page.waitForFunction(
      (text) => {
        const now = document.querySelector('[data-testid=stats-updated-at]')?.textContent;
        return !!now && now !== text;
      },
      before,
      { timeout: 30_000 },
    );
    assert.equal(await page.getByTestId('stats-live').getByText('Mất kết nối trực tiếp').count(), 0);

    // Signals of misuse: at least two in the demo; review one with a note.
    await page.getByRole('tab', { name: 'Dấu hiệu bất thường' }).click();
    const rows = page.getByTestId('signals-table').locator('tbody tr.ant-table-row');
    await rows.nth(1).waitFor({ timeout: 30_000 });
    await checkPage(page, 'signals at 1366×768');
    await shot(page, '9-statistics-signals');
    const toReview = await page.getByTestId('signal-review').count();
    assert.ok(toReview >= 1, 'a signal to review');
    await page.getByTestId('signal-review').first().click();
    await page.getByTestId('signal-note').fill('Đã liên hệ đơn vị: hộ gia đình dùng chung số điện thoại');
    await page.getByTestId('signal-review-confirm').click();
    await page.getByTestId('signal-reviewed').waitFor();
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=signal-review]').length === n - 1, toReview);
    // The reviewed one shows with the reviewed ones: who, when, the note.
    await page.getByTestId('signals-include-reviewed').click();
    await page.getByText('Đã liên hệ đơn vị: hộ gia đình dùng chung số điện thoại').waitFor();
    await page.getByTestId('signal-reviewed-by').first().waitFor();

    // The super admin's thresholds.
    await page.getByTestId('signal-settings-open').click();
    await page.getByLabel('Số tài khoản trên một số điện thoại').waitFor();
    // Checked once the drawer has finished sliding in (mid-animation colours are not the page's).
    await page.waitForFunction(() => !document.querySelector('[class*="-motion-"][class*="-active"]'));
    await page.waitForTimeout(200);
    await checkPage(page, 'signal settings at 1366×768');
    await shot(page, '9-statistics-settings');
    await page.keyboard.press('Escape');

    // The records behind a signal, in the audit trail.
    const audit = page.getByTestId('signal-audit').first();
    if (await audit.count()) {
      await audit.click();
      await page.waitForURL(/\/admin\/audit\?target=/);
      await page.getByTestId('audit-targets').waitFor();
      await page.locator('main table tbody tr.ant-table-row, main .ant-table-placeholder').first().waitFor();
      await shot(page, '9-statistics-audit');
    }

    // On a phone: no sideways scrolling, the charts still drawn.
    await page.goto(`${base}/admin/stats`);
    await page.setViewportSize(viewports.phone);
    await page.locator('[data-testid=stats-chart-per-day] canvas').first().waitFor({ timeout: 30_000 });
    await page.waitForTimeout(300);
    await checkPage(page, 'statistics at 390×844');
    await shot(page, '9-statistics-phone');
  }, { serverArgs: ['--demo-history'] }); // what `make run` starts with: 60 days of desk activity
});
