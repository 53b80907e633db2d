// The UI is one script and one stylesheet, served by the crisiscell process itself (CSP
// default-src 'self': nothing inline, nothing from elsewhere).
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // No data: URLs and no inlined chunks: every byte is a file the CSP allows.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    target: 'es2022',
    sourcemap: false,
  },
  server: { proxy: { '/api': 'http://127.0.0.1:4780' } },
});
