// (3) An undelivered OTP (a number the console provider is told never reaches) shows
// the failure live with the source document's advice, and resending works.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inbox, shot, withApp } from './harness.mjs';
import { cccdFor, fillStepOne, signIn } from './flows.mjs';
import { demo } from './demo.mjs';

test('an undelivered OTP shows live with advice, and resend sends a new code', { timeout: 180_000 }, async () => {
  await withApp('undelivered-otp', async ({ base, page }) => {
      const citizen = { idNumber: cccdFor(1985), fullName: 'Trần Văn Bình', dateOfBirth: '02/09/1985', phone: demo.undeliverablePhone };
      await signIn(page, base, demo.officer.login, demo.officer.password);
      await fillStepOne(page, base, citizen);
      await page.getByTestId('send-otp').click();
      await page.locator('[data-testid=otp-sms][data-status=UNDELIVERED]').waitFor({ timeout: 20_000 });
      await page.getByText('Công dân không nhận được mã OTP').waitFor();
      await page.getByText(/khởi động lại điện thoại/).waitFor();
      await shot(page, '3-otp-undelivered');

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
  });
});
