// Measures the JavaScript a page transfers (compressed bytes on the wire), per route.
// Usage: node e2e/measure.mjs [path ...]   (needs a built binary, like the tests)
import { startServer, launchBrowser } from './harness.mjs';

/**
 * The JavaScript the page at path downloads, from the browser's own resource
 * timings: bytes on the wire (encodedBodySize: compressed as sent) and decoded.
 * Waits until the network is idle, so chunks loaded on demand are counted.
 */
export async function jsTransfer(page, base, path) {
  await page.goto(`${base}${path}`, { waitUntil: 'networkidle' });
  const files = await page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .filter((e) => new URL(e.name).pathname.endsWith('.js'))
      .map((e) => ({ url: new URL(e.name).pathname, wire: e.encodedBodySize, raw: e.decodedBodySize })),
  );
  return { wire: files.reduce((n, f) => n + f.wire, 0), raw: files.reduce((n, f) => n + f.raw, 0), files };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const server = await startServer('measure');
  const browser = await launchBrowser('measure');
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  try {
    const report = async (label, path) => {
      const r = await jsTransfer(page, server.base, path);
      console.log(`${label.padEnd(28)} JS on the wire ${(r.wire / 1024).toFixed(1)} kB, decoded ${(r.raw / 1024).toFixed(1)} kB, ${r.files.length} files`);
      if (process.env.VERBOSE) for (const f of r.files) console.log(`   ${f.url} ${(f.wire / 1024).toFixed(1)} / ${(f.raw / 1024).toFixed(1)} ${f.enc}`);
    };
    for (const path of process.argv.slice(2).length ? process.argv.slice(2) : ['/signin', '/forgot-password', '/inbox']) {
      // A new tab with an empty cache each time: what a first visit costs.
      await page.context().clearCookies();
      await page.evaluate(() => caches?.keys?.()).catch(() => {});
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Network.clearBrowserCache');
      await report(path, path);
    }
  } finally {
    await browser.close();
    await server.stop();
  }
}
