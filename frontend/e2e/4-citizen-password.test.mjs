// (4) The new citizen signs in with the SMS password, is forced to change it, signs
// out, uses forgot-password, and signs in with the new one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shot, waitForSms, withApp } from './harness.mjs';
import { apiCreateCitizen, apiSignIn, cccdFor, gql, signIn, signOut } from './flows.mjs';
import { demo } from './demo.mjs';

test('citizen: SMS password, forced change, sign out, forgot password, sign in again', { timeout: 120_000 }, async () => {
  await withApp('citizen-password', async ({ base, page }) => {
    const phone = '0987 654 321';
    const idNumber = cccdFor(1992);
    const token = await apiSignIn(base, demo.officer.login, demo.officer.password);
    const unitID = (await gql(base, token, '{ viewer { officer { unit { id } } } }')).viewer.officer.unit.id;
    const since = Date.now() - 1000;
    const newest = (kind) => (m) => m.kind === kind && Date.parse(m.createdAt) >= since;
    const pwSms = await apiCreateCitizen(
      base,
      token,
      { idNumber, fullName: 'Lê Thị Cúc', dateOfBirth: '1992-11-20', phone, unitID },
      async (kind) => waitForSms(base, phone, newest(kind)),
    );
    // The SMS says "… mat khau: <password> (…)" without diacritics (GSM alphabet).
    const initial = pwSms.body.match(/mat khau:\s*(\S+?)[\s,.;)]/i)?.[1];
    assert.ok(initial, 'the password SMS carries a password');

    // First sign-in with the SMS password: forced change.
    await signIn(page, base, idNumber, initial);
    await page.waitForURL(/\/change-password$/);
    await page.getByText(/mật khẩu được gửi qua tin nhắn/).waitFor();
    await shot(page, '4-forced-change');
    const first = 'Hoa sen nở giữa đầm 2025';
    await page.getByLabel('Mật khẩu hiện tại').fill(initial);
    await page.getByLabel('Mật khẩu mới', { exact: true }).fill(first);
    await page.getByLabel('Nhập lại mật khẩu mới').fill(first);
    await page.getByRole('button', { name: 'Đổi mật khẩu' }).click();
    await page.waitForURL(/\/me$/);
    // The account page says the change worked, at the top, with no form field focused.
    await page.getByTestId('password-changed').getByText('Đã đổi mật khẩu thành công.').waitFor();
    await page.getByText('Lê Thị Cúc').first().waitFor();
    assert.equal(await page.evaluate(() => window.scrollY), 0, 'the account page opens at the top');
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'BODY', 'no field takes the focus');
    await shot(page, '4-citizen-home');

    await signOut(page);

    // Forgot password: a code by SMS, then a new password.
    await page.getByRole('link', { name: 'Quên mật khẩu?' }).click();
    const before = Date.now() - 500;
    // Signing out rebuilds the GraphQL client, which re-renders the page: a
    // value typed in that instant is lost. Type again until the form takes it.
    for (let attempt = 1; ; attempt++) {
      await page.getByLabel('Số định danh cá nhân hoặc số điện thoại').fill(phone);
      await page.getByRole('button', { name: 'Gửi mã xác nhận' }).click();
      try {
        await page.getByLabel('Mã xác nhận').waitFor({ timeout: 5000 });
        break;
      } catch (err) {
        if (attempt >= 3) throw err;
      }
    }
    const reset = await waitForSms(base, phone, (m) => m.kind === 'RESET_OTP' && Date.parse(m.createdAt) >= before);
    const second = 'Trăng rằm sáng tỏ 1992';
    await page.getByLabel('Mã xác nhận').fill(reset.body.match(/\b\d{6}\b/)[0]);
    await page.getByLabel('Mật khẩu mới', { exact: true }).fill(second);
    await page.getByLabel('Nhập lại mật khẩu mới').fill(second);
    await shot(page, '4-forgot-password');
    await page.getByRole('button', { name: 'Đặt mật khẩu mới' }).click();
    await page.getByText('Đã đặt mật khẩu mới').waitFor();

    // The old password no longer works; the new one does.
    await page.goto(`${base}/signin`);
    await page.getByLabel('Số định danh cá nhân hoặc số điện thoại').fill(idNumber);
    await page.getByLabel('Mật khẩu', { exact: true }).fill(first);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.getByTestId('error-alert').waitFor();
    await signIn(page, base, idNumber, second);
    await page.waitForURL(/\/me$/);
    await page.getByText('Lê Thị Cúc').first().waitFor();
    await shot(page, '4-signed-in-again');
  });
});
