/** Shared steps for the journeys: open a run by its deep link and wait until it is ready. */
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

export const PLAIN_STEPS = 20;

/** Open `#hash` and wait for the run to be loaded (the player's status names the steps). */
export async function openRun(page: Page, hash: string, ready: RegExp = /Ready|Step \d+ of|准备就绪|第 \d+ 步/): Promise<void> {
  await page.goto('/#' + hash);
  await expect(page.getByRole('status').filter({ hasText: ready }).first()).toBeVisible();
}

/** The player's live status line. */
export function playerStatus(page: Page) {
  return page.locator('[aria-live="polite"]').first();
}

/** axe with the WCAG 2.2 AA tags; returns the violations (expected: none). */
export async function axe(page: Page) {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
  return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
}
