// (2) The officer creates a citizen account through all three steps, reading the OTP
// from the dev inbox, and sees the OTP and password SMS reach "delivered" live.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shot, withApp } from './harness.mjs';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
    await page.getByLabel('Số CMND/CCCD').first().fill(demo.existingCitizen.idNumber);
    await page.getByTestId('lookup-button').click();
    const exists = page.getByTestId('lookup-exists');
    await exists.getByText('Công dân đã có tài khoản').waitFor();
    const shown = (await exists.textContent()) ?? '';
    assert.ok(!shown.includes(demo.existingCitizen.fullName), 'the owner is masked');
    assert.equal(await page.getByTestId('start-button').isDisabled(), true);
    await shot(page, '2-lookup-exists');

    // A scan of the wrong type is refused before any upload.
    await page.getByLabel('Số CMND/CCCD').first().fill(citizen.idNumber);
    await page.getByTestId('lookup-button').click();
    await page.getByTestId('lookup-clear').waitFor();
    const bad = join(mkdtempSync(join(tmpdir(), 'motcua-e2e-bad-')), 'cccd.jpg');
    writeFileSync(bad, 'not a pdf');
    await page.locator('input[type=file]').setInputFiles(bad);
    await page.getByText('Chỉ chấp nhận tệp PDF, DOC hoặc DOCX.').waitFor();

    // Step 1
    const id = await fillStepOne(page, base, citizen, (n) => shot(page, `2-${n}`));

    // Step 2: the request form is a PDF; send the OTP and watch it arrive.
    const href = await page.getByTestId('download-form').getAttribute('href');
    const form = await page.request.get(new URL(href, base).toString());
    assert.equal(form.status(), 200);
    assert.match(form.headers()['content-type'] ?? '', /application\/pdf/);
    await page.getByTestId('send-otp').click();
    await page.locator('[data-testid=otp-sms]').waitFor();
    await page.locator('[data-testid=otp-sms][data-status=DELIVERED]').waitFor({ timeout: 20_000 });
    await page.getByText('Tin nhắn đã đến máy công dân').waitFor();
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

    // The new account is in "accounts I created".
    await page.goto(`${base}/officer/accounts`);
    await page.getByTestId('created-accounts').getByText(citizen.fullName).waitFor();
  });
});
