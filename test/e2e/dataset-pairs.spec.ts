// A sentence-pair dataset in the document browser: both texts of each pair side by side, a search that finds a pair
// by its second text, in English and Chinese; then the page's next step, "train an encoder-decoder on these pairs":
// the seq2seq form opens on that dataset, a two-step experiment (dot attention only) trains on its pairs (text ->
// second text) with the split the lab makes, and the experiment page says which dataset and split, linking back.
// The CSV is imported with the CLI (--second-text-column); the import dialog's pair choice is covered by foundation.spec.
// Screenshots: dataset-pairs-*.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { screenshots, useLabServer } from './lab-server';

const lab = useLabServer();
const shot = screenshots('dataset-pairs-');

const ROWS = [
  'A man plays a guitar on stage.,Someone is making music.,entailment',
  'Two dogs run across a field.,The animals are asleep.,contradiction',
  'A child reads by the window.,A person is reading.,entailment',
  'A woman rides a bike in the rain.,Someone is cycling.,entailment',
  'The cat sleeps on the sofa.,The cat is chasing a mouse.,contradiction',
  'Three friends share a pizza.,People are eating.,entailment',
  'An old man walks his dog.,Nobody is outside.,contradiction',
  'A girl paints a red house.,A child is painting.,entailment',
  'Two boys swim in a lake.,The boys are in the water.,entailment',
  'A chef cuts onions in a kitchen.,The kitchen is empty.,contradiction',
];

test('the document browser shows the second text of sentence pairs, and leads to an encoder-decoder on them (English and Chinese)', async ({ page }) => {
  test.setTimeout(180_000);
  const csv = join(lab.home, 'entail.csv');
  writeFileSync(csv, ['premise,hypothesis,label', ...ROWS].join('\n'));
  const r = spawnSync(process.execPath, [join('main', 'cli', 'bin.mjs'), '--home', lab.home, 'datasets', 'import', csv, '--name', 'entail',
    '--text-column', 'premise', '--second-text-column', 'hypothesis', '--label-column', 'label'], { encoding: 'utf8', timeout: 120_000 });
  expect(r.status, r.stderr).toBe(0);

  await page.goto(lab.url);
  await page.getByTestId('language-select').selectOption('en');
  await page.getByTestId('nav-datasets').click();
  await page.getByTestId('dataset-link-entail').click();
  const table = page.getByTestId('preview-table');
  await expect(table.locator('thead')).toContainText('First text');
  await expect(table.locator('thead')).toContainText('Second text (pair)');
  await expect(table.locator('tbody tr').first()).toContainText('Someone is making music.');
  // the search reads the second text too
  await page.getByTestId('preview-search').fill('asleep');
  await expect(table.locator('tbody tr')).toHaveCount(1);
  await expect(table.locator('tbody tr')).toContainText('Two dogs run across a field.');
  await page.getByTestId('preview-search').fill('');
  await expect(table.locator('tbody tr')).toHaveCount(ROWS.length);
  await table.scrollIntoViewIfNeeded();
  await shot(page, 'en');
  await page.getByTestId('language-select').selectOption('zh-CN');
  await expect(table.locator('thead')).toContainText('第二段文本（句对）');
  await expect(page.getByTestId('next-seq2seq')).toContainText('用这些句对训练编码器-解码器');
  await shot(page, 'zh-CN');

  // the pair dataset's next step: the seq2seq form on this dataset, which has no split yet
  await page.getByTestId('language-select').selectOption('en');
  await page.getByTestId('next-seq2seq').click();
  await expect(page.getByTestId('setup-from-dataset')).toBeChecked();
  await expect(page.getByTestId('setup-pairs-dataset')).toHaveValue('entail');
  await expect(page.getByTestId('setup-pairs-dataset').locator('option:checked')).toHaveText('entail (10 pairs)');
  await expect(page.getByTestId('setup-dataset-hint')).toContainText('The dataset has no split yet, so the lab makes one (80% train, 10% validation, 10% test, seed 42)');
  for (const v of ['none', 'general', 'concat', 'transformer']) await page.getByTestId(`setup-variant-${v}`).uncheck();
  await page.getByTestId('setup-steps').fill('2');
  await page.getByTestId('setup-hidden').fill('8');
  await page.getByTestId('setup-snapshots').fill('1');
  await page.getByTestId('seq2seq-setup').scrollIntoViewIfNeeded();
  await shot(page, 'seq2seq-setup');
  await page.getByTestId('setup-start').click();
  const line = page.getByTestId('seq2seq-pairs-dataset');
  await expect(line).toContainText('Pairs from the dataset "entail" (text → second text): 8 train, 1 validation and 1 test pairs of a split the lab made for this experiment (the dataset had none)');
  await expect(line).toContainText('; train 0.8, validation 0.1, test 0.1, seed 42).');
  await expect(page.getByTestId('seq2seq-arm-dot').getByTestId('run-status')).toHaveText('Completed', { timeout: 120_000 });
  await shot(page, 'seq2seq-experiment');
  await page.getByTestId('language-select').selectOption('zh-CN');
  await expect(line).toContainText('样本对来自数据集“entail”（文本 → 第二段文本）：训练 8 对、验证 1 对、测试 1 对，取自实验室为本实验做的划分（数据集原先没有划分）');
  await shot(page, 'seq2seq-experiment-zh');
  // and back to the dataset, now split as the experiment used it
  await page.getByTestId('seq2seq-open-dataset').click();
  await expect(page.getByTestId('dataset-name')).toHaveText('entail');
});
