// A sentence-pair dataset in the document browser: both texts of each pair side by side, a search that finds a pair
// by its second text, in English and Chinese. The CSV is imported with the CLI (--second-text-column); the import
// dialog's pair choice is covered by foundation.spec. Screenshots: dataset-pairs-*.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { screenshots, useLabServer } from './lab-server';

const lab = useLabServer();
const shot = screenshots('dataset-pairs-');

test('the document browser shows the second text of sentence pairs (English and Chinese)', async ({ page }) => {
  const csv = join(lab.home, 'entail.csv');
  writeFileSync(csv, ['premise,hypothesis,label', 'A man plays a guitar on stage.,Someone is making music.,entailment',
    'Two dogs run across a field.,The animals are asleep.,contradiction', 'A child reads by the window.,A person is reading.,entailment'].join('\n'));
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
  await expect(table.locator('tbody tr')).toHaveCount(3);
  await table.scrollIntoViewIfNeeded();
  await shot(page, 'en');
  await page.getByTestId('language-select').selectOption('zh-CN');
  await expect(table.locator('thead')).toContainText('第二段文本（句对）');
  await shot(page, 'zh-CN');
});
