// The wizard's custom model size in a real browser: a size d_model ÷ heads refuses gets a sentence naming the field,
// a valid one a live parameter/memory estimate; the experiment it creates shows the shape, and its validation charts
// say what they wait for instead of drawing bare axes (screenshots custom-size-*).
import { expect, test } from '@playwright/test';
import { importText, patternedText } from './lab-cli';
import { screenshots, useLabServer } from './lab-server';

const lab = useLabServer();
const shot = screenshots('custom-size-');

test.beforeAll(() => importText(lab.home, 'sizes', patternedText(80)));

test('custom size: field sentences, live estimate, the experiment shows its shape and what its val charts wait for', async ({ page }) => {
  test.setTimeout(120_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(lab.url);
  await page.getByTestId('language-select').selectOption('en');
  await page.evaluate('window.location.hash = "#/experiments/new?dataset=1"');
  await expect(page.getByTestId('wizard-page')).toBeVisible();
  await page.getByTestId('wizard-preset').selectOption('custom');
  await expect(page.getByTestId('wizard-size-estimate')).toContainText('parameters');

  await page.getByTestId('wizard-size-dModel').fill('100');
  await page.getByTestId('wizard-size-nHead').fill('3');
  await expect(page.getByTestId('wizard-size-problem')).toHaveText(/^d_model 100 is not divisible by 3 heads: .* Choose 2, 4, 5, 10 heads, or another d_model\.$/);
  await page.getByTestId('wizard-size-nLayer').fill('0');
  await expect(page.getByTestId('wizard-size-problem').first()).toHaveText('Layers is 0, but it must be a whole number from 1 to 64.');
  await shot(page, '01-problems');

  await page.getByTestId('wizard-size-nLayer').fill('1');
  await page.getByTestId('wizard-size-nHead').fill('4');
  await page.getByTestId('wizard-size-dModel').fill('32');
  await page.getByTestId('wizard-size-dFF').fill('64');
  await page.getByTestId('wizard-size-contextLength').fill('32');
  await expect(page.getByTestId('wizard-size-problem')).toHaveCount(0);
  await expect(page.getByTestId('wizard-size-estimate')).toContainText(/GPT [\d,]+ and BERT [\d,]+ parameters; training needs about .* free\./);
  await expect(page.getByTestId('wizard-shape')).toHaveText('1 layers, d_model 32, context 32');
  await page.getByTestId('wizard-budget-value').fill('60');
  await shot(page, '02-estimate');
  await page.getByTestId('wizard-submit').click();

  await expect(page.getByTestId('experiment-size')).toHaveText('Custom: layers 1, heads 4, d_model 32, d_ff 64, context 32');
  // the learning-rate sweep runs first, so the validation charts wait with a sentence, not bare axes
  await expect(page.getByTestId('experiment-chart-val/loss').getByTestId('metric-chart-empty'))
    .toHaveText(/^val\/loss appears after the (learning-rate sweep and the )?first evaluation \(step 6\)\.$/);
  await shot(page, '03-experiment');
  expect(pageErrors).toEqual([]);
});
