// (2) The officer creates a citizen account through all three steps, reading the OTP
// from the dev inbox, and sees the OTP and password SMS reach "delivered" live.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkPage, inViewport, shot, tempFiles, withApp } from './harness.mjs';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cccdFor, fillStepOne, openNewRegistration, readInboxInTab, signIn } from './flows.mjs';
import { demo } from './demo.mjs';

test('officer creates a citizen account in three steps with live SMS delivery', { timeout: 120_000 }, async () => {
  await withApp('officer-wizard', async ({ base, page, browser }) => {
    const citizen = {
      idNumber: cccdFor(1990),
      fullName: 'Đặng Thị Ánh',
      dateOfBirth: '15/03/1990',
      phone: '0912 345 678',
      email: 'anh.dang@example.vn',
    };
    await signIn(page, base, demo.officer.login, demo.officer.password);
    await page.goto(`${base}/officer/accounts`);
    await page.getByText('Tạo tài khoản công dân').first().waitFor();
    await shot(page, '2-officer-list');

    // An ID number that already has an account: stop, showing only the masked owner.
    await openNewRegistration(page, base);
    // Step 1 on a 1366×768 desk screen: the primary action is in sight without scrolling.
    assert.ok(await inViewport(page.getByTestId('start-button')), '"Lưu và tiếp tục" is visible at 1366×768');
    await page.getByLabel('Số định danh cá nhân', { exact: true }).fill(demo.existingCitizen.idNumber);
    await page.getByTestId('lookup-button').click();
    const exists = page.getByTestId('lookup-exists');
    await exists.getByText('Công dân đã có tài khoản').waitFor();
    const shown = (await exists.textContent()) ?? '';
    assert.ok(!shown.includes(demo.existingCitizen.fullName), 'the owner is masked');
    assert.equal(await page.getByTestId('start-button').isDisabled(), true);
    await shot(page, '2-lookup-exists');

    // A text file named .pdf is refused when it is picked, in words, before any upload.
    await page.getByLabel('Số định danh cá nhân', { exact: true }).fill(citizen.idNumber);
    await page.getByTestId('lookup-button').click();
    await page.getByTestId('lookup-clear').waitFor();
    const bad = join(tempFiles(), 'cccd.pdf');
    writeFileSync(bad, 'Nguyễn Văn A — đây là văn bản, không phải bản quét\n');
    await page.locator('input[type=file]').setInputFiles(bad);
    await page.getByText('Tệp đã chọn là tệp văn bản, không phải PDF/Word.', { exact: false }).waitFor();
    assert.equal(await page.getByText('text/plain').count(), 0, 'no media type is shown');

    // Step 1
    const id = await fillStepOne(page, base, citizen, (n) => shot(page, `2-${n}`));

    // Step 2: the request form is a PDF; send the OTP and watch it arrive.
    const href = await page.getByTestId('download-form').getAttribute('href');
    const form = await page.request.get(new URL(href, base).toString());
    assert.equal(form.status(), 200);
    assert.match(form.headers()['content-type'] ?? '', /application\/pdf/);
    assert.ok(await inViewport(page.getByTestId('send-otp')), '"Gửi OTP" is visible at 1366×768');
    await checkPage(page, 'step 2, before the OTP');
    await page.getByTestId('send-otp').click();
    await page.locator('[data-testid=otp-sms]').waitFor();
    // Right after "Gửi OTP" the live status, the code field and "Tạo tài khoản" are all in sight.
    assert.ok(await inViewport(page.getByTestId('otp-sms')), 'the live SMS status is visible at 1366×768 without scrolling');
    assert.ok(await inViewport(page.getByTestId('otp-input')), 'the code field is visible at 1366×768');
    assert.ok(await inViewport(page.getByTestId('create-account')), '"Tạo tài khoản" is visible at 1366×768');
    await page.locator('[data-testid=otp-sms][data-status=DELIVERED]').waitFor({ timeout: 20_000 });
    await page.getByText('Tin nhắn đã đến máy công dân').first().waitFor();
    // Every step carries its time, "sent to the network" included.
    const times = await page.getByTestId('otp-sms').locator('.ant-steps-item').evaluateAll((items) => items.map((i) => /\d\d:\d\d:\d\d/.test(i.textContent ?? '')));
    assert.deepEqual(times, [true, true, true, true], 'each delivery step shows its time');
    // No toast about the request: the timeline says it.
    assert.equal(await page.locator('.ant-message-notice').count(), 0);
    await checkPage(page, 'step 2, OTP delivered');
    // The resend button counts down from resendAvailableAt.
    assert.match((await page.getByTestId('send-otp').textContent()) ?? '', /Gửi lại OTP sau \d:\d\d/);

    // A reload resumes the same registration from the server.
    await page.reload();
    await page.locator('[data-testid=otp-sms][data-status=DELIVERED]').waitFor();
    assert.ok(page.url().endsWith(`/officer/registrations/${id}`));
    await shot(page, '2-step2-otp-delivered');

    // Step 3: the latest OTP from the citizen's phone (the dev inbox).
    const body = await readInboxInTab(browser.context, base, citizen.phone, 'REGISTRATION_OTP', (tab) => shot(tab, '2-dev-inbox'));
    const code = body.match(/\b\d{6}\b/)?.[0];
    assert.ok(code, 'the OTP SMS holds a 6-digit code');
    await page.getByTestId('otp-input').fill(code);
    await page.getByTestId('create-account').click();
    await page.getByTestId('created-title').waitFor();
    await page.locator('[data-testid=password-sms]').waitFor();
    await page.locator('[data-testid=password-sms][data-status=DELIVERED]').waitFor({ timeout: 20_000 });
    await shot(page, '2-step3-created');
    await checkPage(page, 'account created');

    // "Create another account" opens step 1 at the top of the page.
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await page.getByRole('button', { name: 'Tạo tài khoản khác' }).click();
    await page.waitForURL(/\/officer\/registrations\/new$/);
    assert.equal(await page.evaluate(() => window.scrollY), 0, 'the new wizard starts at the top');
    await page.goBack();

    // The new account is in "accounts I created".
    await page.goto(`${base}/officer/accounts`);
    await page.getByTestId('created-accounts').getByText(citizen.fullName).waitFor();
  });
});
