import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';
import { extraBuilds } from './vite.embed.config.ts';

export default defineConfig({
  // Relative paths: the build runs from any sub-path of any static host, and from disk.
  base: './',
  // The app's build is followed by the element's module and the offline file (vite.embed.config.ts).
  plugins: [svelte(), extraBuilds()],
  build: {
    target: 'es2022',
    // Keep CSS in files (a strict CSP forbids inline styles).
    cssCodeSplit: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    rolldownOptions: {
      // The app, and the iframe page that embeds it.
      input: { index: 'index.html', embed: 'embed.html' },
    },
  },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});
