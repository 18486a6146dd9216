// BERT vs GPT with a GRU as the third model, in a real browser: the wizard's third-model choice with its size, the
// experiment's third run, the table's GRU column with its verdict against GPT, loss by position in the context, and
// the same page in zh-CN (screenshots compare-rnn-*).
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { storyText } from '../unit/compare/story';
import { importText } from './lab-cli';
import { screenshots, useLabServer } from './lab-server';

const lab = useLabServer();
const shot = screenshots('compare-rnn-');

test.beforeAll(() => importText(lab.home, 'story', storyText(60)));

test('a GRU third model: wizard, three runs, its table column and verdict, loss by position, zh-CN', async ({ page }) => {
  test.setTimeout(420_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(lab.url);
  await page.getByTestId('language-select').selectOption('en');
  await page.evaluate('window.location.hash = "#/experiments/new?dataset=1"');
  await expect(page.getByTestId('wizard-page')).toBeVisible();
  await page.getByTestId('wizard-rnn').selectOption('gru');
  await expect(page.getByText('3 runs: one GPT, one BERT and one GRU for each of 1 seed(s)')).toBeVisible();
  await page.getByTestId('wizard-budget-value').fill('12');
  await page.getByTestId('wizard-lr-sweep').uncheck();
  await shot(page, '01-wizard');
  await page.getByTestId('wizard-submit').click();

  await expect(page.getByTestId('experiment-name')).toContainText('BERT vs GPT vs GRU');
  await expect(page.getByTestId('experiment-run-gru-1337')).toBeVisible();
  // states, not seconds: every run completes, then the lab measures on its own
  await expect(page.getByTestId('comparison-rnn-column')).toHaveText('GRU', { timeout: 360_000 });
  const next = page.getByTestId('comparison-row-continue.next');
  await expect(next.getByTestId('comparison-rnn-verdict')).toHaveText(/^(GRU better by|GPT better by|No clear difference)/);
  await expect(page.getByTestId('experiment-loss-by-position').locator('canvas')).toBeVisible();
  await shot(page, '02-experiment');

  // the probe panel: the GRU continues the prompt beside GPT, and is not asked to fill a blank
  await expect(page.getByTestId('probe-rnn-no-fill')).toHaveText('The GRU has no fill-in-the-blank reading: it reads left to right only, one token at a time, so it is asked only to continue a prompt.');
  // sampled rather than greedy: the settings of the run page's probe, on the experiment's
  await page.getByTestId('probe-temperature').fill('1');
  await page.getByTestId('probe-top-k').fill('5');
  await page.getByTestId('probe-continue').click();
  await expect(page.getByTestId('probe-continue-gru')).toContainText('GRU');
  await expect(page.getByTestId('probe-continue-result').locator('.answer h3')).toHaveText([/^GPT/, /^GRU/, /^BERT/]);
  await page.getByTestId('probe').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join('test-results', 'screenshots', 'compare-rnn-04-probe.png') });

  await page.getByTestId('language-select').selectOption('zh-CN');
  await expect(next.getByTestId('comparison-rnn-verdict')).toHaveText(/(更好|没有明显差别)/);
  await shot(page, '03-experiment-zh');
  expect(pageErrors).toEqual([]);
});
