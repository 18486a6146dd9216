// The seq2seq experiment on the person's own pairs in a real browser: a TSV with an empty target is refused with the
// lab's sentence (file, line, what to do), a good one is uploaded and trained on (no attention vs dot), the page says
// where the pairs came from, and the alignment view aligns a held-out pair of that file — in English and Chinese, with
// screenshots (seq2seq-pairs-*). The source side is cut by a WordPiece tokenizer imported on the Tokenizers page.
import { expect, test } from '@playwright/test';
import { generatePairs } from '../../main/data/pairs/tasks';
import { trainTokenizer } from '../../main/data/tokenizers/index';
import { screenshots, useLabServer } from './lab-server';

const lab = useLabServer();
const shot = screenshots('seq2seq-pairs-');

/** reversal of 2-8 words over six symbols, written as a person's TSV: a header, the pairs, a note column */
function tsv(pairs: { source: string; target: string }[]): Buffer {
  return Buffer.from(['source\ttarget\tnote', ...pairs.map((p, i) => `${p.source}\t${p.target}\trow ${i}`)].join('\n'));
}

test('seq2seq on a pair file: refused with the line, then uploaded, trained on and aligned', async ({ page }) => {
  test.setTimeout(300_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const pairs = generatePairs({ task: 'reverse', pairs: 400, minLength: 2, maxLength: 8, symbols: 6, seed: 5 }).pairs;
  await page.goto(lab.url);
  await page.getByTestId('language-select').selectOption('en');
  // a WordPiece tokenizer of the six symbols, imported as a person would a tokenizer.json
  const wp = trainTokenizer('wordpiece', () => pairs.map((p) => p.source), { vocabSize: 100 }).tokenizer;
  await page.getByTestId('nav-tokenizers').click();
  await page.getByTestId('tokenizer-import-file').setInputFiles({ name: 'symbols.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(wp.toJSON())) });
  await page.getByTestId('tokenizer-import-name').fill('symbols-wp');
  await page.getByTestId('tokenizer-import-submit').click();
  await expect(page.getByTestId('tokenizer-title')).toHaveText('symbols-wp');
  await page.getByTestId('nav-seq2seq').click();
  await page.getByTestId('setup-from-file').check();

  // no file yet: the form says what to do
  await page.getByTestId('setup-start').click();
  await expect(page.getByTestId('setup-error')).toHaveText('Choose a pair file or type its path.');

  // an empty target on line 4: refused with the file, the line and what to do; nothing starts
  const broken = [...pairs.slice(0, 2), { source: pairs[2].source, target: '' }, ...pairs.slice(3, 20)];
  await page.getByTestId('setup-pairs-file').setInputFiles({ name: 'broken.tsv', mimeType: 'text/tab-separated-values', buffer: tsv(broken) });
  await expect(page.getByTestId('setup-pairs-path')).toHaveValue(/broken\.tsv$/);
  await page.getByTestId('setup-start').click();
  // (an upload is read from its copy; the sentence names the file as the person chose it)
  await expect(page.getByTestId('setup-error')).toContainText('broken.tsv has 1 invalid line (line 4). Line 4 of broken.tsv has an empty target: fill it in or remove the line.');
  await shot(page, 'refused');

  // the good file: no attention vs dot, a short budget
  await page.getByTestId('setup-pairs-file').setInputFiles({ name: 'reverse-words.tsv', mimeType: 'text/tab-separated-values', buffer: tsv(pairs) });
  await expect(page.getByTestId('setup-pairs-path')).toHaveValue(/reverse-words\.tsv$/);
  for (const v of ['general', 'concat', 'transformer']) await page.getByTestId(`setup-variant-${v}`).uncheck();
  await page.getByTestId('setup-steps').fill('60');
  await page.getByTestId('setup-hidden').fill('32');
  await page.getByTestId('setup-snapshots').fill('2');
  await page.getByTestId('setup-source-tokens').selectOption('tokenizer:symbols-wp');
  await shot(page, 'setup');
  await page.getByTestId('setup-start').click();
  await expect(page.getByTestId('seq2seq-experiment-page')).toBeVisible();
  await expect(page.getByTestId('seq2seq-pairs-file')).toContainText('Pairs from reverse-words.tsv: 400 kept');
  const pieces = pairs.reduce((n, p) => n + wp.encode(p.source).ids.length, 0);
  await expect(page.getByTestId('seq2seq-source-tokenizer')).toHaveText(`Sources cut by the tokenizer "symbols-wp" (WordPiece (BERT style)): 0 of ${pieces.toLocaleString('en')} pieces are [UNK].`);

  // measured on the file's held-out pairs, then the alignment of the longest example
  // (the table shows a row per variant as soon as the first is measured: wait until both arms have finished)
  for (const v of ['none', 'dot']) {
    await expect(page.getByTestId(`seq2seq-arm-${v}`).getByTestId('run-status')).toHaveText('Completed', { timeout: 200_000 });
  }
  await expect(page.getByTestId('seq2seq-results').locator('tbody tr')).toHaveCount(2);
  const examples = page.getByTestId('alignment-example').locator('option');
  const last = (await examples.count()) - 1;
  const label = (await examples.nth(last).textContent()) ?? '';
  expect(pairs.some((p) => label.includes(p.source))).toBe(true);
  await page.getByTestId('alignment-example').selectOption({ index: last });
  await page.getByTestId('alignment-show').click();
  await expect(page.getByTestId('alignment-dot').locator('td').first()).toBeVisible();
  await page.getByTestId('seq2seq-alignment').scrollIntoViewIfNeeded();
  await shot(page, 'alignment');

  // the page in Chinese, and the setup form's file choices
  await page.getByTestId('language-select').selectOption('zh-CN');
  await expect(page.getByTestId('seq2seq-pairs-file')).toContainText('样本对来自 reverse-words.tsv：保留 400 对');
  await expect(page.getByTestId('seq2seq-source-tokenizer')).toContainText('源端由分词器“symbols-wp”');
  await shot(page, 'experiment-zh');
  await page.getByTestId('nav-seq2seq').click();
  await page.getByTestId('setup-from-file').check();
  await expect(page.getByTestId('seq2seq-list')).toContainText('reverse-words.tsv');
  await shot(page, 'setup-zh');
  expect(pageErrors).toEqual([]);
});
