import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

export default defineConfig({
  // Relative paths: the build runs from any sub-path of any static host, and from disk.
  base: './',
  plugins: [svelte()],
  build: {
    target: 'es2022',
    // Keep CSS in files (a strict CSP forbids inline styles).
    cssCodeSplit: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});
