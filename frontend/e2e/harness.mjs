// The end-to-end harness: runs the real motcua binary on a fresh SQLite database
// (dev mode seeds the demo data and turns on the console SMS inbox), and drives
// Debian's Chromium through playwright-core. It builds nothing: the binary must
// already embed the built SPA (make build).
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, existsSync, createWriteStream, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * A temporary folder for this test process's files (scans to upload), removed when
 * the process exits, as the servers' and browsers' folders are when they stop:
 * the suite leaves no motcua-e2e-* folder behind.
 */
let filesDir;
export function tempFiles() {
  if (!filesDir) {
    filesDir = mkdtempSync(join(tmpdir(), 'motcua-e2e-files-'));
    onStop(() => rmSync(filesDir, { recursive: true, force: true }));
  }
  return filesDir;
}

// What to undo when the process ends, even when it is stopped from outside
// (Ctrl-C, a CI timeout): a test's own finally does not run then.
const undo = new Set();
let handlers = false;
function onStop(fn) {
  undo.add(fn);
  if (handlers) return () => undo.delete(fn);
  handlers = true;
  const runAll = () => {
    if (process.env.E2E_KEEP) return;
    for (const f of undo) {
      try {
        f();
      } catch {
        // best effort: the others still run
      }
    }
    undo.clear();
  };
  process.once('exit', runAll);
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]]) {
    process.once(signal, () => {
      runAll();
      process.exit(code);
    });
  }
  return () => undo.delete(fn);
}

/** Where screenshots go (git-ignored). */
export const screenshotDir = join(here, 'screenshots');

/** The binary under test. */
export const binary = resolve(here, '..', process.env.MOTCUA_BIN ?? '../bin/motcua');

const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

// Ports 18080–18099 are this project's share of the machine.
async function freePort(from = 18080, to = 18099) {
  const order = Array.from({ length: to - from + 1 }, (_, i) => from + i).sort(() => Math.random() - 0.5);
  for (const port of order) {
    const ok = await new Promise((res) => {
      const s = createServer();
      s.once('error', () => res(false));
      s.listen(port, '127.0.0.1', () => s.close(() => res(true)));
    });
    if (ok) return port;
  }
  throw new Error(`no free port in ${from}-${to}`);
}

async function waitReady(base, child, timeoutMs = 30_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`motcua exited with ${child.exitCode} before it was ready`);
    try {
      const r = await fetch(`${base}/readyz`);
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`motcua not ready after ${timeoutMs} ms`);
}

/**
 * Starts motcua on a fresh database. extraArgs are added to `serve`.
 * Returns { base, dir, log, stop }.
 */
