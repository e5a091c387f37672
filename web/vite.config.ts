import { defineConfig } from 'vite';

/**
 * The web app's build: Preact with the automatic JSX runtime (no plugin needed), hashed assets
 * under /assets, no inline script or style in index.html (the CSP forbids them), no source
 * maps shipped.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  publicDir: 'public',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // Never turn small assets into data: URLs or inline them into index.html.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  logLevel: 'warn',
});
