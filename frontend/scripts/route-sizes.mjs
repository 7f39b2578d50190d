// Prints what each route of the built SPA downloads: the entry chunks (index.html's
// script and modulepreloads) plus the chunks its lazy screen imports, with the
// raw, gzip and brotli sizes of their files. Run after `npm run build`.
import { readFileSync, readdirSync, existsSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = process.env.DIST ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const entry = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
// A chunk and every chunk it imports statically (what the browser fetches before running it).
function closure(file, out = new Set()) {
  if (out.has(file)) return out;
  out.add(file);
  const code = readFileSync(join(dist, file), 'utf8');
  for (const m of code.matchAll(/(?:from|import)\s*["'`]\.\/([^"'`]+\.js)["'`]/g)) closure(`assets/${m[1]}`, out);
  return out;
}
const chunks = readdirSync(join(dist, 'assets')).filter((f) => f.endsWith('.js'));
const size = (f, ext = '') => (existsSync(join(dist, f + ext)) ? statSync(join(dist, f + ext)).size : statSync(join(dist, f)).size);
const sum = (files, ext) => files.reduce((n, f) => n + size(f, ext), 0);
const kB = (n) => `${(n / 1024).toFixed(1)} kB`;
const routes = {
  '/signin': ['SignInPage'],
  '/forgot-password': ['ForgotPasswordPage'],
  '/change-password': ['ChangePasswordPage'],
  '/me (citizen)': ['CitizenLayout', 'MePage'],
  '/me (officer)': ['AppLayout', 'MePage'],
  '/inbox': ['DevInboxPage'],
  '/admin/* (console)': ['AppLayout', 'admin-'],
  '/officer/* (desk)': ['AppLayout', 'officer-'],
};
console.log(`${'route'.padEnd(22)} ${'raw'.padStart(10)} ${'gzip'.padStart(10)} ${'brotli'.padStart(10)}`);
for (const [route, screens] of Object.entries(routes)) {
  const files = new Set();
  for (const e of entry) closure(e, files);
  for (const s of screens) {
    const chunk = chunks.find((k) => k.startsWith(s));
    if (!chunk) throw new Error(`no chunk for ${s}`);
    closure(`assets/${chunk}`, files);
  }
  const list = [...files];
  console.log(`${route.padEnd(22)} ${kB(sum(list, '')).padStart(10)} ${kB(sum(list, '.gz')).padStart(10)} ${kB(sum(list, '.br')).padStart(10)}`);
}
