import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// The Go server (motcua serve --dev) listens on 8080 by default; the dev server
// forwards every server path to it so cookies and WebSockets work same-origin.
const backend = process.env.MOTCUA_BACKEND ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react()],
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
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
