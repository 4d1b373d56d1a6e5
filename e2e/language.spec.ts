import { expect, test } from '@playwright/test';
import { openRun, playerStatus } from './support.ts';

test('switching language mid-run keeps the step, without a reload', async ({ page }) => {
  await openRun(page, 'scenario=smtp-plain&step=5&lang=en&seed=00');
  await expect(playerStatus(page)).toContainText('Step 5 of 20');
  await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));

  await page.getByRole('combobox', { name: 'Language' }).selectOption('zh-CN');
  await expect(playerStatus(page)).toContainText('第 5 步，共 20 步');
  await expect(page.getByRole('heading', { name: 'EHLO——客户端自报家门' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(page).toHaveURL(/lang=zh-CN/);
  expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);

  await page.getByRole('combobox', { name: '语言' }).selectOption('en');
  await expect(playerStatus(page)).toContainText('Step 5 of 20');
  await expect(page.getByRole('heading', { name: 'EHLO — the client introduces itself' })).toBeVisible();
});
