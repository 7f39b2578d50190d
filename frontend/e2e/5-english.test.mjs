// (5) The English switch changes the wizard's texts, is remembered by the browser,
// and the server answers in English too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shot, withApp } from './harness.mjs';
import { signIn, signOut } from './flows.mjs';
import { demo } from './demo.mjs';

test('the English switch changes the wizard and the server messages', { timeout: 90_000 }, async () => {
  await withApp('english', async ({ base, page }) => {
    await signIn(page, base, demo.officer.login, demo.officer.password);
    await page.goto(`${base}/officer/registrations/new`);
    await page.getByText('Tạo tài khoản công dân').first().waitFor();
    await page.getByRole('button', { name: 'Tra cứu' }).waitFor();
    await page.getByText('Công dân xác nhận').waitFor();

    await page.getByTestId('lang-switch').getByText('English').click();
    await page.getByText('Create a citizen account').first().waitFor();
    await page.getByRole('button', { name: 'Look up' }).waitFor();
    await page.getByText('Citizen confirms').waitFor();
    await page.getByText('Register the account').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Tra cứu' }).count(), 0);
    await shot(page, '5-wizard-english');

    // Remembered across a reload.
    await page.reload();
    await page.getByRole('button', { name: 'Look up' }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');

    // Client-side validation speaks English.
    await page.getByLabel('ID number', { exact: true }).fill('12345');
    await page.getByRole('button', { name: 'Look up' }).click();
    await page.getByText('An ID number has 12 digits (an old CMND number has 9).').waitFor();

    // The server answers in English too (Accept-Language): a refused sign-in.
    await signOut(page);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByLabel('ID number or phone number').fill(demo.officer.login);
    await page.getByLabel('Password', { exact: true }).fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByTestId('error-alert');
    await alert.waitFor();
    assert.equal(await alert.getAttribute('data-code'), 'UNAUTHENTICATED');
    const text = (await alert.textContent()) ?? '';
    assert.match(text, /[a-z]{3,}/i);
    assert.doesNotMatch(text, /[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/i, `an English message, got: ${text}`);
    await shot(page, '5-signin-refused-english');

    // And back to Vietnamese.
    await page.getByTestId('lang-switch').getByText('Tiếng Việt').click();
    await page.getByRole('heading', { name: 'Đăng nhập' }).waitFor();
  });
});
