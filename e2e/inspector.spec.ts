import { expect, test } from '@playwright/test';
import { openRun } from './support.ts';

test('focusing a field highlights its bytes, and hovering a byte highlights its field', async ({ page }) => {
  // Step 7: MAIL FROM:<alice@example.test>
  await openRun(page, 'scenario=smtp-plain&step=7&lang=en&seed=00');
  const inspector = page.getByRole('region', { name: 'Inspector' });
  const bytes = inspector.getByRole('group', { name: 'Bytes' });

  const reversePath = inspector.getByRole('button', { name: /^Reverse-path/ });
  await reversePath.focus();
  // `<alice@example.test>` is bytes 10..29 of "MAIL FROM:<alice@example.test>\r\n", counted by hand.
  await expect(inspector.getByText('Highlighted: bytes 10 to 29 (20 bytes).')).toBeVisible();
  await expect(bytes.locator('.byte.hl')).toHaveCount(20);
  await expect(bytes.locator('.byte.hl').first()).toHaveText('3c');

  // The other way: a byte of the verb names the Verb field.
  await bytes.locator('[data-o="1"]').first().hover();
  await expect(inspector.getByText('Highlighted: bytes 0 to 3 (4 bytes).')).toBeVisible();
  await expect(inspector.getByRole('button', { name: /^Verb/ })).toHaveClass(/\bhl\b/);

  // Activating a field opens its explanation.
  await reversePath.click();
  await expect(reversePath).toHaveAttribute('aria-expanded', 'true');
  await expect(inspector.getByText('where bounces go')).toBeVisible();
});

test('the dot-stuffed line of the message shows its extra dot', async ({ page }) => {
  await openRun(page, 'scenario=smtp-plain&step=13&lang=en&seed=00');
  const inspector = page.getByRole('region', { name: 'Inspector' });
  await inspector.getByRole('button', { name: /^transparency-period/ }).focus();
  await expect(inspector.getByText('Highlighted: bytes 211 to 211 (1 byte).')).toBeVisible();
  await expect(inspector.getByRole('group', { name: 'Bytes' }).locator('.byte.hl')).toHaveText(['2e']);
});
