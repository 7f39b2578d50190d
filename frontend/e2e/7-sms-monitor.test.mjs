// (7) The admin's SMS monitor: OTP and password messages appear live, without a
// reload, with their delivery status and counted by status; a message to a number
// the network never reaches shows as undelivered, explained in Vietnamese, and a
// gateway's error stays visible as a technical detail. Checked on a desk and a phone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkPage, shot, viewports, waitForSms, withApp } from './harness.mjs';
import { apiCreateCitizen, apiSignIn, apiStartRegistration, cccdFor, gql, signIn } from './flows.mjs';
import { demo } from './demo.mjs';

const count = async (page, status) => Number(await page.getByTestId(`sms-count-${status}`).getAttribute('data-count'));

test('the SMS monitor shows messages live, counted by status', { timeout: 180_000 }, async () => {
  await withApp('sms-monitor', async ({ base, page }) => {
    await signIn(page, base, demo.superAdmin.login, demo.superAdmin.password);
    await page.goto(`${base}/admin/sms`);
    await page.getByTestId('sms-monitor').waitFor();
    await page.getByTestId('sms-live').getByText('Trực tiếp').waitFor();
    const deliveredBefore = await count(page, 'DELIVERED');
    const undeliveredBefore = await count(page, 'UNDELIVERED');
    // Every status has its tile, "no report" too (a message nobody confirmed).
    for (const s of ['QUEUED', 'SENDING', 'SENT', 'DELIVERED', 'UNDELIVERED', 'FAILED', 'EXPIRED', 'NO_REPORT']) {
      assert.ok(Number.isInteger(await count(page, s)), `tile ${s}`);
    }

    // An officer creates two accounts elsewhere: one phone receives, one never does.
    const token = await apiSignIn(base, demo.officer.login, demo.officer.password);
    const unitID = (await gql(base, token, '{ viewer { officer { unit { id } } } }')).viewer.officer.unit.id;
    const create = async (phone, year, fullName) => {
      const since = Date.now() - 1000;
      await apiCreateCitizen(base, token, { idNumber: cccdFor(year), fullName, dateOfBirth: `${year}-01-02`, phone, unitID }, (kind) =>
        waitForSms(base, phone, (m) => m.kind === kind && Date.parse(m.createdAt) >= since),
      );
    };
    await create('0912 000 111', 1991, 'Lý Văn Giang');
    await create(demo.undeliverablePhone, 1993, 'Mai Thị Hoa');
    // A third citizen's OTP goes to a number whose sends fail at the gateway.
    await apiStartRegistration(base, token, { idNumber: cccdFor(1995), fullName: 'Hà Văn Khải', dateOfBirth: '1995-01-02', phone: demo.failingPhone, unitID });

    // The page follows without a reload: both messages of each account, at their final status.
    const rows = page.getByTestId('sms-monitor').locator('[data-testid=sms-row]');
    await rows.filter({ hasText: '111' }).filter({ hasText: 'Mã OTP tạo tài khoản' }).and(page.locator('[data-status=DELIVERED]')).waitFor({ timeout: 30_000 });
    await rows.filter({ hasText: '111' }).filter({ hasText: 'Mật khẩu đăng nhập' }).and(page.locator('[data-status=DELIVERED]')).waitFor({ timeout: 30_000 });
    const undelivered = rows.filter({ hasText: '404' }).filter({ hasText: 'Mã OTP tạo tài khoản' }).and(page.locator('[data-status=UNDELIVERED]'));
    await undelivered.waitFor({ timeout: 30_000 });
    // What it means and what to do, in Vietnamese; the server's English restatement
    // ("the provider reported UNDELIVERED") is not shown.
    const explained = 'Nhà mạng báo không chuyển được tin tới số này (máy tắt quá lâu, số không tồn tại…) — kiểm tra số điện thoại với công dân, rồi gửi lại.';
    assert.equal((await undelivered.getByTestId('sms-outcome').textContent())?.trim(), explained);
    assert.equal(await undelivered.getByTestId('sms-technical').count(), 0);
    assert.equal(await page.getByTestId('sms-monitor').getByText('the provider reported', { exact: false }).count(), 0);
    // The gateway's own error text is kept, labelled, under the explanation.
    const failing = rows.filter({ hasText: '500' }).filter({ hasText: 'Mã OTP tạo tài khoản' });
    await failing.getByTestId('sms-technical').filter({ hasText: 'Chi tiết kỹ thuật: console: gateway error (simulated)' }).waitFor({ timeout: 30_000 });
    await page.waitForFunction(
      ([d, u]) =>
        Number(document.querySelector('[data-testid=sms-count-DELIVERED]')?.getAttribute('data-count')) >= d &&
        Number(document.querySelector('[data-testid=sms-count-UNDELIVERED]')?.getAttribute('data-count')) >= u,
      [deliveredBefore + 2, undeliveredBefore + 1],
      { timeout: 30_000 },
    );
    assert.ok((await count(page, 'UNDELIVERED')) >= undeliveredBefore + 1);
    assert.equal(await page.getByTestId('sms-live').getByText('Mất kết nối').count(), 0);
    await checkPage(page, 'SMS monitor at 1366×768');
    await shot(page, '7-sms-monitor-desk');

    await page.setViewportSize(viewports.phone);
    await rows.first().waitFor();
    await undelivered.getByText(explained).waitFor();
    await checkPage(page, 'SMS monitor at 390×844');
    await shot(page, '7-sms-monitor-phone');
  });
});
