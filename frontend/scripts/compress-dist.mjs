// Writes NAME.br and NAME.gz next to every compressible file of dist/ after a
// build. The Go server picks one by the request's Accept-Encoding
// (server/precompressed.go), so it never compresses per request and a phone
// downloads a quarter of the bytes. Prints each file's raw, gzip and brotli
// sizes. A copy is kept only when it saves something.
import { readdirSync, readFileSync, statSync, writeFileSync, rmSync } from 'node:fs';
import { join, dirname, relative, extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const dist = process.env.DIST ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const compressible = new Set(['.js', '.mjs', '.css', '.html', '.svg', '.json', '.txt', '.map', '.webmanifest']);
const minBytes = 512;

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else yield p;
  }
}

const kB = (n) => `${(n / 1024).toFixed(1)} kB`;
const rows = [];
for (const path of [...files(dist)]) {
  const ext = extname(path);
  if (ext === '.br' || ext === '.gz') {
    rmSync(path); // from an earlier run: rewritten below
    continue;
  }
  if (!compressible.has(ext)) continue;
  const raw = readFileSync(path);
  if (raw.length < minBytes) continue;
  const gz = gzipSync(raw, { level: 9 });
  const br = brotliCompressSync(raw, {
    params: {
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
    },
  });
  if (gz.length < raw.length) writeFileSync(`${path}.gz`, gz);
  if (br.length < raw.length) writeFileSync(`${path}.br`, br);
  rows.push({ name: relative(dist, path), raw: raw.length, gz: gz.length, br: br.length });
}

rows.sort((a, b) => b.raw - a.raw);
const width = Math.max(...rows.map((r) => r.name.length), 4);
console.log(`${'file'.padEnd(width)}  ${'raw'.padStart(9)}  ${'gzip'.padStart(9)}  ${'brotli'.padStart(9)}`);
for (const r of rows) console.log(`${r.name.padEnd(width)}  ${kB(r.raw).padStart(9)}  ${kB(r.gz).padStart(9)}  ${kB(r.br).padStart(9)}`);
