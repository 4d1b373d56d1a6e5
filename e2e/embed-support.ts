/**
 * Helpers for the embed journeys: a small static server on 127.0.0.1 (a free port) that serves the
 * production build at `/` and the test pages of e2e/fixtures at `/fixtures/`, optionally under the
 * strict CSP; and a recorder of CSP violations and requests to other origins.
 */
import { expect, type Page } from '@playwright/test';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

export const STRICT_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'";
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};
export const DIST = join(process.cwd(), 'dist');
const FIXTURES = join(process.cwd(), 'e2e', 'fixtures');

export interface StaticServer {
  origin: string;
  /** Same server, other host name: a different origin (localhost vs 127.0.0.1). */
  localhostOrigin: string;
  close(): Promise<void>;
}

/** Serve dist/ and e2e/fixtures/ on 127.0.0.1; `csp`: send the strict policy with every response. */
export async function serveStatic(options: { csp?: boolean; headersFor?: (path: string) => Record<string, string> } = {}): Promise<StaticServer> {
  expect(existsSync(join(DIST, 'index.html')), 'the production build (dist/) exists').toBe(true);
  const server: Server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    const [root, rest] = path.startsWith(`${sep}fixtures${sep}`) ? [FIXTURES, path.slice('/fixtures/'.length)] : [DIST, path];
    let file = join(root, rest);
    if (!file.startsWith(root)) file = join(DIST, 'index.html');
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Cache-Control': 'no-store',
      ...(options.csp ? { 'Content-Security-Policy': STRICT_CSP } : {}),
      ...options.headersFor?.(path),
    });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `http://127.0.0.1:${port}`,
    localhostOrigin: `http://localhost:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Record CSP violations (in every frame) and requests that leave the allowed origins. */
export async function watchPage(page: Page, allowed: string[]): Promise<{ violations: () => Promise<string[]>; foreign: string[]; errors: string[] }> {
  const foreign: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => {
    const url = r.url();
    if (!allowed.some((o) => url.startsWith(o + '/')) && !url.startsWith('blob:') && !url.startsWith('data:')) foreign.push(url);
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.addInitScript(() => {
    const w = window as unknown as { cspViolations: string[] };
    w.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => w.cspViolations.push(`${e.violatedDirective}: ${e.blockedURI} ${e.sample}`));
  });
  return {
    foreign,
    errors,
    violations: async () => {
      const all: string[] = [];
      for (const frame of page.frames()) {
        // A frame without the recorder would hide its violations: count that as a failure too.
        const found = await frame.evaluate(() => (window as unknown as { cspViolations?: string[] }).cspViolations ?? null).catch(() => null);
        all.push(...(found ?? [`no violation recorder in ${frame.url()}`]));
      }
      return all;
    },
  };
}
