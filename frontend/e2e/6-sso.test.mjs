// (6) Single sign-on: a citizen created at a desk signs in to the dev-mode demo
// relying party (a province portal at /dev/rp) through motcua: the sign-in page
// names the portal, forces the change of the initial password, asks for consent,
// and the portal shows the claims it received; then the citizen revokes the
// portal on the account page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shot, withApp } from './harness.mjs';
import { apiSignIn, gql, waitOrRefusal } from './flows.mjs';

// Seeded by `serve --dev` (seed/demo.go): created at the Lạng Sơn centre, never
// signed in; its SMS password works once within 72 h of seeding.
const deskCitizen = { login: '020204900008', initialPassword: 'Kx7mQ2vRt9', fullName: 'Lê Minh Khôi' };

test('sso: demo portal → sign-in → forced password change → consent → claims; then revoke', { timeout: 120_000 }, async () => {
  await withApp('sso', async ({ base, page }) => {
    // The portal, served by the same binary in dev mode.
    await page.goto(`${base}/dev/rp`);
    const portalTitle = await page.title();
    assert.match(portalTitle, /Cổng Dịch vụ công|Public Service Portal/, 'the demo RP is titled as a province portal');
    await shot(page, '6-rp');
    await page.getByRole('link', { name: /Đăng nhập bằng tài khoản Cổng Dịch vụ công quốc gia/ }).click();

    // The OP hands the browser to the SPA's sign-in page, naming the portal.
    await page.waitForURL(/\/sso\/[^/?#]+/);
    const requester = page.getByTestId('sso-requester');
    await waitOrRefusal(page, requester);
    const clientName = (await page.getByTestId('sso-client-name').textContent())?.trim() ?? '';
    assert.ok(clientName.length > 0, 'the sign-in page names the system that asks');
    assert.match((await requester.textContent()) ?? '', /đề nghị đăng nhập bằng tài khoản của bạn/);
    await shot(page, '6-sso-sign-in');

    const login = page.getByLabel('Số định danh cá nhân hoặc số điện thoại');
    await login.fill(deskCitizen.login);
    await page.getByLabel('Mật khẩu', { exact: true }).fill(deskCitizen.initialPassword);
    await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();

    // The initial password must be replaced before any code is issued.
    const changeTitle = page.getByRole('heading', { name: 'Đặt mật khẩu mới trước khi tiếp tục' });
    await waitOrRefusal(page, changeTitle);
    assert.match(page.url(), /\/sso\//, 'the change happens on the SSO page, not back at the portal');
    await shot(page, '6-sso-forced-change');
    const chosen = 'Núi Mẫu Sơn mây trắng 2026';
    await page.getByLabel('Mật khẩu hiện tại').fill(deskCitizen.initialPassword);
    await page.getByLabel('Mật khẩu mới', { exact: true }).fill(chosen);
    await page.getByLabel('Nhập lại mật khẩu mới').fill(chosen);
    await page.getByRole('button', { name: 'Đổi mật khẩu' }).click();

    // Consent: the data asked for, in plain words.
    const consentTitle = page.getByRole('heading', { name: 'Cho phép chia sẻ thông tin' });
    await waitOrRefusal(page, consentTitle);
    const scopes = page.getByTestId('consent-scopes');
    await scopes.locator('[data-scope=openid]').waitFor();
    assert.match((await scopes.textContent()) ?? '', /mã định danh tài khoản \(không phải số định danh cá nhân\)/);
    assert.match((await page.locator('body').textContent()) ?? '', new RegExp(deskCitizen.fullName));
    await shot(page, '6-sso-consent');

    // Approve: code, token exchange at the portal, claims on its page.
    const approvedAt = Date.now();
    await page.getByRole('button', { name: 'Đồng ý', exact: true }).click();
    await page.waitForURL((u) => u.pathname.startsWith('/dev/rp'));
    await page.getByText('urn:motcua:loa:desk').first().waitFor();
    // Not a timing assertion: the number goes to the test log for the notes.
    console.log(`sso: approve → claims shown at the RP in ${Date.now() - approvedAt} ms`);
    const rpText = (await page.locator('body').textContent()) ?? '';
    assert.match(rpText, /\bsub\b/, 'the RP shows the sub claim');
    assert.match(rpText, /\bacr\b/, 'the RP shows the acr claim');
    assert.match(rpText, /urn:motcua:loa:desk/, 'an account created at a desk is proofed by the desk');
    // Where the RP prints the claims as JSON, sub must be the opaque account id.
    for (const pre of await page.locator('pre, code').allTextContents()) {
      let claims;
      try {
        claims = JSON.parse(pre);
      } catch {
        continue;
      }
      if (claims && typeof claims === 'object' && 'sub' in claims) {
        assert.notEqual(claims.sub, deskCitizen.login, 'sub is never the ID number');
        assert.equal(claims.acr, 'urn:motcua:loa:desk');
      }
    }
    await shot(page, '6-rp-claims');

    // The citizen sees the portal among the connected systems and revokes it.
    await page.goto(`${base}/me`);
    const card = page.getByTestId('connected-apps');
    const app = card.getByTestId('connected-app').filter({ hasText: clientName });
    await waitOrRefusal(page, app);
    assert.match((await app.textContent()) ?? '', /Liên kết từ ngày \d{2}\/\d{2}\/\d{4}/);
    await shot(page, '6-connected-apps');
    await app.getByRole('button', { name: `Thu hồi quyền của ${clientName}` }).click();
    await app.getByRole('button', { name: 'Thu hồi', exact: true }).click();
    await page.getByText(`Đã thu hồi quyền của ${clientName}.`).waitFor();
    await app.waitFor({ state: 'detached' });
    await shot(page, '6-revoked');

    // The server agrees: no grant is left for the account.
    const token = await apiSignIn(base, deskCitizen.login, chosen);
    const { connectedApps } = await gql(base, token, '{ connectedApps { clientID clientName } }');
    assert.deepEqual(connectedApps.filter((a) => a.clientName === clientName), [], 'the revoked system holds no grant');
  });
});
