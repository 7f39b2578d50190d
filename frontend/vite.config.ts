import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';
import type { Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * Replaces each graphql(`…`) call with the document GraphQL Code Generator wrote for
 * it in src/gql/graphql.ts, written out in place (what the client preset's Babel
 * plugin does, except that it imports them). All documents live in that one module,
 * and a module goes whole into one chunk: imported, the sign-in page would
 * download the admin console's queries; inlined, each document travels with the
 * screen that sends it. Type checking (tsc) still sees the graphql() calls.
 */
function graphqlDocuments(): Plugin {
  const generated = resolve(__dirname, 'src/gql/graphql.ts');
  let documents = new Map<string, string>();
  return {
    name: 'motcua-graphql-documents',
    enforce: 'pre',
    buildStart() {
      // export const ViewerDocument = {"kind":"Document",…"name":{"kind":"Name","value":"Viewer"}…} as unknown as …;
      documents = new Map();
      for (const line of readFileSync(generated, 'utf8').split('\n')) {
        const m = line.match(/^export const \w+(?:Document|FragmentDoc) = (\{"kind":"Document","definitions":\[\{"kind":"\w+",(?:"operation":"\w+",)?"name":\{"kind":"Name","value":"(\w+)"\}.*\}) as unknown as /);
        if (m) documents.set(m[2], m[1]);
      }
    },
    transform(code, id) {
      if (!/\/src\/.*\.tsx?$/.test(id) || id.includes('/src/gql/') || !code.includes('graphql(`')) return null;
      const out = code
        .replace(/graphql\(`\s*(?:query|mutation|subscription|fragment)\s+(\w+)[\s\S]*?`\)/g, (_, name: string) => {
          const doc = documents.get(name);
          if (!doc) throw new Error(`${id}: no generated document for ${name}; run npm run generate`);
          return doc;
        })
        .replace(/^import \{ graphql \} from '[./]+gql';\n/m, '');
      return { code: out, map: null };
    },
  };
}

// The Go server (motcua serve --dev) listens on 8080 by default; the dev server
// forwards every server path to it so cookies and WebSockets work same-origin.
const backend = process.env.MOTCUA_BACKEND ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [graphqlDocuments(), react()],
  build: {
    outDir: 'dist',
    // dist/.gitkeep must survive (go:embed needs the directory); scripts/clean-dist.mjs empties the rest.
    emptyOutDir: false,
    chunkSizeWarningLimit: 2000,
  },
  server: {
    proxy: {
      '/graphql': { target: backend, ws: true, changeOrigin: false },
      '/dev/sms': { target: backend },
      '/registrations': { target: backend },
      '/scans': { target: backend },
      '/playground': { target: backend },
      // Single sign-on: the provider's endpoints and the dev-mode demo relying party.
      '/oidc': { target: backend },
      '/.well-known': { target: backend },
      '/dev/rp': { target: backend },
    },
  },
  test: {
    // *.test.tsx render screens in jsdom (each says so in its first line); the rest run in Node.
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
    environment: 'node',
  },
});
