// (6) Every screen, as its user opens it, on a 390×844 phone and a 1366×768 desk PC:
// no sideways scrolling, no serious or critical axe-core finding, no console error
// (withApp fails on those). The phone screenshots and the desk wizard's go to
// e2e/screenshots (docs/images holds the ones the README shows).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkPage, coldGoto, scriptBytes, shot, viewports, waitForSms, withApp } from './harness.mjs';
import { apiCreateCitizen, apiSignIn, cccdFor, fillStepOne, gql, signIn } from './flows.mjs';

import { demo } from './demo.mjs';

/**
 * Checks the screen open in page at both sizes: ready() waits for what the
 * screen shows once loaded; the phone's screenshot is named after the screen.
 */
async function bothSizes(page, name, ready) {
  for (const [size, viewport] of Object.entries(viewports)) {
    await page.setViewportSize(viewport);
    await ready();
    // Let layout settle after the resize (tables and steps re-measure themselves).
    await page.waitForTimeout(150);
    await checkPage(page, `${name} at ${viewport.width}×${viewport.height}`);
    await shot(page, `6-${name}-${size}`);
  }
}

async function visit(page, url, name, ready) {
  await page.goto(url);
  await bothSizes(page, name, ready);
}

test('every page works on a phone and at a desk', { timeout: 600_000 }, async () => {
  await withApp('every-page', async ({ base, page }) => {
    const main = () => page.locator('main').first().waitFor();
    const heading = (text) => () => page.getByRole('heading', { name: text, level: 1 }).waitFor();

    // The JavaScript a first visit downloads (a phone on a slow network): at most 200 kB on the wire.
    const budget = 200 * 1024;
    const firstVisit = async (url, ready, label) => {
      await page.setViewportSize(viewports.phone);
      await coldGoto(page, url);
      await ready();
      // Until no more script arrives for a second (chunks load on demand).
      let js = await scriptBytes(page);
      for (let quiet = 0; quiet < 2; ) {
        await page.waitForTimeout(500);
        const now = await scriptBytes(page);
        quiet = now.files === js.files ? quiet + 1 : 0;
        js = now;
      }
      console.log(`${label}: ${(js.wire / 1024).toFixed(1)} kB of JavaScript on the wire (${(js.decoded / 1024).toFixed(1)} kB decoded, ${js.files} files)`);
      assert.ok(js.wire > 0 && js.wire <= budget, `${label} downloads ${js.wire} bytes of JavaScript, budget ${budget}`);
    };
    await firstVisit(`${base}/signin`, heading('Đăng nhập'), 'sign-in page');

    // Signed out.
    await visit(page, `${base}/signin`, 'signin', heading('Đăng nhập'));
    await visit(page, `${base}/forgot-password`, 'forgot-password', heading('Quên mật khẩu'));
    await page.getByLabel('Số định danh cá nhân hoặc số điện thoại').fill(demo.existingCitizen.idNumber);
    await page.getByRole('button', { name: 'Gửi mã xác nhận' }).click();
    await bothSizes(page, 'forgot-password-code', () => page.getByLabel('Mã xác nhận').waitFor());
    await visit(page, `${base}/inbox`, 'dev-inbox', heading('Hộp thư SMS thử nghiệm'));
    await page.getByRole('button', { name: 'Xem tin nhắn' }).click();
    await bothSizes(page, 'dev-inbox-messages', () => page.getByTestId('dev-sms-body').first().waitFor());

    // A new citizen: the forced password change, then the account page.
    const officerToken = await apiSignIn(base, demo.officer.login, demo.officer.password);
    const unitID = (await gql(base, officerToken, '{ viewer { officer { unit { id } } } }')).viewer.officer.unit.id;
    const phone = '0977 123 456';
    const idNumber = cccdFor(1988);
    const since = Date.now() - 1000;
    const sms = await apiCreateCitizen(base, officerToken, { idNumber, fullName: 'Phạm Thị Dung', dateOfBirth: '1988-05-04', phone, unitID }, (kind) =>
      waitForSms(base, phone, (m) => m.kind === kind && Date.parse(m.createdAt) >= since),
    );
    const initial = sms.body.match(/mat khau:\s*(\S+?)[\s,.;)]/i)?.[1];
    assert.ok(initial);
    await page.setViewportSize(viewports.desk);
    await signIn(page, base, idNumber, initial);
    await page.waitForURL(/\/change-password$/);
    await bothSizes(page, 'change-password', heading('Đặt mật khẩu mới'));
    // The initial password works once: change it here, as the citizen would.
    await page.getByLabel('Mật khẩu hiện tại').fill(initial);
    await page.getByLabel('Mật khẩu mới', { exact: true }).fill('Sông Hồng chảy mãi 1988');
    await page.getByLabel('Nhập lại mật khẩu mới').fill('Sông Hồng chảy mãi 1988');
    await page.getByRole('button', { name: 'Đổi mật khẩu' }).click();
    await page.waitForURL(/\/me$/);
    await bothSizes(page, 'citizen-password-changed', () => page.getByTestId('password-changed').waitFor());
    await visit(page, `${base}/me`, 'citizen-account', () => page.getByTestId('account-details').getByText('Phạm Thị Dung').waitFor());
    await firstVisit(`${base}/me`, () => page.getByTestId('account-details').getByText('Phạm Thị Dung').waitFor(), "citizen's account page");
    await visit(page, `${base}/admin/officers`, 'citizen-forbidden', heading('Bạn không có quyền thực hiện chức năng này.'));
    await page.context().clearCookies();

    // The desk officer: the list, the wizard's three steps, the account page, a missing page.
    await page.setViewportSize(viewports.desk);
    await signIn(page, base, demo.officer.login, demo.officer.password);
    await visit(page, `${base}/officer/accounts`, 'officer-accounts', () => page.getByTestId('created-accounts').getByText('Phạm Thị Dung').first().waitFor());
    await visit(page, `${base}/officer/registrations/new`, 'wizard-step1', () => page.getByTestId('start-button').waitFor());
    const id = await fillStepOne(page, base, { idNumber: cccdFor(1995), fullName: 'Hoàng Văn Em', dateOfBirth: '21/12/1995', phone: '0938 765 432' });
    await bothSizes(page, 'wizard-step2', () => page.getByTestId('send-otp').waitFor());
    await page.getByTestId('send-otp').click();
    await bothSizes(page, 'wizard-otp-sent', () => page.locator('[data-testid=otp-sms][data-status=DELIVERED]').waitFor({ timeout: 20_000 }));
    const otp = await waitForSms(base, '0938765432', (m) => m.kind === 'REGISTRATION_OTP');
    await page.getByTestId('otp-input').fill(otp.body.match(/\b\d{6}\b/)[0]);
    await page.getByTestId('create-account').click();
    await bothSizes(page, 'wizard-created', () => page.locator('[data-testid=password-sms][data-status=DELIVERED]').waitFor({ timeout: 20_000 }));
    assert.ok(page.url().endsWith(id));
    await visit(page, `${base}/me`, 'officer-account', () => page.getByTestId('account-details').waitFor());
    await visit(page, `${base}/no/such/page`, 'not-found', heading('Không tìm thấy trang này'));
    await page.context().clearCookies();

    // The super admin's console.
    await page.setViewportSize(viewports.desk);
    await signIn(page, base, demo.superAdmin.login, demo.superAdmin.password);
    await visit(page, `${base}/admin/officers`, 'admin-officers', () => page.getByTestId('officer-table').getByRole('link').first().waitFor());
    await page.getByRole('button', { name: 'Thêm mới tài khoản' }).first().click();
    await bothSizes(page, 'admin-add-officer', () => page.getByRole('dialog').getByLabel('Tìm tài khoản cán bộ').waitFor());
    await page.keyboard.press('Escape');
    const officer = page.getByTestId('officer-table').getByRole('link', { name: 'Nông Văn Thắng', exact: true }).first();
    await officer.click();
    await bothSizes(page, 'admin-officer', () => page.getByTestId('officer-name').waitFor());
    await visit(page, `${base}/admin/units`, 'admin-units', () => page.getByText('000.00.00.H26').first().waitFor());
    await visit(page, `${base}/admin/audit`, 'admin-audit', () => page.locator('main table tbody tr.ant-table-row, main .panel-small').first().waitFor());
    await visit(page, `${base}/admin/sms`, 'admin-sms', () => page.getByTestId('sms-monitor').waitFor());
    await visit(page, `${base}/admin/stats`, 'admin-stats', () => page.locator('[data-testid=stats-chart-per-day] canvas').first().waitFor({ timeout: 30_000 }));
    await main();
  });
});
