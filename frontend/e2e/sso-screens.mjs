// Renders the single sign-on screens with canned GraphQL answers, at a phone's
// size (390×844) and a laptop's (1366×768), for a visual check while the
// backend of these screens is not there: `npx vite --port 18091` in one shell,
// then `node e2e/sso-screens.mjs http://127.0.0.1:18091`. Screenshots go to
// e2e/screenshots/sso-*.png, and the run fails if a page scrolls sideways.
// Not part of the browser suite (which runs the real binary).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { screenshotDir } from './harness.mjs';

const base = process.argv[2] ?? 'http://127.0.0.1:18091';

const account = (over = {}) => ({
  __typename: 'Account', id: 'acc1', idNumberMasked: '0202********08', fullName: 'Lê Minh Khôi', dateOfBirth: '2004-12-01',
  phoneMasked: '+84983***108', email: null, status: 'ACTIVE', origin: 'ONE_STOP_DESK', mustChangePassword: false,
  createdAt: '2026-01-05T02:00:00Z', ...over,
});
const citizen = { __typename: 'Viewer', roles: ['CITIZEN'], permissions: [], currentSessionID: 's1', sessions: [{ __typename: 'Session', id: 's1', createdAt: '2026-03-01T01:00:00Z', lastSeenAt: '2026-03-01T02:00:00Z', expiresAt: '2026-03-02T01:00:00Z', userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0' }], account: account(), officer: null };
const unit = { __typename: 'Unit', id: 'u1', code: '000.00.00.H37', name: 'Ủy ban nhân dân tỉnh Lạng Sơn', kind: 'PROVINCE', isServiceDesk: false, parent: null };
const admin = {
  ...citizen, roles: ['OFFICER', 'SUPER_ADMIN'], account: account({ id: 'acc0', fullName: 'Trần Quốc Bảo', origin: 'SELF_REGISTERED' }),
  officer: { __typename: 'Officer', id: 'o1', permissions: [], isAdmin: true, isSuperAdmin: true, canCreateCitizenAccounts: false, blockers: [], manageable: true, notice: null, adminUnit: null, account: account({ id: 'acc0', fullName: 'Trần Quốc Bảo' }), unit: null },
};
const client = (i, over = {}) => ({
  __typename: 'OIDCClient', id: `01JCLIENT${i}AAAAAAAAAAAAAAAA`, name: ['Cổng Dịch vụ công tỉnh Lạng Sơn', 'Hệ thống thông tin giải quyết TTHC tỉnh Lạng Sơn', 'Ứng dụng di động Lạng Sơn Số'][i % 3],
  scopes: i % 3 === 1 ? ['openid', 'profile', 'phone', 'vn_identity'] : ['openid', 'profile', 'email'], public: i % 3 === 2, disabled: i === 4,
  createdAt: '2026-02-10T03:00:00Z', updatedAt: '2026-02-11T03:00:00Z',
  redirectURIs: ['https://dichvucong.langson.gov.vn/oidc/callback', 'https://dichvucong.langson.gov.vn/auth/motcua/callback-with-a-rather-long-path'],
  postLogoutRedirectURIs: ['https://dichvucong.langson.gov.vn/'], backchannelLogoutURI: i % 3 === 2 ? null : 'https://dichvucong.langson.gov.vn/oidc/backchannel-logout',
  previousSecretValidUntil: null, unit, ...over,
});
const authRequest = (next, over = {}) => ({
  __typename: 'OIDCAuthRequest', id: 'req1', clientName: 'Cổng Dịch vụ công tỉnh Lạng Sơn', clientUnitName: 'Ủy ban nhân dân tỉnh Lạng Sơn',
  scopes: ['openid', 'profile', 'phone', 'email', 'vn_identity'], loginHint: '020204900008', uiLocales: [], prompt: [], maxAge: null, next, ...over,
});

/** The answer to each operation, by scene. */
const scenes = {
  'signin': { viewer: null, OidcAuthRequest: { oidcAuthRequest: authRequest('SIGN_IN') } },
  'signin-limited': {
    viewer: null, OidcAuthRequest: { oidcAuthRequest: authRequest('SIGN_IN') },
    SsoSignIn: { errors: [{ message: 'Bạn đã nhập sai quá nhiều lần. Vui lòng thử lại sau.', extensions: { code: 'RATE_LIMITED', availableAt: new Date(Date.now() + 14 * 60_000).toISOString() } }] },
  },
  'change': { viewer: { ...citizen, account: account({ mustChangePassword: true }) }, OidcAuthRequest: { oidcAuthRequest: authRequest('CHANGE_PASSWORD') } },
  'consent': { viewer: citizen, OidcAuthRequest: { oidcAuthRequest: authRequest('CONSENT') } },
  'consent-en': { viewer: citizen, OidcAuthRequest: { oidcAuthRequest: authRequest('CONSENT', { uiLocales: ['en-US'], scopes: ['openid', 'profile'] }) } },
  'expired': { viewer: null, OidcAuthRequest: { oidcAuthRequest: null } },
  'me': {
    viewer: citizen,
    ConnectedApps: { connectedApps: [
      { __typename: 'ConnectedApp', clientID: 'c1', clientName: 'Cổng Dịch vụ công tỉnh Lạng Sơn', scopes: ['openid', 'profile', 'phone'], grantedAt: '2026-02-14T03:00:00Z', lastUsedAt: '2026-03-01T07:30:00Z' },
      { __typename: 'ConnectedApp', clientID: 'c2', clientName: 'Hệ thống thông tin giải quyết TTHC tỉnh Lạng Sơn', scopes: ['openid', 'vn_identity'], grantedAt: '2026-02-20T03:00:00Z', lastUsedAt: null },
    ] },
  },
  'me-revoke': { viewer: citizen, ConnectedApps: null, RevokeConnectedApp: { revokeConnectedApp: true } },
  'me-empty': { viewer: citizen, ConnectedApps: { connectedApps: [] } },
  'clients': {
    viewer: admin,
    OidcClients: { oidcClients: { __typename: 'OIDCClientConnection', totalCount: 5, pageInfo: { __typename: 'PageInfo', hasNextPage: false, hasPreviousPage: false, startCursor: 'a', endCursor: 'b' }, edges: [0, 1, 2, 3, 4].map((i) => ({ __typename: 'OIDCClientEdge', node: client(i) })) } },
    Units: { units: { __typename: 'UnitConnection', totalCount: 1, pageInfo: { __typename: 'PageInfo', hasNextPage: false, hasPreviousPage: false, startCursor: 'a', endCursor: 'a' }, edges: [{ __typename: 'UnitEdge', node: { ...unit, code: '000.00.00.H11', name: 'Ủy ban nhân dân tỉnh Cao Bằng' } }] } },
    CreateOidcClient: { errors: [{ message: 'Địa chỉ chuyển hướng phải dùng https.', extensions: { code: 'VALIDATION', field: 'redirectURIs' } }] },
  },
  'client': {
    viewer: admin,
    OidcClient: { node: { ...client(1, { previousSecretValidUntil: new Date(Date.now() + 86_400_000).toISOString() }), recentBackchannelDeliveries: [
      { __typename: 'OIDCBackchannelDelivery', id: 'd1', createdAt: '2026-03-01T07:00:00Z', updatedAt: '2026-03-01T07:00:02Z', reason: 'PASSWORD_CHANGED', status: 'DELIVERED', attempts: 1, lastHTTPStatus: 200, lastError: null, deliveredAt: '2026-03-01T07:00:02Z' },
      { __typename: 'OIDCBackchannelDelivery', id: 'd2', createdAt: '2026-03-01T06:00:00Z', updatedAt: '2026-03-01T06:40:00Z', reason: 'APP_REVOKED', status: 'FAILED', attempts: 8, lastHTTPStatus: 503, lastError: 'HTTP 503 Service Unavailable', deliveredAt: null },
      { __typename: 'OIDCBackchannelDelivery', id: 'd3', createdAt: '2026-03-01T05:00:00Z', updatedAt: '2026-03-01T05:00:00Z', reason: 'SIGN_OUT_EVERYWHERE', status: 'PENDING', attempts: 2, lastHTTPStatus: null, lastError: 'dial tcp: connection refused', deliveredAt: null },
    ] } },
    RotateOidcClientSecret: { rotateOIDCClientSecret: { __typename: 'OIDCClientSecret', clientSecret: 'q8Yd3vJ0c2mXz-7rT1uKp9WbE4sNaLhG6oQfVyRjD5I', client: client(1, { previousSecretValidUntil: new Date(Date.now() + 7 * 86_400_000).toISOString() }) } },
  },
};

async function mock(page, scene) {
  const answers = scenes[scene];
  await page.route('**/dev/sms**', (r) => r.fulfill({ status: 404, body: '' }));
  await page.route('**/graphql', async (route) => {
    const body = route.request().postDataJSON();
    const op = body.operationName ?? (body.query.match(/(?:query|mutation)\s+(\w+)/) ?? [])[1];
    let answer;
    if (op === 'Viewer') answer = { data: { viewer: answers.viewer } };
    else if (answers[op]?.errors) answer = { data: null, errors: answers[op].errors };
    else if (answers[op]) answer = { data: answers[op] };
    else answer = { data: null, errors: [{ message: `no canned answer for ${op}`, extensions: { code: 'INTERNAL' } }] };
    await route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(answer) });
  });
}

scenes['me-revoke'].ConnectedApps = scenes.me.ConnectedApps;

// The selectors below are the ones e2e/6-sso.test.mjs uses, so they are checked here too.
const shots = [
  ['signin', '/sso/req1', async (p) => { await p.getByTestId('sso-client-name').waitFor(); await p.getByLabel('Số CMND/CCCD hoặc số điện thoại').waitFor(); await p.getByRole('button', { name: 'Đăng nhập', exact: true }).waitFor(); }],
  ['signin-limited', '/sso/req1', async (p) => { await p.getByLabel('Mật khẩu', { exact: true }).fill('sai-mat-khau'); await p.getByRole('button', { name: 'Đăng nhập' }).click(); await p.getByTestId('retry-at').waitFor(); }],
  ['change', '/sso/req1', async (p) => { await p.getByRole('heading', { name: 'Đặt mật khẩu mới trước khi tiếp tục' }).waitFor(); await p.getByLabel('Mật khẩu hiện tại').waitFor(); await p.getByLabel('Mật khẩu mới', { exact: true }).waitFor(); await p.getByLabel('Nhập lại mật khẩu mới').waitFor(); }],
  ['consent', '/sso/req1', async (p) => { await p.getByRole('heading', { name: 'Cho phép chia sẻ thông tin' }).waitFor(); await p.getByTestId('consent-scopes').locator('[data-scope=openid]').waitFor(); await p.getByRole('button', { name: 'Đồng ý', exact: true }).waitFor(); }],
  ['consent-en', '/sso/req1', async (p) => { await p.getByRole('button', { name: 'Allow' }).waitFor(); }],
  ['expired', '/sso/req1', null],
  ['me', '/me', async (p) => { await p.getByText('Cổng Dịch vụ công tỉnh Lạng Sơn').first().waitFor(); }],
  ['me-revoke', '/me', async (p) => {
    const name = 'Cổng Dịch vụ công tỉnh Lạng Sơn';
    const app = p.getByTestId('connected-apps').getByTestId('connected-app').filter({ hasText: name });
    await app.getByRole('button', { name: `Thu hồi quyền của ${name}` }).click();
    await p.locator('.ant-popconfirm').getByRole('button', { name: 'Thu hồi', exact: true }).waitFor();
    await p.waitForTimeout(300);
    await p.screenshot({ path: join(screenshotDir, `sso-me-revoke-confirm-${p.viewportSize().width}.png`) });
    await p.locator('.ant-popconfirm').getByRole('button', { name: 'Thu hồi', exact: true }).click();
    await p.getByText(`Đã thu hồi quyền của ${name}.`).waitFor();
  }],
  ['me-empty', '/me', null],
  ['clients', '/admin/oidc-clients', async (p) => { await p.getByTestId('client-table').getByText('Ứng dụng di động Lạng Sơn Số').first().waitFor(); }],
  ['clients-create', '/admin/oidc-clients', async (p) => {
    await p.getByRole('button', { name: /Đăng ký hệ thống/ }).first().click();
    await p.getByLabel('Tên hệ thống').fill('Cổng Dịch vụ công tỉnh Cao Bằng');
    await p.getByLabel(/Địa chỉ chuyển hướng/).fill('http://dichvucong.caobang.gov.vn/cb');
    await p.getByRole('checkbox', { name: /vn_identity/ }).check();
    await p.getByTestId('client-submit').click();
    await p.getByText('Vui lòng chọn đơn vị quản lý.').waitFor();
    await p.getByRole('button', { name: 'Chọn đơn vị' }).click();
    await p.getByRole('button', { name: 'Chọn Ủy ban nhân dân tỉnh Cao Bằng' }).click();
    await p.getByTestId('client-unit').waitFor();
    await p.getByTestId('client-submit').click();
    // The server's refusal names the field: it shows under the redirect URIs.
    await p.getByText('Địa chỉ chuyển hướng phải dùng https.').waitFor();
    await p.getByLabel('Tên hệ thống').scrollIntoViewIfNeeded();
  }, 'clients'],
  ['client', '/admin/oidc-clients/01JCLIENT1', async (p) => { await p.getByTestId('delivery-table').waitFor(); }],
  ['client-rotated', '/admin/oidc-clients/01JCLIENT1', async (p) => {
    await p.getByRole('button', { name: /Đổi bí mật/ }).click();
    await p.locator('.ant-popconfirm').getByRole('button', { name: 'Đổi bí mật' }).click();
    await p.getByTestId('issued-secret').waitFor();
  }, 'client'],
];

// One browser per picture: on this shared machine a long-lived headless Chromium
// was seen to die between pages.
const launch = () =>
  chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
mkdirSync(screenshotDir, { recursive: true });
const wide = [];
{
  const only = process.env.ONLY ? new RegExp(process.env.ONLY) : null;
  for (const [name, path, act, sceneName] of shots.filter(([n]) => !only || only.test(n))) {
    for (const [w, h] of [[390, 844], [1366, 768]]) {
      const browser = await launch();
      const ctx = await browser.newContext({ viewport: { width: w, height: h }, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
      const page = await ctx.newPage();
      await mock(page, sceneName ?? name);
      await page.goto(`${base}${path}`);
      await page.waitForLoadState('networkidle');
      if (act) await act(page);
      await page.waitForTimeout(900); // let animations (modals) settle for the picture
      // The sider collapses below the lg breakpoint a moment after the first paint:
      // give the layout up to 3 s to settle before calling it a horizontal scroll.
      const overflow = await page.evaluate(async () => {
        const over = () => document.documentElement.scrollWidth - document.documentElement.clientWidth;
        for (let i = 0; i < 30 && over() > 0; i++) await new Promise((r) => setTimeout(r, 100));
        return over();
      });
      if (overflow > 0) {
        // Name the elements that stick out, so the cause is found without guessing.
        const culprits = await page.evaluate(() => {
          const vw = document.documentElement.clientWidth;
          return [...document.querySelectorAll('body *')]
            .filter((e) => e.getBoundingClientRect().right > vw + 1 && e.children.length === 0)
            .slice(0, 5)
            .map((e) => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')}:${Math.round(e.getBoundingClientRect().right)}`);
        });
        wide.push(`${name}@${w}: ${overflow}px (${culprits.join(' ')})`);
      }
      await page.screenshot({ path: join(screenshotDir, `sso-${name}-${w}.png`), fullPage: true });
      await browser.close();
    }
  }
}
if (wide.length) {
  console.error(`horizontal scroll: ${wide.join(', ')}`);
  process.exit(1);
}
console.log(`screenshots in ${screenshotDir}`);
