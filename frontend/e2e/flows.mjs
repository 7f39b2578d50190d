// Steps several browser tests share, written as a person would do them on screen.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { tempFiles } from './harness.mjs';

/** Signs in through the sign-in screen and waits to leave it. */
export async function signIn(page, base, login, password) {
  await page.goto(`${base}/signin`);
  await page.getByLabel(/^(Số định danh cá nhân hoặc số điện thoại|ID number or phone number)$/).fill(login);
  await page.getByLabel(/^(Mật khẩu|Password)$/).fill(password);
  await page.getByRole('button', { name: /^(Đăng nhập|Sign in)$/ }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/signin'));
}

/** Signs out: through the user menu (staff), or the header's button (citizens). */
export async function signOut(page) {
  const menu = page.getByTestId('user-menu');
  if (await menu.count()) {
    await menu.hover();
    await page.getByRole('menuitem', { name: /Đăng xuất|Sign out/ }).click();
  } else {
    await page.locator('header').getByRole('button', { name: /Đăng xuất|Sign out/ }).click();
  }
  await page.waitForURL(/\/signin/);
}

/**
 * Writes a small PDF that stands for the scan of both sides of an ID card: a whole
 * PDF (objects, a cross-reference table with exact offsets, trailer, startxref,
 * %%EOF), as the server's structural check requires.
 */
export function scanFile() {
  const path = join(tempFiles(), 'cccd-hai-mat.pdf');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>',
  ];
  let pdf = '%PDF-1.4\n';
  const offsets = objects.map((body, i) => {
    const at = pdf.length;
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
    return at;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const at of offsets) pdf += `${String(at).padStart(10, '0')} 00000 n \n`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  writeFileSync(path, pdf);
  return path;
}

/** A 12-digit CCCD consistent with a birth year (Hà Nội, male), unique per call. */
export function cccdFor(year) {
  const centuryDigit = year >= 2000 ? '2' : '0';
  const tail = String(Date.now() % 1_000_000).padStart(6, '0');
  return `001${centuryDigit}${String(year % 100).padStart(2, '0')}${tail}`;
}

/**
 * Step 1 of the wizard: look the ID up, fill the form, attach the scan, save.
 * Returns the registration id from the URL.
 */
export async function fillStepOne(page, base, citizen, shot) {
  await openNewRegistration(page, base);
  await page.getByLabel(/^(Số định danh cá nhân|ID number)$/).fill(citizen.idNumber);
  await page.getByTestId('lookup-button').click();
  await page.getByTestId('lookup-clear').waitFor();
  await page.getByLabel(/^(Họ và tên|Full name)$/).fill(citizen.fullName);
  const dob = page.getByLabel(/^(Ngày sinh|Date of birth)$/);
  await dob.click();
  await dob.fill(citizen.dateOfBirth); // DD/MM/YYYY
  await dob.press('Enter');
  await page.getByLabel(/^(Số điện thoại|Phone number)$/).fill(citizen.phone);
  if (citizen.email) await page.getByLabel(/Thư điện tử|Email/).fill(citizen.email);
  await page.locator('input[type=file]').setInputFiles(scanFile());
  await page.getByText('cccd-hai-mat.pdf').waitFor();
  if (shot) await shot('step1-filled');
  await page.getByTestId('start-button').click();
  await page.waitForURL(/\/officer\/registrations\/(?!new)[^/]+$/);
  const id = new URL(page.url()).pathname.split('/').pop();
  assert.ok(id && id !== 'new');
  return id;
}

/** Opens step 1 from the list of accounts the officer created ("Add new"). */
export async function openNewRegistration(page, base) {
  await page.goto(`${base}/officer/accounts`);
  await page.getByRole('button', { name: /Thêm mới|Add new/ }).click();
  await page.waitForURL(/\/officer\/registrations\/new$/);
}

/** Reads the newest SMS of a kind for phone through the dev inbox screen in another tab. */
export async function readInboxInTab(context, base, phone, kind, shot) {
  const tab = await context.newPage();
  try {
    await tab.goto(`${base}/inbox`);
    await tab.getByLabel(/Số điện thoại|Phone number/).fill(phone);
    await tab.getByRole('button', { name: /Xem tin nhắn|Show messages/ }).click();
    const kindText = { REGISTRATION_OTP: /Mã OTP tạo tài khoản|Account creation OTP/, INITIAL_PASSWORD: /Mật khẩu đăng nhập|Sign-in password/, RESET_OTP: /Mã OTP đặt lại|Password reset OTP/ }[kind];
    const row = tab.locator('[data-testid=dev-inbox] tbody tr, [data-testid=dev-sms]', { hasText: kindText }).first();
    await row.waitFor();
    if (shot) await shot(tab);
    return (await row.getByTestId('dev-sms-body').textContent()) ?? '';
  } finally {
    await tab.close();
  }
}

/** Sends one GraphQL request as the holder of token; throws on errors. */
export async function gql(base, token, query, variables = {}) {
  const r = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const j = await r.json();
  if (j.errors?.length) throw new Error(`GraphQL: ${j.errors.map((e) => `${e.extensions?.code}: ${e.message}`).join('; ')}`);
  return j.data;
}

/** Signs in through the API; returns the bearer token. */
export async function apiSignIn(base, login, password) {
  const d = await gql(base, null, 'mutation($i: SignInInput!) { signIn(input: $i) { token } }', { i: { login, password } });
  return d.signIn.token;
}

/**
 * Starts a desk registration through the API as an officer and sends its OTP;
 * returns the registration's id.
 */
export async function apiStartRegistration(base, officerToken, citizen) {
  const fd = new FormData();
  const operations = {
    query: 'mutation($i: StartRegistrationInput!) { startRegistration(input: $i) { id } }',
    variables: { i: { ...citizen, email: null, unitID: citizen.unitID, scan: null } },
  };
  fd.append('operations', JSON.stringify(operations));
  fd.append('map', JSON.stringify({ 0: ['variables.i.scan'] }));
  const { readFileSync } = await import('node:fs');
  fd.append('0', new Blob([readFileSync(scanFile())], { type: 'application/pdf' }), 'cccd.pdf');
  const r = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${officerToken}`, 'GraphQL-Require-Preflight': '1' },
    body: fd,
  });
  const j = await r.json();
  if (j.errors?.length) throw new Error(`startRegistration: ${JSON.stringify(j.errors)}`);
  const id = j.data.startRegistration.id;
  await gql(base, officerToken, 'mutation($id: ID!) { sendRegistrationOTP(registrationID: $id) { id } }', { id });
  return id;
}

/**
 * Creates a citizen account through the API as an officer (all three steps, the OTP
 * read from the dev inbox); returns once the password SMS is in the inbox.
 */
export async function apiCreateCitizen(base, officerToken, citizen, readSms) {
  const id = await apiStartRegistration(base, officerToken, citizen);
  const otp = await readSms('REGISTRATION_OTP');
  const code = otp.body.match(/\b\d{6}\b/)[0];
  await gql(base, officerToken, 'mutation($id: ID!, $c: String!) { completeRegistration(registrationID: $id, code: $c) { id state } }', { id, c: code });
  return readSms('INITIAL_PASSWORD');
}

/**
 * Waits for locator; if the page shows a refusal first, fails with the refusal's
 * code and text, so a server gap reads as such rather than as a timeout.
 */
export async function waitOrRefusal(page, locator, timeout = 15_000) {
  const alert = page.getByTestId('error-alert').first();
  await Promise.race([locator.waitFor({ timeout }), alert.waitFor({ timeout })]);
  if (await alert.isVisible()) {
    const code = await alert.getAttribute('data-code');
    throw new Error(`the page shows a refusal instead: ${code}: ${(await alert.textContent())?.trim()}`);
  }
}
