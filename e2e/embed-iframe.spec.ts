/**
 * embed.html in a frame of another origin (the same server under two host names: 127.0.0.1 and
 * localhost): driven by postMessage from its parent, reporting events and its height back, deaf
 * to messages from any other origin or window; the frame served under the strict CSP.
 */
import { expect, test, type Page } from '@playwright/test';
import { serveStatic, STRICT_CSP, watchPage, type StaticServer } from './embed-support.ts';

interface FrameEvent {
  from: string | null;
  origin: string;
  data: { type: string; instance: string | null; index?: number; total?: number; height?: number; scenario?: string };
}

let server: StaticServer;
test.beforeAll(async () => {
  // The frame gets the app's strict CSP; the parent page may frame the other origin.
  server = await serveStatic({
    csp: true,
    headersFor: (path): Record<string, string> => (path.endsWith('parent.html') ? { 'Content-Security-Policy': `${STRICT_CSP}; frame-src ${serverOrigins().join(' ')}` } : {}),
  });
});
test.afterAll(async () => {
  await server?.close();
});
const serverOrigins = () => (server ? [server.origin, server.localhostOrigin] : []);

const SANDBOX = 'allow-scripts allow-same-origin';
const frameEvents = (page: Page): Promise<FrameEvent[]> => page.evaluate(() => (window as unknown as { frameEvents: FrameEvent[] }).frameEvents);
const eventsFrom = async (page: Page, id: string, type?: string) => (await frameEvents(page)).filter((e) => e.from === id && (!type || e.data.type === type));
const send = (page: Page, id: string, message: object, targetOrigin?: string) =>
  page.evaluate(([i, m, o]) => (window as unknown as { sendTo: (i: string, m: object, o?: string) => void }).sendTo(i, m, o), [id, message, targetOrigin] as const);

function frameSrc(query: string): string {
  return `${server.origin}/embed.html?${query}`;
}

async function openParent(page: Page, frames: { id: string; query: string; sandbox?: string }[]) {
  const watch = await watchPage(page, serverOrigins());
  const params = new URLSearchParams();
  for (const f of frames) params.append('frame', [f.id, frameSrc(f.query), f.sandbox ?? SANDBOX].join('|'));
  await page.goto(`${server.localhostOrigin}/fixtures/parent.html?${params}`);
  await page.waitForFunction(() => 'sendTo' in window);
  return watch;
}

test('the parent drives the frame by postMessage; events and height come back to its origin only', async ({ page }) => {
  const parent = () => server.localhostOrigin;
  const watch = await openParent(page, [{ id: 'good', query: `scenario=smtp-plain&seed=00&lang=en&controls=minimal&id=good&origin=${encodeURIComponent(parent())}` }]);
  const frame = page.frameLocator('#good');
  await expect.poll(() => eventsFrom(page, 'good', 'ready')).toHaveLength(1);
  const [ready] = await eventsFrom(page, 'good', 'ready');
  expect(ready.origin).toBe(server.origin);
  expect(ready.data).toMatchObject({ instance: 'good', scenario: 'smtp-plain', index: 0, total: 20 });

  await send(page, 'good', { type: 'next' });
  await expect.poll(async () => (await eventsFrom(page, 'good', 'stepchange')).map((e) => e.data.index)).toEqual([1]);
  await send(page, 'good', { type: 'seek', step: 7 });
  await expect(frame.locator('[aria-live="polite"]')).toContainText('Step 7 of 20');
  await send(page, 'good', { type: 'prev' });
  await expect(frame.locator('[aria-live="polite"]')).toContainText('Step 6 of 20');
  await send(page, 'good', { type: 'configure', settings: { lang: 'zh-CN' } });
  await expect(frame.locator('[aria-live="polite"]')).toContainText('第 6 步');
  await send(page, 'good', { type: 'seek', step: 19 });
  await send(page, 'good', { type: 'next' });
  await expect.poll(() => eventsFrom(page, 'good', 'ended')).toHaveLength(1);
  await send(page, 'good', { type: 'reset' });
  await expect(frame.locator('[aria-live="polite"]')).toContainText('准备就绪');

  // Height: reported, and the parent's frame follows it (no scroll bar inside).
  await expect.poll(async () => (await eventsFrom(page, 'good', 'resize')).length).toBeGreaterThan(0);
  const height = (await eventsFrom(page, 'good', 'resize')).at(-1)!.data.height!;
  expect(height).toBeGreaterThan(300);
  expect(await page.locator('#good').evaluate((el) => (el as HTMLIFrameElement).height)).toBe(String(height));

  // Garbage and foreign-namespace messages change nothing.
  await send(page, 'good', { type: 'seek', step: 'x' });
  await page.evaluate(() => (document.getElementById('good') as HTMLIFrameElement).contentWindow!.postMessage({ source: 'other-lib', type: 'next' }, '*'));
  await page.evaluate(() => (document.getElementById('good') as HTMLIFrameElement).contentWindow!.postMessage('next', '*'));
  await send(page, 'good', { type: 'next' });
  await expect(frame.locator('[aria-live="polite"]')).toContainText('第 1 步');

  expect(await watch.violations()).toEqual([]);
  expect(watch.foreign).toEqual([]);
  expect(watch.errors).toEqual([]);
});

