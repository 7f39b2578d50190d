// Renders the statistics page with canned GraphQL answers at 390×844 and 1366×768,
// for a visual check without the backend: `npx vite --port 18092` in one shell, then
// `node e2e/stats-screens.mjs http://127.0.0.1:18092`. Screenshots go to
// e2e/screenshots/stats-*.png; the run fails if a page scrolls sideways or a chart
// is not drawn. Not part of the browser suite (9-statistics runs the real binary).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { screenshotDir } from './harness.mjs';

const base = process.argv[2] ?? 'http://127.0.0.1:18092';

const account = { __typename: 'Account', id: 'acc0', idNumberMasked: '0010********01', fullName: 'Trần Quốc Bảo', dateOfBirth: '1978-01-01', phoneMasked: null, email: null, status: 'ACTIVE', origin: 'SELF_REGISTERED', mustChangePassword: false, createdAt: '2026-01-05T02:00:00Z' };
const viewer = {
  __typename: 'Viewer', roles: ['OFFICER', 'SUPER_ADMIN'], permissions: [], currentSessionID: 's1', sessions: [], account,
  officer: { __typename: 'Officer', id: 'o1', permissions: [], isAdmin: true, isSuperAdmin: true, canCreateCitizenAccounts: false, blockers: [], manageable: true, notice: null, adminUnit: null, account, unit: null },
};
const unit = (id, name, isServiceDesk = false) => ({ __typename: 'Unit', id, name, isServiceDesk });
const day = (i) => new Date(Date.UTC(2026, 10, 6 + i)).toISOString().slice(0, 10);
const wave = (i, k) => Math.max(0, Math.round(k * (1.2 + Math.sin(i / 3)) + (i % 7 === 5 || i % 7 === 6 ? -k : 0)));
const provinces = ['Tỉnh Lạng Sơn', 'Thành phố Hà Nội', 'Tỉnh Cao Bằng', 'Thành phố Hồ Chí Minh', 'Tỉnh Quảng Ninh', 'Tỉnh Thừa Thiên Huế', 'Thành phố Đà Nẵng', 'Tỉnh Nghệ An', 'Tỉnh Cà Mau', 'Tỉnh Điện Biên'];
const funnel = (s) => ({ started: s, otpSent: Math.round(s * 0.86), created: Math.round(s * 0.74), cancelled: Math.round(s * 0.09), expired: Math.round(s * 0.13) });
const carriers = ['VIETTEL', 'VINAPHONE', 'MOBIFONE', 'VIETNAMOBILE', 'ITELECOM'];
const statistics = {
  from: day(0), to: day(29), unit: null,
  accountsPerDay: Array.from({ length: 30 }, (_, i) => ({ day: day(i), count: wave(i, 420) })),
  accountsBy: provinces.map((p, i) => ({ unit: unit(`p${i}`, p), officer: null, label: p, count: Math.round(12840 / (i + 1)), drillable: i !== 9 })),
  funnel: funnel(15230),
  funnelBy: provinces.slice(0, 8).map((p, i) => ({ unit: unit(`p${i}`, p), funnel: funnel(Math.round(5000 / (i + 1))) })),
  sms: ['REGISTRATION_OTP', 'INITIAL_PASSWORD', 'RESET_OTP'].flatMap((kind, k) =>
    carriers.map((carrier, c) => {
      const sent = Math.round(9000 / (k + 1) / (c + 1));
      return { kind, carrier, sent, delivered: Math.round(sent * 0.93), undelivered: Math.round(sent * 0.03), failed: Math.round(sent * 0.01), noReport: Math.round(sent * 0.03) };
    }),
  ),
  smsDelivery: Array.from({ length: 30 }, (_, i) => ({ day: day(i), delivered: wave(i, 300), p50Seconds: 3 + (i % 5) * 0.4, p95Seconds: i === 12 ? null : 11 + (i % 4) * 2.5 })),
  otp: { codesSent: 14120, resends: 1320, attemptsExhausted: 87, accountsCreated: 11270, codesPerAccount: 1.2529 },
};
const signal = (i, kind, value, threshold, reviewed = false) => ({
  __typename: 'Signal', id: `sg${i}`, kind, unit: { id: 'd1', name: 'Trung tâm Phục vụ hành chính công tỉnh Lạng Sơn' },
  officer: kind === 'LOOKUP_BUDGET' || kind === 'AFTER_HOURS' ? { id: 'o2', account: { id: 'a2', fullName: 'Nông Văn Thắng' } } : null,
  value, threshold, day: day(27 - i), detectedAt: '2026-12-04T18:00:00Z', subjectIDs: ['01JACC1', '01JACC2', '01JACC3'], reviewed,
  reviewedAt: reviewed ? '2026-12-05T02:10:00Z' : null, reviewedBy: reviewed ? { id: 'o1', account: { id: 'acc0', fullName: 'Trần Quốc Bảo' } } : null, reviewNote: reviewed ? 'Hộ gia đình dùng chung số điện thoại.' : null,
});
const signals = [signal(0, 'SHARED_PHONE', 4, 3), signal(1, 'DESK_DROP_OFF', 3.4, 2), signal(2, 'LOOKUP_BUDGET', 0.93, 0.9), signal(3, 'AFTER_HOURS', 6, 1), signal(4, 'UNUSED_PASSWORDS', 0.62, 0.5)];
const answers = {
  Viewer: { viewer },
  Statistics: { statistics },
  Signals: { signals: { totalCount: signals.length, pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: 'a', endCursor: 'b' }, edges: signals.map((node) => ({ node })) } },
  SignalSettings: { signalSettings: { sharedPhoneAccounts: 3, deskDropOffFactor: 2, lookupBudgetShare: 0.9, openingFrom: '07:30', openingTo: '17:00', unusedPasswordShare: 0.5 } },
  ReviewSignal: { reviewSignal: { ...signals[0], reviewed: true, reviewedAt: '2026-12-05T02:10:00Z', reviewedBy: { id: 'o1', account: { id: 'acc0', fullName: 'Trần Quốc Bảo' } }, reviewNote: 'ok' } },
};

