// (8) The whole desk wizard with the keyboard only: sign in, step 1 (the focus
// goes through the fields in the order they are read, the scan is picked from
// the drop zone with Enter), step 2 (send the OTP), step 3 (type the code, Enter).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shot, waitForSms, withApp } from './harness.mjs';
import { cccdFor, scanFile } from './flows.mjs';
import { demo } from './demo.mjs';

/** A short name for the focused element: its test id, id, or accessible label. */
function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return 'body';
    if (el.closest('.ant-upload-drag')) return 'scan-drop';
    const label = el.id ? document.querySelector(`label[for="${el.id}"]`)?.textContent : null;
    return el.getAttribute('data-testid') ?? label ?? el.getAttribute('aria-label') ?? el.id ?? el.textContent?.trim().slice(0, 30) ?? el.tagName;
  });
}

/** Presses Tab until want is focused; returns what was focused on the way. */
async function tabTo(page, want, max = 12) {
  const path = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    path.push(f);
    if (f === want) return path;
  }
  throw new Error(`Tab never reached ${want}; focus went ${path.join(' → ')}`);
}

test('an officer runs the whole wizard with the keyboard only', { timeout: 150_000 }, async () => {
  await withApp('keyboard-wizard', async ({ base, page }) => {
    await page.goto(`${base}/signin`);
    await page.getByRole('button', { name: 'Đăng nhập' }).waitFor();
    assert.equal(await focused(page), 'Số định danh cá nhân hoặc số điện thoại', 'the sign-in form starts in its first field');
    await page.keyboard.type(demo.officer.login);
    await tabTo(page, 'Mật khẩu');
    await page.keyboard.type(demo.officer.password);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/officer\/accounts$/);

    await page.goto(`${base}/officer/registrations/new`);
    await page.getByTestId('start-button').waitFor();
    assert.equal(await focused(page), 'Số định danh cá nhân', 'step 1 starts in the ID number');
    await page.keyboard.type(cccdFor(1990));
    await page.keyboard.press('Enter'); // looks the number up
    await page.getByTestId('lookup-clear').waitFor();

    const order = [];
    order.push(...(await tabTo(page, 'Họ và tên')));
    await page.keyboard.type('Đinh Thị Kim');
    order.push(...(await tabTo(page, 'Ngày sinh')));
    await page.keyboard.type('08/08/1990');
    await page.keyboard.press('Enter');
    order.push(...(await tabTo(page, 'Số điện thoại')));
    await page.keyboard.type('0965 432 109');
    order.push(...(await tabTo(page, 'Thư điện tử (không bắt buộc)')));
    order.push(...(await tabTo(page, 'scan-drop')));
    // Enter on the drop zone opens the file dialog (once more if the first press came
    // while the zone was still being enabled by the lookup's answer).
    let chooser = null;
    for (let i = 0; i < 3 && !chooser; i++) {
      const opened = page.waitForEvent('filechooser', { timeout: 3000 }).catch(() => null);
      await page.keyboard.press('Enter');
      chooser = await opened;
    }
    assert.ok(chooser, 'Enter on the drop zone opens the file dialog');
    await chooser.setFiles(scanFile());
    await page.getByText('cccd-hai-mat.pdf').waitFor();
    order.push(...(await tabTo(page, 'start-button')));
    // The fields came in reading order (the unit is preselected between email and scan).
    const seq = ['Họ và tên', 'Ngày sinh', 'Số điện thoại', 'Thư điện tử (không bắt buộc)', 'scan-drop', 'start-button'];
    assert.deepEqual(order.filter((f) => seq.includes(f)), seq, `focus order: ${order.join(' → ')}`);
    await shot(page, '8-keyboard-step1');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/officer\/registrations\/(?!new)[^/]+$/);

    // Step 2: to "Gửi OTP" and send.
    await page.getByTestId('send-otp').waitFor();
    await tabTo(page, 'send-otp', 25);
    await page.keyboard.press('Enter');
    await page.locator('[data-testid=otp-sms][data-status=DELIVERED]').waitFor({ timeout: 20_000 });

    // Step 3: the code, then Enter creates the account.
    const otp = await waitForSms(base, '0965432109', (m) => m.kind === 'REGISTRATION_OTP');
    await tabTo(page, 'otp-input', 25);
    await page.keyboard.type(otp.body.match(/\b\d{6}\b/)[0]);
    await page.keyboard.press('Enter');
    await page.getByTestId('created-title').waitFor();
    await shot(page, '8-keyboard-created');
  });
});
