// The foundation flow in a real browser: first start, import by upload, stats and histogram, split, char and BPE
// tokenizers, encoding a sentence, Chinese UI, dark theme — with screenshots at each stage.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import iconv from 'iconv-lite';
import { screenshots, useLabServer } from './lab-server';

// this spec's own server and lab home: no spec depends on what another one stored
const lab = useLabServer();
const shot = screenshots('');

/**
 * 40 one-line paragraphs separated by blank lines, of growing length so the histogram has a shape.
 * ASCII only, no leading/trailing spaces: each paragraph's length is its character count, whatever the importer trims.
 */
function notesFile(): { path: string; documents: number; characters: number } {
  const words = ['attention', 'query', 'key', 'value', 'softmax', 'layer', 'head', 'token', 'embedding', 'residual'];
  const paragraphs: string[] = [];
  for (let i = 0; i < 40; i += 1) {
    const n = 3 + ((i * 7) % 23);
    const sentence = Array.from({ length: n }, (_, j) => words[(i + j * 3) % words.length]).join(' ');
    paragraphs.push(`Note ${i + 1}: ${sentence}.`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'attention-lab-e2e-data-'));
  const path = join(dir, 'attention-notes.txt');
  writeFileSync(path, `${paragraphs.join('\n\n')}\n`);
  return { path, documents: paragraphs.length, characters: paragraphs.reduce((sum, p) => sum + p.length, 0) };
}

const fmt = (n: number) => new Intl.NumberFormat('en').format(n);