export async function startServer(name, extraArgs = []) {
  if (!existsSync(binary)) throw new Error(`no motcua binary at ${binary}: run make build, or set MOTCUA_BIN`);
  const dir = mkdtempSync(join(tmpdir(), `motcua-e2e-${name}-`));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const args = ['serve', '--dev', '--addr', `127.0.0.1:${port}`, '--database', `sqlite://${dir}/e2e.db`, ...extraArgs];
  const logPath = join(dir, 'server.log');
  const log = createWriteStream(logPath);
  let output = '';
  const child = spawn(binary, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, MOTCUA_DATABASE: '' } });
  const forget = onStop(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  for (const s of [child.stdout, child.stderr]) {
    s.on('data', (b) => {
      output += b.toString();
      log.write(b);
    });
  }
  try {
    await waitReady(base, child);
  } catch (e) {
    child.kill('SIGKILL');
    throw new Error(`${e.message}\n--- server output ---\n${output.slice(-4000)}`, { cause: e });
  }
  return {
    base,
    dir,
    output: () => output,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await Promise.race([new Promise((r) => child.once('exit', r)), new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      log.end();
      forget();
      if (!process.env.E2E_KEEP) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Launches Debian's Chromium with a fresh profile. Never a downloaded browser.
 * Returns the persistent context (one profile = one browser; pages are tabs).
 */
export async function launchBrowser(name) {
  const profile = mkdtempSync(join(tmpdir(), `motcua-e2e-chromium-${name}-`));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
    viewport: { width: 1366, height: 768 },
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
    acceptDownloads: true,
  });
  context.setDefaultTimeout(15_000);
  const forget = onStop(() => rmSync(profile, { recursive: true, force: true }));
  return {
    context,
    async close() {
      await context.close();
      forget();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Saves a full-page screenshot as e2e/screenshots/<name>.png. */
export async function shot(page, name) {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
}

/** Reads the dev inbox JSON for one phone (newest first). */
export async function inbox(base, phone) {
  const r = await fetch(`${base}/dev/sms?phone=${encodeURIComponent(phone)}`);
  if (!r.ok) throw new Error(`GET /dev/sms: ${r.status}`);
  return r.json();
}

/** Waits until the inbox of phone has a message matching pred; returns it. */
export async function waitForSms(base, phone, pred, timeoutMs = 15_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const m = (await inbox(base, phone)).find(pred);
    if (m) return m;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no matching SMS for the phone within ${timeoutMs} ms`);
}

/** The first run of 6 digits in an SMS body (the OTP). */
export function otpIn(body) {
  const m = body.match(/\b(\d{6})\b/);
  if (!m) throw new Error('no 6-digit code in the SMS body');
  return m[1];
}

/**
 * Runs body(ctx) against a fresh server and browser, and always stops both.
 * ctx = { base, server, browser, page }.
 */
export async function withApp(name, body, { serverArgs = [] } = {}) {
  const server = await startServer(name, serverArgs);
  let browser;
  let page;
  try {
    browser = await launchBrowser(name);
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    const errors = watchConsole(browser.context);
    await body({ base: server.base, server, browser, page });
    assert.deepEqual(errors, [], 'the browser console shows no errors');
  } catch (e) {
    if (page) await shot(page, `${name}-FAILED`).catch(() => {});
    e.message += `\n--- server output (tail) ---\n${server.output().slice(-3000)}`;
    throw e;
  } finally {
    await browser?.close();
    await server.stop();
  }
}

/**
 * Collects console errors and uncaught exceptions of every tab of context, now and
 * later. A refused request (a 4xx answer the page expects and shows) is not an
 * error of the page; anything else is.
 */
export function watchConsole(context) {
  const errors = [];
  const watch = (page) => {
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      const text = m.text();
      if (/Failed to load resource: the server responded with a status of 4\d\d/.test(text)) return;
      errors.push(`${new URL(page.url()).pathname}: ${text.slice(0, 300)}`);
    });
    page.on('pageerror', (e) => errors.push(`${new URL(page.url()).pathname}: uncaught ${e.message}`));
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  return errors;
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core on the page as it is now; returns the serious and critical
 * violations as readable lines (rule, impact, the first elements).
 */
export async function axeViolations(page) {
  // Evaluated through the DevTools protocol: the app's Content-Security-Policy (no inline scripts) stays on.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(`${axeSource}\n;void 0`);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ') + ' ' + (n.failureSummary ?? '').split('\n').slice(1, 2).join('')) }));
  });
  return result
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.join(' | ')}`);
}

/** How much wider than the window the page is (0 when it does not scroll sideways). */
export async function horizontalOverflow(page) {
  return page.evaluate(() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - window.innerWidth);
}

/** Fails when the page scrolls sideways or axe finds a serious or critical problem. */
export async function checkPage(page, label) {
  const overflow = await horizontalOverflow(page);
  assert.ok(overflow <= 0, `${label}: the page is ${overflow} px wider than the ${page.viewportSize()?.width} px window`);
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], `${label}: accessibility violations`);
}

/** The two screens every page must work on: a cheap phone and a typical desk PC. */
export const viewports = {
  phone: { width: 390, height: 844 },
  desk: { width: 1366, height: 768 },
};

/** Whether the element's box lies inside the window as it is (no scrolling needed). */
export async function inViewport(locator) {
  const box = await locator.boundingBox();
  if (!box) return false;
  const vp = locator.page().viewportSize();
  return box.y >= 0 && box.x >= 0 && box.y + box.height <= vp.height && box.x + box.width <= vp.width;
}

/**
 * The JavaScript the page downloaded since it was loaded, from the browser's own
 * resource timings: bytes on the wire (compressed, as sent) and decoded.
 */
export async function scriptBytes(page) {
  return page.evaluate(() => {
    const js = performance.getEntriesByType('resource').filter((e) => new URL(e.name).pathname.endsWith('.js'));
    return { wire: js.reduce((n, e) => n + e.encodedBodySize, 0), decoded: js.reduce((n, e) => n + e.decodedBodySize, 0), files: js.length };
  });
}

/** Opens url as a first visit would: nothing in the browser's cache. */
export async function coldGoto(page, url) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.clearBrowserCache');
  await cdp.detach();
  await page.goto(url);
}
