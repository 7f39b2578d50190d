// (3) An undelivered OTP (a number the console provider is told never reaches) shows
// the failure live with the source document's advice, and resending works. The
// account is then created with the latest code (the dev inbox keeps undelivered
// messages too); its password SMS fails the same way, and "resend password" works.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inbox, shot, withApp } from './harness.mjs';
import { cccdFor, fillStepOne, signIn } from './flows.mjs';
import { demo } from './demo.mjs';

test('an undelivered OTP shows live with advice, and resend sends a new code', { timeout: 240_000 }, async () => {
  await withApp('undelivered-otp', async ({ base, page }) => {
      const citizen = { idNumber: cccdFor(1985), fullName: 'Trần Văn Bình', dateOfBirth: '02/09/1985', phone: demo.undeliverablePhone };
      await signIn(page, base, demo.officer.login, demo.officer.password);
      await fillStepOne(page, base, citizen);
      await page.getByTestId('send-otp').click();
      await page.locator('[data-testid=otp-sms][data-status=UNDELIVERED]').waitFor({ timeout: 20_000 });
      await page.getByText('Công dân không nhận được mã OTP').waitFor();
      await page.getByText(/khởi động lại điện thoại/).waitFor();
      await shot(page, '3-otp-undelivered');

      // A wrong code: the refusal beside the field and the hint under it count the same tries.
      const first = (await inbox(base, citizen.phone)).find((m) => m.kind === 'REGISTRATION_OTP');
      const firstCode = first.body.match(/\b\d{6}\b/)[0];
      const wrong = String((Number(firstCode) + 1) % 1_000_000).padStart(6, '0');
      await page.getByTestId('otp-input').fill(wrong);
      await page.getByTestId('create-account').click();
      await page.getByText('Mã OTP không đúng. Bạn còn 4 lần thử.').waitFor();
      assert.match((await page.getByTestId('otp-hint').textContent()) ?? '', /còn 4 lần thử/);
      assert.doesNotMatch((await page.getByTestId('otp-hint').textContent()) ?? '', /5:0\d/, 'a 5-minute code never shows more than 5:00');

      // Resend after the countdown: a new code supersedes the old one.
      const resend = page.getByTestId('send-otp');
      await page.waitForFunction(() => !document.querySelector('[data-testid=send-otp]')?.hasAttribute('disabled'), null, { timeout: 90_000 });
      assert.match((await resend.textContent()) ?? '', /Gửi lại OTP/);
      await resend.click();
      await page.getByText('1 mã gửi trước đó không còn hiệu lực.').waitFor();
      await page.locator('[data-testid=otp-sms][data-status=UNDELIVERED]').waitFor({ timeout: 20_000 });
      const sent = (await inbox(base, citizen.phone)).filter((m) => m.kind === 'REGISTRATION_OTP');
      assert.equal(sent.length, 2, 'two OTP messages were sent');
      await shot(page, '3-otp-resent');
      // The new code starts a fresh entry: empty, no error of the old code, the tries counted anew.
      assert.equal(await page.getByTestId('otp-input').inputValue(), '');
      assert.equal(await page.getByText('Mã OTP không đúng').count(), 0, 'the old refusal is gone');
      assert.match((await page.getByTestId('otp-hint').textContent()) ?? '', /còn 5 lần thử/);

      // The replaced code: the advice is to read the latest message, not to resend (the countdown runs).
      await page.getByTestId('otp-input').fill(firstCode);
      await page.getByTestId('create-account').click();
      await page.getByTestId('otp-advice').getByText(/tin nhắn mới nhất/).waitFor();
      assert.equal(await page.getByText(/Gửi lại OTP”/).count(), 0, 'no advice to press “Gửi lại OTP”');

      // The latest code still creates the account; the password SMS is not delivered either.
      const latest = sent.sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))[0];
      await page.getByTestId('otp-input').fill(latest.body.match(/\b\d{6}\b/)[0]);
      await page.getByTestId('create-account').click();
      await page.getByTestId('created-title').waitFor();
      await page.locator('[data-testid=password-sms][data-status=UNDELIVERED]').waitFor({ timeout: 20_000 });
      await page.getByText('Công dân chưa nhận được tin nhắn mật khẩu').waitFor();
      await shot(page, '3-password-undelivered');
      const firstPassword = await page.getByTestId('password-sms').getAttribute('data-sms-id');
      await page.getByTestId('resend-password').click();
      await page.getByText('Đã gửi lại mật khẩu mới tới công dân.').waitFor();
      // The timeline follows the new message live, to its failure again.
      await page.locator(`[data-testid=password-sms]:not([data-sms-id="${firstPassword}"])`).waitFor();
      await page.locator(`[data-testid=password-sms][data-status=UNDELIVERED]:not([data-sms-id="${firstPassword}"])`).waitFor({ timeout: 20_000 });
      await shot(page, '3-password-resent');
      const passwords = (await inbox(base, citizen.phone)).filter((m) => m.kind === 'INITIAL_PASSWORD');
      assert.equal(passwords.length, 2, 'the password was sent again');
  });
});