test('foundation: import, inspect, split, tokenize, switch language and theme', async ({ page }) => {
  const { url } = lab;
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') pageErrors.push(msg.text());
  });

  await page.goto(url);
  // The language follows the server's locale on first start; the test pins English first.
  await page.getByTestId('language-select').selectOption('en');

  // First start: an empty lab offers the sample corpora prominently, and the token left the address bar.
  await expect(page.getByTestId('samples')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Welcome! Start with a sample corpus' })).toBeVisible();
  expect(await page.locator('[data-testid^="sample-import-"]').count()).toBeGreaterThanOrEqual(2);
  expect(page.url()).not.toContain('token=');
  await shot(page, '01-first-start');

  // Import a generated text file through the UI (browser upload), one document per paragraph.
  const notes = notesFile();
  await page.getByTestId('import-open').click();
  await page.getByTestId('import-file').setInputFiles(notes.path);
  await expect(page.getByTestId('import-inspection')).toBeVisible();
  await expect(page.getByTestId('import-format')).toHaveValue('txt');
  await expect(page.getByTestId('import-preview')).toContainText('Note 1:');
  await expect(page.getByTestId('import-name')).toHaveValue('attention-notes');
  await page.getByTestId('import-mode-paragraphs').check();
  await shot(page, '02-import-inspected');
  await page.getByTestId('import-submit').click();

  // Its stats and histogram.
  await expect(page.getByTestId('dataset-detail')).toBeVisible();
  await expect(page.getByTestId('dataset-name')).toHaveText('attention-notes');
  await expect(page.getByTestId('stat-documents')).toContainText(fmt(notes.documents));
  await expect(page.getByTestId('stat-characters')).toContainText(fmt(notes.characters));
  await expect(page.getByTestId('length-histogram').locator('canvas')).toBeVisible();
  await expect(page.getByTestId('preview-table')).toContainText('Note 1:');

  // Split 80/10/10: the counts shown are the split's own and add up to every document.
  await expect(page.getByTestId('split-estimate')).toContainText('32 train');
  await page.getByTestId('split-submit').click();
  const counts = page.getByTestId('split-counts');
  await expect(counts).toBeVisible();
  const figures = (await counts.locator('strong').allInnerTexts()).map((s) => Number(s.replace(/,/g, '')));
  expect(figures).toHaveLength(3);
  expect(figures.reduce((a, b) => a + b, 0)).toBe(notes.documents);
  expect(figures.every((n) => n > 0)).toBe(true);
  await shot(page, '03-dataset-en');

  // A character-level tokenizer: every character of a sentence becomes one chip.
  await page.getByTestId('nav-tokenizers').click();
  await page.getByTestId('tokenizer-dataset').selectOption({ label: 'attention-notes' });
  await page.getByTestId('tokenizer-kind').selectOption('char');
  await page.getByTestId('tokenizer-vocab-size').fill('64');
  await page.getByTestId('tokenizer-name').fill('notes-char');
  await page.getByTestId('tokenizer-train-submit').click();
  await expect(page.getByTestId('tokenizer-title')).toHaveText('notes-char');
  await expect(page.getByTestId('tok-unk-rate')).not.toContainText('—');
  const sentence = 'attention is all';
  await page.getByTestId('try-input').fill(sentence);
  await expect(page.getByTestId('token-chip')).toHaveCount(sentence.length);
  await expect(page.getByTestId('vocab-table')).toContainText('[UNK]');
  await shot(page, '04-tokenizer-char');

  // A byte-level BPE tokenizer: the same sentence takes fewer tokens than characters.
  await page.getByTestId('tokenizer-kind').selectOption('bpe');
  await page.getByTestId('tokenizer-vocab-size').fill('300');
  await page.getByTestId('tokenizer-name').fill('notes-bpe');
  await page.getByTestId('tokenizer-train-submit').click();
  await expect(page.getByTestId('tokenizer-title')).toHaveText('notes-bpe');
  await page.getByTestId('try-input').fill(sentence);
  await expect(page.getByTestId('token-chip').first()).toBeVisible();
  await expect.poll(async () => page.getByTestId('token-chip').count()).toBeLessThan(sentence.length);
  await expect(page.getByTestId('token-frequency').locator('canvas')).toBeVisible();
  await expect(page.getByTestId('tokenizer-list')).toContainText('notes-char');
  const bpeIds = await page.getByTestId('token-chip').locator('.id').allInnerTexts();
  await shot(page, '05-tokenizer-bpe');

  // Export it as a Hugging Face tokenizer.json, then import that file back under a new name.
  await page.getByTestId('tokenizer-export').click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('tokenizer-download').click()]);
  const tokenizerJson = (await download.path()) as string;
  const parsed = JSON.parse(readFileSync(tokenizerJson, 'utf8')) as { model: { type: string; vocab: Record<string, number> } };
  expect(parsed.model.type).toBe('BPE');
  expect(Object.keys(parsed.model.vocab).length).toBeGreaterThan(256);
  await page.getByTestId('tokenizer-import-file').setInputFiles({ name: 'notes-tokenizer.json', mimeType: 'application/json', buffer: readFileSync(tokenizerJson) });
  await page.getByTestId('tokenizer-import-name').fill('notes-bpe-imported');
  await page.getByTestId('tokenizer-import-submit').click();
  await expect(page.getByTestId('tokenizer-title')).toHaveText('notes-bpe-imported');
  await page.getByTestId('try-input').fill(sentence);
  // the imported file encodes the sentence to the very same ids
  await expect.poll(async () => page.getByTestId('token-chip').locator('.id').allInnerTexts()).toEqual(bpeIds);

  // Chinese UI, remembered across a reload.
  await page.getByTestId('language-select').selectOption('zh-CN');
  await expect(page.getByTestId('nav-datasets')).toHaveText('数据集');
  await page.getByTestId('nav-datasets').click();
  await page.getByTestId('dataset-link-attention-notes').click();
  await expect(page.getByTestId('stat-documents')).toContainText('文档数');
  await expect(page.getByTestId('stat-documents')).toContainText(fmt(notes.documents));
  await expect(page.getByText('文档长度分布')).toBeVisible();
  await page.reload();
  await expect(page.getByTestId('nav-tokenizers')).toHaveText('分词器');
  await expect(page.getByTestId('stat-characters')).toContainText(fmt(notes.characters));
  await shot(page, '06-dataset-zh-CN');

  // Dark theme.
  await page.getByTestId('theme-select').selectOption('dark');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(page.locator('body')).toHaveCSS('background-color', 'rgb(20, 23, 30)');
  await shot(page, '07-dataset-zh-CN-dark');
  await page.getByTestId('language-select').selectOption('en');
  await expect(page.getByTestId('nav-datasets')).toHaveText('Datasets');
  await shot(page, '08-dataset-en-dark');

  expect(pageErrors).toEqual([]);
});

