/**
 * Arrows animate as they are sent; with reduced motion they appear in place at once. Measured by
 * recording every change of the arrows' end coordinates while a step is revealed.
 */
import { expect, test, type Page } from '@playwright/test';
import { openRun, playerStatus } from './support.ts';

async function recordArrowChanges(page: Page): Promise<void> {
  await page.evaluate(() => {
    const svg = document.querySelector('svg[role="img"]')!;
    const w = window as unknown as { changes: number; added: number };
    w.changes = 0;
    w.added = 0;
    new MutationObserver((records) => {
      for (const r of records) {
        // Only the arrows' own lines: the time axis grows with each step, which is not animation.
        if (r.type === 'attributes' && (r.target as Element).classList.contains('stroke') && (r.attributeName === 'x2' || r.attributeName === 'y2')) w.changes++;
        if (r.type === 'childList') w.added += r.addedNodes.length;
      }
    }).observe(svg, { subtree: true, attributes: true, childList: true });
  });
}

test('with reduced motion, a new arrow appears whole: nothing animates', async ({ page }) => {
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await openRun(page, 'scenario=smtp-plain&seed=00&step=4&lang=en');
  await recordArrowChanges(page);
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await expect(playerStatus(page)).toContainText('Step 5 of 20');
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const w = await page.evaluate(() => {
    const { changes, added } = window as unknown as { changes: number; added: number };
    return { changes, added };
  });
  expect(w.added).toBeGreaterThan(0);
  expect(w.changes).toBe(0);
  expect(await page.evaluate(() => document.getAnimations().length)).toBe(0);
});

test('without reduced motion, the new arrow is drawn over several frames (the same information at the end)', async ({ page }) => {
  await page.emulateMedia({ reducedMotion: 'no-preference' });
  // The interpolator loads after the first paint; wait for it so that the first Next animates.
  const interpolator = page.waitForResponse((r) => /d3-interpolate/.test(r.url()));
  await openRun(page, 'scenario=smtp-plain&seed=00&step=4&lang=en');
  await interpolator;
  await recordArrowChanges(page);
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await expect.poll(() => page.evaluate(() => (window as unknown as { changes: number }).changes)).toBeGreaterThan(2);
  // Once drawn, the arrow ends on the server's lane, as with reduced motion.
  const line = page.locator('svg[role="img"] [data-index="4"] line.stroke');
  await expect.poll(async () => Number(await line.getAttribute('x2'))).toBe(Number(await page.locator('svg[role="img"] [data-index="4"] line.hit').getAttribute('x2')));
});