async function mock(page) {
  await page.route('**/graphql', async (route) => {
    const body = route.request().postDataJSON();
    const op = body.operationName ?? (body.query.match(/(?:query|mutation)\s+(\w+)/) ?? [])[1];
    const answer = answers[op] ? { data: answers[op] } : { data: null, errors: [{ message: `no canned answer for ${op}`, extensions: { code: 'INTERNAL' } }] };
    await route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(answer) });
  });
}

const drawn = (p) => p.locator('[data-testid=stats-chart-per-day] canvas').first().waitFor({ timeout: 30_000 });
const shots = [
  ['figures', drawn],
  ['tables', async (p) => {
    await drawn(p);
    for (const id of ['by', 'sms']) await p.getByTestId(`stats-view-${id}`).getByText('Bảng', { exact: true }).click();
  }],
  ['signals', async (p) => {
    await p.getByRole('tab', { name: 'Dấu hiệu bất thường' }).click();
    await p.getByTestId('signal-review').first().waitFor();
  }],
  ['review', async (p) => {
    await p.getByRole('tab', { name: 'Dấu hiệu bất thường' }).click();
    await p.getByTestId('signal-review').first().click();
    await p.getByTestId('signal-note').fill('Đã liên hệ đơn vị');
  }],
  ['settings', async (p) => {
    await p.getByRole('tab', { name: 'Dấu hiệu bất thường' }).click();
    await p.getByTestId('signal-settings-open').click();
    await p.getByLabel('Giờ mở cửa').waitFor();
  }],
];

const launch = () =>
  chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
mkdirSync(screenshotDir, { recursive: true });
const wide = [];
const only = process.env.ONLY ? new RegExp(process.env.ONLY) : null;
for (const [name, act] of shots.filter(([n]) => !only || only.test(n))) {
  for (const [w, h] of [[390, 844], [1366, 768]]) {
    const browser = await launch();
    const ctx = await browser.newContext({ viewport: { width: w, height: h }, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
    const page = await ctx.newPage();
    await mock(page);
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && !/WebSocket|socket/.test(m.text()) && errors.push(m.text()));
    await page.goto(`${base}/admin/stats`);
    try {
      await act(page);
    } catch (e) {
      await page.screenshot({ path: join(screenshotDir, `stats-${name}-${w}-FAILED.png`), fullPage: true });
      throw new Error(`${name}@${w}: ${e.message}\n${errors.join('\n')}`, { cause: e });
    }
    await page.waitForTimeout(900);
    const overflow = await page.evaluate(async () => {
      const over = () => document.documentElement.scrollWidth - document.documentElement.clientWidth;
      for (let i = 0; i < 30 && over() > 0; i++) await new Promise((r) => setTimeout(r, 100));
      return over();
    });
    if (overflow > 0) wide.push(`${name}@${w}: ${overflow}px`);
    await page.screenshot({ path: join(screenshotDir, `stats-${name}-${w}.png`), fullPage: true });
    await browser.close();
  }
}
if (wide.length) {
  console.error(`horizontal scroll: ${wide.join(', ')}`);
  process.exit(1);
}
console.log(`screenshots in ${screenshotDir}`);
