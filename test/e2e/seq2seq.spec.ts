// The "with vs without attention" page in a real browser: set up a tiny experiment (reverse, no attention / dot /
// general / concat), watch the arms train, read the length plot, the results and the verdicts, then the alignment
// matrices of dot, general and concat side by side over the snapshot slider and the decoder step by step — in
// English and in Chinese, with screenshots (seq2seq-*).
import { expect, test } from '@playwright/test';
import { screenshots, useLabServer } from './lab-server';

const lab = useLabServer();
const shot = screenshots('seq2seq-');

test('seq2seq: set up, watch, length plot, verdicts, alignment matrices over training', async ({ page }) => {
  // minutes on a machine shared by many sessions; alone it takes about two
  test.setTimeout(480_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(lab.url);
  await page.getByTestId('language-select').selectOption('en');
  await page.getByTestId('nav-seq2seq').click();
  await expect(page.getByTestId('seq2seq-page')).toBeVisible();
  await expect(page.getByTestId('seq2seq-page')).toContainText('No seq2seq experiment yet');

  // a refusal shows the lab's sentence and starts nothing
  await page.getByTestId('setup-max').fill('500');
  await page.getByTestId('setup-start').click();
  await expect(page.getByTestId('setup-error')).toContainText(/maxLength|100/);

  await page.getByTestId('setup-min').fill('2');
  await page.getByTestId('setup-max').fill('12');
  await page.getByTestId('setup-pairs').fill('600');
  await page.getByTestId('setup-variant-transformer').uncheck();
  await page.getByTestId('setup-steps').fill('90');
  await page.getByTestId('setup-hidden').fill('32');
  await page.getByTestId('setup-snapshots').fill('3');
  await shot(page, 'setup');
  await page.getByTestId('setup-start').click();
  await expect(page.getByTestId('seq2seq-experiment-page')).toBeVisible();
  await expect(page.getByTestId('seq2seq-arm-concat')).toBeVisible();

  // live: the first arm's curve appears while the others wait
  await expect(page.getByTestId('seq2seq-chart-train/loss').locator('canvas')).toBeVisible({ timeout: 120_000 });
  await shot(page, 'live');

  // measured: the length plot, the results table and the verdicts
  await expect(page.getByTestId('seq2seq-length-plot')).toBeVisible({ timeout: 200_000 });
  await expect(page.getByTestId('seq2seq-results').locator('tbody tr')).toHaveCount(4);
  await expect(page.getByTestId('seq2seq-verdicts')).toContainText(/RNN, no attention|attention/);
  await page.getByTestId('seq2seq-length').scrollIntoViewIfNeeded();
  await shot(page, 'length-plot');

  // the plot and the table appear with the first measured arm; the alignment view below reads every arm's snapshots,
  // so it waits for all four (on a fast machine the first arm is measured while the last is still queued)
  for (const v of ['none', 'dot', 'general', 'concat']) {
    await expect(page.getByTestId(`seq2seq-arm-${v}`).getByTestId('run-status')).toHaveText('Completed', { timeout: 200_000 });
  }

  // the alignment view: the longest example, dot / general / concat side by side, at the first and the last snapshot
  const examples = page.getByTestId('alignment-example').locator('option');
  await page.getByTestId('alignment-example').selectOption({ index: (await examples.count()) - 1 });
  await page.getByTestId('alignment-show').click();
  for (const v of ['dot', 'general', 'concat']) await expect(page.getByTestId(`alignment-${v}`).locator('td').first()).toBeVisible();
  await page.getByTestId('alignment-slider').fill('0');
  await expect(page.getByTestId('alignment-dot')).toContainText('step 30');
  await page.getByTestId('seq2seq-alignment').scrollIntoViewIfNeeded();
  await shot(page, 'alignment-first-snapshot');
  await page.getByTestId('alignment-slider').fill('2');
  await expect(page.getByTestId('alignment-dot')).toContainText('step 90');
  await shot(page, 'alignment');

  // the decoder step by step
  await page.getByTestId('steps-variant').selectOption('concat');
  await page.getByTestId('steps-show').click();
  await expect(page.getByTestId('decoder-steps').locator('tbody tr').first()).toBeVisible();
  await page.getByTestId('decoder-steps').scrollIntoViewIfNeeded();
  await shot(page, 'decoder-steps');

  // the same page in Chinese
  await page.getByTestId('language-select').selectOption('zh-CN');
  await expect(page.getByTestId('seq2seq-length')).toContainText('质量随输入长度的变化');
  await page.getByTestId('seq2seq-length').scrollIntoViewIfNeeded();
  await shot(page, 'length-plot-zh');
  expect(pageErrors).toEqual([]);
});
