import { expect, test } from '@playwright/test';
import { openRun, PLAIN_STEPS, playerStatus } from './support.ts';

const LANGS = [
  { lang: 'en', skip: 'Skip to the player', step: (i: number) => `Step ${i} of ${PLAIN_STEPS}`, ready: 'Ready', outcome: 'Success: delivered in plaintext', transcript: 'Transcript', pause: 'Pause', play: 'Play' },
  { lang: 'zh-CN', skip: '跳到播放控制', step: (i: number) => `第 ${i} 步，共 ${PLAIN_STEPS} 步`, ready: '准备就绪', outcome: '成功：delivered in plaintext', transcript: '文字记录', pause: '暂停', play: '播放' },
];

for (const L of LANGS) {
  test(`smtp-plain steps to the end and back by keyboard alone (${L.lang})`, async ({ page }) => {
    await openRun(page, `scenario=smtp-plain&seed=00&lang=${L.lang}`);
    await expect(playerStatus(page)).toContainText(L.ready);
    const transcript = page.getByRole('region', { name: L.transcript }).getByRole('listitem');

    // From the top of the page: the first Tab reaches the skip button, Enter puts focus on the player.
    await page.keyboard.press('Tab');
    await expect(page.getByRole('button', { name: L.skip })).toBeFocused();
    await page.keyboard.press('Enter');

    for (let i = 1; i <= PLAIN_STEPS; i++) {
      await page.keyboard.press('ArrowRight');
      await expect(playerStatus(page)).toContainText(L.step(i));
      await expect(transcript).toHaveCount(i);
    }
    await page.keyboard.press('ArrowRight');
    await expect(playerStatus(page)).toContainText(L.step(PLAIN_STEPS));
    await expect(page.getByText(L.outcome)).toBeVisible();

    for (let i = PLAIN_STEPS - 1; i >= 1; i--) {
      await page.keyboard.press('ArrowLeft');
      await expect(playerStatus(page)).toContainText(L.step(i));
    }
    await page.keyboard.press('ArrowLeft');
    await expect(playerStatus(page)).toContainText(L.ready);
    await expect(transcript).toHaveCount(0);

    await page.keyboard.press('End');
    await expect(playerStatus(page)).toContainText(L.step(PLAIN_STEPS));
    await page.keyboard.press('Home');
    await expect(playerStatus(page)).toContainText(L.ready);

    // Space plays (a visible Pause appears), Space again pauses where it is.
    await page.keyboard.press(' ');
    await expect(page.getByRole('button', { name: L.pause })).toBeVisible();
    await expect(playerStatus(page)).toContainText(L.step(1));
    await page.keyboard.press(' ');
    await expect(page.getByRole('button', { name: L.play, exact: true })).toBeVisible();
  });
}

test('nothing moves until the learner asks; play moves one step per second at 1×', async ({ page }) => {
  // The page's clock is Playwright's: minutes pass in no time, and only when the test says so.
  await page.clock.install();
  await openRun(page, 'scenario=smtp-plain&seed=00&lang=en');
  await page.clock.runFor(60_000);
  await expect(playerStatus(page)).toContainText('Ready');
  await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeVisible();

  await page.getByRole('button', { name: 'Play', exact: true }).click();
  await page.clock.runFor(1000);
  await expect(playerStatus(page)).toContainText('Step 1 of 20');
  await page.clock.runFor(2000);
  await expect(playerStatus(page)).toContainText('Step 3 of 20');
  await page.getByRole('button', { name: 'Pause' }).click();
  await page.clock.runFor(10_000);
  await expect(playerStatus(page)).toContainText('Step 3 of 20');
});

test('the transcript lists the same steps as the diagram, and selecting one inspects it', async ({ page }) => {
  await openRun(page, `scenario=smtp-plain&seed=00&lang=en&step=${PLAIN_STEPS}`);
  const items = page.getByRole('region', { name: 'Transcript' }).getByRole('listitem');
  await expect(items).toHaveCount(PLAIN_STEPS);
  await expect(items.nth(4)).toContainText('EHLO client.example.test');
  await items.nth(4).getByRole('button').click();
  await expect(page.getByRole('heading', { name: 'EHLO — the client introduces itself' })).toBeVisible();
  // A click on an arrow in the diagram selects it too.
  // (SVG text has no role: the label element is found by its tag.)
  await page.getByRole('img', { name: /Sequence diagram/ }).locator('text', { hasText: /^DATA$/ }).click();
  await expect(page.getByRole('heading', { name: 'DATA — ready to send the message' })).toBeVisible();
});