test('messages from an origin the frame was not told to trust, or from another window, are ignored', async ({ page }) => {
  await openParent(page, [
    { id: 'good', query: `scenario=smtp-plain&seed=00&lang=en&controls=minimal&id=good&origin=${encodeURIComponent(server.localhostOrigin)}` },
    // Told to trust a different origin than its real parent's.
    { id: 'wrong', query: `scenario=smtp-plain&seed=00&lang=en&controls=minimal&id=wrong&origin=${encodeURIComponent('http://localhost:1')}` },
  ]);
  const good = page.frameLocator('#good');
  const wrong = page.frameLocator('#wrong');
  await expect(wrong.locator('[aria-live="polite"]')).toContainText('Ready');
  await expect.poll(() => eventsFrom(page, 'good', 'ready')).toHaveLength(1);

  await send(page, 'wrong', { type: 'next' });
  await send(page, 'wrong', { type: 'seek', step: 5 });
  await send(page, 'good', { type: 'seek', step: 2 });
  await expect(good.locator('[aria-live="polite"]')).toContainText('Step 2 of 20');
  await expect(wrong.locator('[aria-live="polite"]')).toContainText('Ready');
  // Its events go to the origin it trusts, which is not this page: none arrive here.
  expect(await eventsFrom(page, 'wrong')).toEqual([]);

  // A well-formed message from the sibling frame (same origin as the frame, but not its parent).
  await page.frame({ url: /id=wrong/ })!.evaluate(() => window.parent.frames[0].postMessage({ source: 'handshake-lab', type: 'next' }, '*'));
  await send(page, 'good', { type: 'next' });
  await expect(good.locator('[aria-live="polite"]')).toContainText('Step 3 of 20');
  expect((await eventsFrom(page, 'good', 'stepchange')).map((e) => e.data.index)).toEqual([2, 3]);
});

test('without an origin parameter, the first message pins the parent origin (trust on first use)', async ({ page }) => {
  await openParent(page, [{ id: 'tofu', query: 'scenario=tls13&seed=00&lang=en&controls=none&id=tofu' }]);
  // Before any message only the harmless events go out, to any parent.
  await expect.poll(() => eventsFrom(page, 'tofu', 'ready')).toHaveLength(1);
  await send(page, 'tofu', { type: 'hello' });
  await expect.poll(() => eventsFrom(page, 'tofu', 'hello')).toHaveLength(1);
  await send(page, 'tofu', { type: 'seek', step: 4 });
  await expect.poll(async () => (await eventsFrom(page, 'tofu', 'stepchange')).map((e) => e.data.index)).toEqual([4]);
  const frame = page.frameLocator('#tofu');
  await expect(frame.locator('[aria-live="polite"]')).toContainText('Step 4 of');
  await expect(frame.getByRole('button', { name: 'Next' })).toHaveCount(0);
});
