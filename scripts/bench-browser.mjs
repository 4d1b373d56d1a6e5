#!/usr/bin/env node
// Median time of whole runs in Chromium: the same runScenario the app calls (engines, WebCrypto,
// certificate chain generated and validated, the session on the virtual clock, the trace), loaded
// from Vite's dev server into a page on 127.0.0.1 (a secure context). Printed, never judged.
import { chromium } from '@playwright/test';
import { createServer } from 'vite';

const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const server = await createServer({ logLevel: 'error', server: { host: '127.0.0.1', port: 0 } });
await server.listen();
const url = server.resolvedUrls.local[0];
const browser = await chromium.launch({
  ...(executablePath ? { executablePath } : {}),
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage();
  await page.goto(url);
  const cases = [
    ['tls13 (fresh keys)', { scenario: 'tls13' }],
    ['tls13 (seed)', { scenario: 'tls13', options: { seed: '00' } }],
    ['smtp-starttls TLS 1.3 (fresh keys)', { scenario: 'smtp-starttls' }],
    ['smtp-starttls TLS 1.3 (seed)', { scenario: 'smtp-starttls', options: { seed: '00' } }],
    ['tls12 (fresh keys)', { scenario: 'tls12' }],
  ];
  for (const [name, request] of cases) {
    const times = await page.evaluate(async (req) => {
      const { runScenario } = await import('/src/machine/run-scenario.ts');
      await runScenario(req);
      await runScenario(req);
      const out = [];
      for (let i = 0; i < 15; i++) {
        const t = performance.now();
        await runScenario(req);
        out.push(performance.now() - t);
      }
      return out.sort((a, b) => a - b);
    }, request);
    console.log(`  ${name.padEnd(36)} median ${times[7].toFixed(1)} ms   (min ${times[0].toFixed(1)}, max ${times[14].toFixed(1)})${name.startsWith('smtp-starttls TLS 1.3 (fresh') ? '   (target: under 30 ms on a laptop-class core)' : ''}`);
  }
} finally {
  await browser.close();
  await server.close();
}
