/**
 * The offline file (dist/handshake-lab-offline.html) opened straight from disk: one file, nothing
 * fetched, the whole app running — smtp-starttls with TLS 1.3 to the end, another language, and
 * the lazy parts (tools, calculations) that a normal build loads as separate files.
 */
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIST } from './embed-support.ts';
import { playerStatus } from './support.ts';

const FILE = join(DIST, 'handshake-lab-offline.html');

test('the offline file holds everything: no script, stylesheet or module it would fetch', () => {
  const html = readFileSync(FILE, 'utf8');
  // The inline module's text cannot end early: the only `</script` is its own end, and no `<!--`.
  expect(html.match(/<\/script/gi)?.length).toBe(1);
  expect(html.includes('<!--')).toBe(false);
  const open = html.indexOf('<script type="module">');
  const close = html.indexOf('</script>');
  expect(open).toBeGreaterThan(0);
  const script = html.slice(open, close);
  // Everything is in the one chunk: no import of another file, static or dynamic.
  expect(/\bimport\s*\(\s*["'`.]/.test(script)).toBe(false);
  expect(/(^|[;}\n])\s*import\s*[\w{*]/.test(script)).toBe(false);
  const markup = (html.slice(0, open) + html.slice(close)).replace(/<style>[^]*?<\/style>/g, '<style></style>');
  expect(markup).not.toMatch(/\b(src|href)="(?!https?:)/i);
  expect(markup.match(/<style>/g)).toHaveLength(1);
});

test('opened from disk (file://), it runs smtp-starttls with TLS 1.3 to the end, in English and Chinese', async ({ page }) => {
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => errors.push(e.message));
  const url = pathToFileURL(FILE).href;
  await page.goto(`${url}#scenario=smtp-starttls&tls=1.3&seed=00&lang=en`);
  expect(await page.evaluate(() => [location.protocol, isSecureContext, typeof crypto.subtle])).toEqual(['file:', true, 'object']);
  await expect(playerStatus(page)).toContainText('Ready');
  await page.getByRole('button', { name: 'Skip to the player' }).focus();
  await page.keyboard.press('Enter');
  await page.keyboard.press('End');
  await expect(playerStatus(page)).toContainText('End of the run');
  await expect(page.getByText('Success: TLS 1.3 TLS_AES_128_GCM_SHA256 x25519; delivered over TLS')).toBeVisible();

  // The parts a normal build loads lazily are inside: Chinese strings, and the tools.
  await page.getByRole('combobox', { name: 'Language' }).selectOption('zh-CN');
  await expect(playerStatus(page)).toContainText('运行结束');
  await page.getByRole('button', { name: '打开工具' }).click();
  await expect(page.getByRole('heading', { name: '导出本次运行' })).toBeVisible();

  expect(errors).toEqual([]);
  expect(requests.filter((r) => !r.startsWith(url.split('#')[0]))).toEqual([]);
});