test('bad and repeated input: invalid JSONL lines, a duplicate file; rename, export download, delete asks first', async ({ page }) => {
  await page.goto(lab.url);
  await page.getByTestId('language-select').selectOption('en');
  const dir = mkdtempSync(join(tmpdir(), 'attention-lab-e2e-bad-'));

  // A JSONL file with two broken lines: the import refuses with line numbers, then imports the valid lines on request.
  const jsonl = join(dir, 'reviews.jsonl');
  const rows = ['{"text": "great film", "label": "pos"}', '{"text": "dull", "label": "neg"', '{"text": "loved it", "label": "pos"}',
    'not json at all', '{"text": "too long", "label": "neg"}'];
  writeFileSync(jsonl, `${rows.join('\n')}\n`);
  await page.getByTestId('import-open').click();
  await page.getByTestId('import-file').setInputFiles(jsonl);
  await expect(page.getByTestId('import-format')).toHaveValue('jsonl');
  await expect(page.getByTestId('import-text-field')).toHaveValue('text');
  await expect(page.getByTestId('import-label-field')).toHaveValue('label');
  // sentence pairs are a choice, single texts the default
  await expect(page.getByTestId('import-second-text-field')).toHaveValue('');
  await shot(page, '02b-import-jsonl-fields');
  await page.getByTestId('import-submit').click();
  await expect(page.getByTestId('import-error')).toContainText('2');
  await expect(page.getByTestId('import-error')).toContainText('4');
  await shot(page, '09-jsonl-invalid-lines');
  await page.getByTestId('import-skip-invalid').click();
  await expect(page.getByTestId('import-skipped')).toContainText('2 invalid lines');
  await expect(page.getByTestId('datasets-table')).toContainText('reviews');

  // The same file again is recognised as a duplicate of "reviews".
  await page.getByTestId('import-open').click();
  await page.getByTestId('import-file').setInputFiles(jsonl);
  await expect(page.getByTestId('import-duplicate')).toContainText('reviews');
  await expect(page.getByTestId('import-submit')).toBeDisabled();
  await page.getByTestId('import-close').click();

  // The labelled dataset shows its label chart; export gives a download; delete asks first and cancelling keeps it.
  await page.getByTestId('dataset-link-reviews').click();
  await expect(page.getByTestId('stat-documents')).toContainText('3');
  await expect(page.getByTestId('label-counts').locator('canvas')).toBeVisible();
  await page.getByTestId('export-jsonl').click();
  await expect(page.getByTestId('export-result')).toContainText('3');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-download').click()]);
  const exported = readFileSync((await download.path()) as string, 'utf8').trim().split('\n');
  expect(exported).toHaveLength(3);
  expect(JSON.parse(exported[0])).toMatchObject({ text: 'great film', label: 'pos' });
  await page.getByTestId('rename-open').click();
  await page.getByTestId('rename-input').fill('movie reviews');
  await page.getByTestId('rename-save').click();
  await expect(page.getByTestId('dataset-name')).toHaveText('movie reviews');
  await page.getByTestId('delete-open').click();
  await expect(page.getByTestId('delete-dialog')).toContainText('movie reviews');
  await page.getByTestId('delete-dialog-cancel').click();
  await expect(page.getByTestId('dataset-name')).toHaveText('movie reviews');
  await page.getByTestId('delete-open').click();
  await page.getByTestId('delete-dialog-confirm').click();
  await expect(page.getByTestId('datasets-page')).toBeVisible();
  await expect(page.getByTestId('datasets-table')).not.toContainText('reviews');

  // A Chinese text saved as GB18030 is detected and read with the right characters.
  const chinese = join(dir, 'zhuyili.txt');
  const paragraphs = ['注意力机制让模型在生成每个词时关注输入的不同部分。', '自注意力在同一个序列内部计算词与词之间的关系。', '多头注意力并行地学习多种对齐方式。'];
  writeFileSync(chinese, iconv.encode(paragraphs.join('\n\n'), 'gb18030'));
  await page.getByTestId('nav-datasets').click();
  await page.getByTestId('import-open').click();
  await page.getByTestId('import-file').setInputFiles(chinese);
  await expect(page.getByTestId('import-encoding')).toContainText('gb18030');
  await expect(page.getByTestId('import-preview')).toContainText(paragraphs[0]);
  // one document per blank-line-separated block (the default keeps a text file whole)
  await page.getByTestId('import-mode-paragraphs').check();
  await page.getByTestId('import-submit').click();
  await expect(page.getByTestId('stat-documents')).toContainText('3');
  await expect(page.getByTestId('stat-characters')).toContainText(String(paragraphs.join('').length));
  await expect(page.getByTestId('preview-table')).toContainText(paragraphs[2]);
  await shot(page, '10-dataset-gb18030');

  // The About page reports how this lab runs.
  await page.getByTestId('nav-about').click();
  await expect(page.getByTestId('app-info')).toContainText('Browser mode');
  await expect(page.getByTestId('app-info')).toContainText(lab.home);
  await expect(page.getByTestId('kernel-backend')).not.toBeEmpty();
  await shot(page, '11-about');
});
