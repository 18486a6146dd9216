// Word embeddings in a real browser (issue 15): train a tiny Word2Vec run from the Embeddings page (method defaults
// shown, live loss curve), then ask it for neighbours, follow a "did you mean" suggestion for a misspelt word, solve an
// analogy, see a too-small dataset refused with its word count — in English and Chinese. Screenshots: embeddings-*.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { labCli } from './lab-cli';
import { screenshots, useLabServer } from './lab-server';

const lab = useLabServer();
const shot = screenshots('embeddings-');
const SHAKESPEARE = [join('..', 'shared'), join('..', '..', 'shared')].map((d) => join(d, 'data', 'tinyshakespeare.txt')).find((f) => existsSync(f));

test.beforeAll(() => {
  if (SHAKESPEARE === undefined) throw new Error('The test corpus ../shared/data/tinyshakespeare.txt is missing.');
  const plays = join(lab.home, 'plays.txt');
  writeFileSync(plays, readFileSync(SHAKESPEARE, 'utf8').slice(0, 150_000));
  labCli(lab.home, 'datasets', 'import', plays, '--name', 'plays');
  const tiny = join(lab.home, 'tiny.txt');
  writeFileSync(tiny, 'to be or not to be\nthat is the question\n');
  labCli(lab.home, 'datasets', 'import', tiny, '--name', 'tiny');
});

test('train Word2Vec from the page, watch it, query neighbours and analogies (English and Chinese)', async ({ page }) => {
  test.setTimeout(150_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(lab.url);
  await page.getByTestId('language-select').selectOption('en');
  await page.getByTestId('nav-embeddings').click();
  await expect(page.getByTestId('embeddings-page')).toBeVisible();
  await expect(page.getByTestId('emb-runs-empty')).toBeVisible();

  // the reference tools' defaults are filled in, and follow the method
  await expect(page.getByTestId('emb-dim')).toHaveValue('100');
  await expect(page.getByTestId('emb-window')).toHaveValue('5');
  await page.getByTestId('emb-method').selectOption('glove');
  await expect(page.getByTestId('emb-window')).toHaveValue('10');
  await expect(page.getByTestId('emb-xMax')).toHaveValue('100');
  // GloVe's memory budget (MiB) is a field too; a value below 16 is refused by the lab with a sentence naming it
  await expect(page.getByTestId('emb-memoryMB')).toHaveValue('1024');
  await page.getByTestId('emb-memoryMB').fill('8');
  await page.getByTestId('emb-train').click();
  // … by the label the form shows, not the API's field path "settings.memoryMB"
  await expect(page.getByTestId('emb-train-error')).toContainText('Memory budget (MiB): must be at least 16, received 8.');
  await shot(page, 'glove-form-en');
  await page.getByTestId('emb-method').selectOption('word2vec');
  await expect(page.getByTestId('emb-negative')).toHaveValue('5');

  // a dataset too small for min-count 5 is refused with its word count and a min-count that works
  await page.getByTestId('emb-dataset').selectOption({ label: 'tiny' });
  await page.getByTestId('emb-train').click();
  await expect(page.getByTestId('emb-train-error')).toContainText('has 10 words (8 distinct), and min-count 5 leaves no words to train; lower --min-count to 1');
  await shot(page, 'too-small-en');

  // a tiny skip-gram run on the plays
  await page.getByTestId('emb-dataset').selectOption({ label: 'plays' });
  await page.getByTestId('emb-architecture').selectOption({ label: 'Skip-gram' });
  await page.getByTestId('emb-dim').fill('24');
  await page.getByTestId('emb-epochs').fill('3');
  await page.getByTestId('emb-minCount').fill('3');
  await page.getByTestId('emb-train').click();
  await expect(page.getByTestId('emb-started')).toContainText('plays-word2vec-sg');
  const detail = page.getByTestId('emb-run-detail');
  await expect(detail.getByTestId('run-status')).toHaveText('Completed', { timeout: 90_000 });
  await expect(page.getByTestId('emb-chart-loss').locator('canvas').first()).toBeVisible();
  await expect(page.getByTestId('embedding-query')).toBeVisible();
  await shot(page, 'trained-en');

  // export the vectors: a free name in the lab's exports folder each time (never over a file), a download per file
  await page.getByTestId('emb-export-button').click();
  await expect(page.getByTestId('emb-export-result')).toContainText('run-1-final.txt');
  const link = page.getByTestId('emb-export-download');
  const text = await (await page.request.get(new URL((await link.getAttribute('href')) as string, lab.url).toString())).text();
  expect(text.split('\n')[0]).toMatch(/^\d+ 24$/);
  await page.getByTestId('emb-export-button').click();
  await expect(page.getByTestId('emb-export-result')).toContainText('run-1-final (2).txt');
  await page.getByTestId('emb-export-format').selectOption('projector');
  await page.getByTestId('emb-export-button').click();
  await expect(page.getByTestId('emb-export-download')).toHaveCount(2);
  await expect(page.getByTestId('emb-export-result')).toContainText('metadata.tsv');
  await shot(page, 'exported-en');

  // neighbours of a word
  await page.getByTestId('emb-query-word').fill('rome');
  await page.getByTestId('emb-query-find').click();
  await expect(page.getByTestId('emb-results').locator('tbody tr')).toHaveCount(10);
  await expect(page.getByTestId('emb-results')).toContainText('rome');

  // a misspelt word: the sentence and its nearest spellings, one click asks again
  await page.getByTestId('emb-query-word').fill('romee');
  await page.getByTestId('emb-query-find').click();
  await expect(page.getByTestId('emb-query-error')).toContainText('"romee" is not in the vocabulary');
  await shot(page, 'unknown-word-en');
  await page.getByTestId('emb-suggest-rome').click();
  await expect(page.getByTestId('emb-query-error')).toHaveCount(0);
  await expect(page.getByTestId('emb-results').locator('tbody tr')).toHaveCount(10);
  await shot(page, 'neighbours-en');

  // an analogy
  await page.getByTestId('emb-analogy-a').fill('his');
  await page.getByTestId('emb-analogy-b').fill('he');
  await page.getByTestId('emb-analogy-c').fill('she');
  await page.getByTestId('emb-analogy-solve').click();
  await expect(page.getByTestId('emb-results')).toContainText('his − he + she');
  await expect(page.getByTestId('emb-results').locator('tbody tr')).toHaveCount(10);

  // the same page in Chinese
  await page.getByTestId('language-select').selectOption('zh-CN');
  await expect(page.getByRole('heading', { name: '训练词向量' })).toBeVisible();
  await expect(detail.getByTestId('run-status')).toHaveText('已完成');
  await page.getByTestId('emb-query-word').fill('romee');
  await page.getByTestId('emb-query-find').click();
  await expect(page.getByTestId('emb-query-error')).toContainText('你是不是想找');
  await shot(page, 'query-zh');
  await page.getByTestId('emb-method').selectOption('glove');
  await page.getByTestId('emb-memoryMB').fill('8');
  await page.getByTestId('emb-train').click();
  await expect(page.getByTestId('emb-train-error')).toContainText('内存预算（MiB）: must be at least 16, received 8.');
  await shot(page, 'glove-form-zh');
  await page.getByTestId('language-select').selectOption('en');
  expect(pageErrors).toEqual([]);
});
