// A newcomer's pages at 1,440 px (issue 14): the runs table and the compare summary fit without sideways scrolling,
// the runs table's column choice survives a reload (a lab setting), the single-run form trains a custom size with a
// live estimate, the import dialog's preview follows the document mode and never shows the upload copy's path, and
// the sample corpora and run settings read in Chinese, and a finished run's page leads on: try the model with sampling
// settings, download its ONNX file, compare it with another run, delete it. Two 3-step CLI runs keep it to about a minute
// (screenshots fit-*).
import { statSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { importText, labCli } from './lab-cli';
import { screenshots, useLabServer } from './lab-server';

const lab = useLabServer();
const shot = screenshots('fit-');
test.use({ viewport: { width: 1440, height: 900 } });

const TEXT = Array.from({ length: 60 }, (_, i) => ['the cat sees a dog', 'a dog sees the cat', 'to be or not to be'][i % 3]).join('.\n\n');
const SHAPE = ['--layers', '1', '--heads', '2', '--d-model', '16', '--ff', '32', '--context', '16'];

test.beforeAll(() => {
  importText(lab.home, 'fit', TEXT);
  for (const model of ['gpt', 'bert']) labCli(lab.home, 'train', '--dataset', 'fit', '--model', model, '--steps', '3', ...SHAPE);
});

/** Whether the element's content is no wider than its box (nothing to scroll sideways). */
async function fits(page: Page, testid: string): Promise<{ scroll: number; client: number }> {
  return page.getByTestId(testid).evaluate((t) => {
    const wrap = t.closest('.table-wrap') ?? t;
    return { scroll: wrap.scrollWidth, client: wrap.clientWidth };
  });
}

test('fits 1,440 px: runs table with its column choice, new run of a custom size, compare summary, import preview', async ({ page }) => {
  test.setTimeout(150_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(lab.url);
  await page.getByTestId('language-select').selectOption('en');

  // runs table: fits with the default columns; hiding notes is remembered by the lab across a reload
  await page.getByTestId('nav-runs').click();
  await expect(page.locator('[data-testid^="run-row-"]')).toHaveCount(2);
  const table = await fits(page, 'runs-table');
  expect(table.scroll).toBeLessThanOrEqual(table.client);
  await page.getByTestId('runs-columns-open').click();
  await page.getByTestId('runs-column-notes').uncheck();
  await page.getByTestId('runs-column-tokenizer').check();
  await expect(page.getByTestId('runs-table').locator('thead')).not.toContainText('Notes');
  await shot(page, '01-runs-columns');
  await page.reload();
  await expect(page.locator('[data-testid^="run-row-"]')).toHaveCount(2);
  await expect(page.getByTestId('runs-table').locator('thead')).toContainText('Tokenizer');
  await expect(page.getByTestId('runs-table').locator('thead')).not.toContainText('Notes');

  // compare the two runs: the summary table fits, one figure per metric
  await page.getByTestId('runs-select-all').check();
  await page.getByTestId('compare-selected').click();
  await expect(page.getByTestId('compare-table')).toContainText('val/loss');
  const summary = await fits(page, 'compare-table');
  expect(summary.scroll).toBeLessThanOrEqual(summary.client);
  await page.getByTestId('compare-table').scrollIntoViewIfNeeded();
  await shot(page, '02-compare');

  // a single run of a custom size: the estimate names the family, the run is named after its shape
  await page.getByTestId('nav-runs').click();
  await page.getByTestId('new-run-open').click();
  await page.getByTestId('train-dataset').selectOption({ label: 'fit' });
  await page.getByTestId('train-preset').selectOption('custom');
  for (const [field, v] of [['nLayer', '1'], ['nHead', '2'], ['dModel', '16'], ['dFF', '32'], ['contextLength', '16']]) {
    await page.getByTestId(`wizard-size-${field}`).fill(v);
  }
  await expect(page.getByTestId('wizard-size-estimate')).toHaveText(/^GPT: [\d,]+ parameters; training needs about .* free\.$/);
  await page.getByTestId('wizard-size-dModel').fill('15');
  await expect(page.getByTestId('wizard-size-problem')).toHaveText(/^d_model 15 is not divisible by 2 heads/);
  await page.getByTestId('wizard-size-dModel').fill('16');
  await page.getByTestId('train-steps').fill('2');
  await shot(page, '03-new-run-custom');
  await page.getByTestId('train-submit').click();
  await expect(page.getByTestId('run-name')).toContainText('L1-H2-d16-ff32-T16');

  // import: the preview follows the mode, the chunking is explained, the upload copy's path is nowhere
  await page.getByTestId('nav-datasets').click();
  await page.getByTestId('import-open').click();
  await page.getByTestId('import-file').setInputFiles({ name: 'poems.txt', mimeType: 'text/plain', buffer: Buffer.from('Roses are red,\nviolets are blue.\n\nSugar is sweet.') });
  await expect(page.getByTestId('import-file-name')).toHaveText('poems.txt');
  await page.getByTestId('import-mode-paragraphs').check();
  await expect(page.getByTestId('import-preview').locator('li')).toHaveCount(2);
  await page.getByTestId('import-mode-whole').check();
  await expect(page.getByTestId('import-preview')).toHaveText('Roses are red,\nviolets are blue.\n\nSugar is sweet.');
  await expect(page.getByTestId('import-mode-explained')).toContainText('pieces of up to 16,384 characters');
  await expect(page.getByTestId('import-dialog')).not.toContainText('uploads');
  await expect(page.getByTestId('import-path')).toHaveValue('');
  await shot(page, '04-import-whole');
  expect(pageErrors).toEqual([]);
});

test('Chinese: sample corpora and the run configuration', async ({ page }) => {
  await page.goto(lab.url);
  await page.getByTestId('language-select').selectOption('zh-CN');
  await page.getByTestId('nav-datasets').click();
  await expect(page.getByTestId('sample-sotu')).toContainText('美国国情咨文');
  await expect(page.getByTestId('sample-brown')).toContainText('体裁');
  await shot(page, '05-samples-zh-CN');
  await page.evaluate('window.location.hash = "#/runs/1"');
  await expect(page.getByTestId('run-config')).toContainText('层数 (nLayer)');
  await expect(page.getByTestId('run-config')).toContainText('模型宽度 (dModel)');
  await page.getByTestId('run-config').scrollIntoViewIfNeeded();
  await shot(page, '06-run-config-zh-CN');
  await page.getByTestId('language-select').selectOption('en');
});

test("a finished run's page: continue and fill with settings, ONNX download, compare with…, delete", async ({ page }) => {
  test.setTimeout(120_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(lab.url);
  await page.getByTestId('language-select').selectOption('en');
  await page.evaluate('window.location.hash = "#/runs/1"');
  await expect(page.getByTestId('run-status')).toHaveText('Completed');

  // GPT: continue a prompt with temperature, top-k, top-p and seed; a bad top-p is named by the lab
  await page.getByTestId('run-probe-prompt').fill('the cat');
  await page.getByTestId('run-probe-max-tokens').fill('8');
  await page.getByTestId('run-probe-temperature').fill('1.2');
  await page.getByTestId('run-probe-top-k').fill('3');
  await page.getByTestId('run-probe-top-p').fill('0.9');
  await page.getByTestId('run-probe-seed').fill('4');
  await page.getByTestId('run-probe-continue').click();
  await expect(page.getByTestId('run-probe-continue-result')).toContainText('the cat');
  await expect(page.getByTestId('run-probe-continue-result')).toContainText('step 3');
  await page.getByTestId('run-probe-top-p').fill('1.5');
  await page.getByTestId('run-probe-continue').click();
  await expect(page.getByTestId('run-probe-error')).toContainText('top-p 1.5 must be above 0 and at most 1');
  await page.getByTestId('run-probe-top-p').fill('0.9');

  // ONNX: a browser download of a non-empty .onnx file, checked against the lab's forward pass
  const downloading = page.waitForEvent('download');
  await page.getByTestId('run-export-onnx').click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^run-1-step-3.*\.onnx$/);
  expect(statSync(await download.path()).size).toBeGreaterThan(1000);
  await expect(page.getByTestId('run-onnx-parity')).toContainText('onnxruntime agrees with the lab');
  await expect(page.getByTestId('run-artifacts')).toContainText('onnx');
  await shot(page, '07-run-leads-on');

  // BERT: fill the blanks, in Chinese too
  await page.evaluate('window.location.hash = "#/runs/2"');
  await expect(page.getByTestId('run-status')).toHaveText('Completed');
  const name = (await page.getByTestId('run-name').textContent()) ?? '';
  await page.getByTestId('run-probe-mask').fill('the cat [MASK] a dog');
  await page.getByTestId('run-probe-fill').click();
  await expect(page.getByTestId('run-probe-fill-result').locator('li')).toHaveCount(5);
  // the blank's best token is highlighted in the sentence (a space shows as ·, never as nothing)
  await expect(page.getByTestId('probe-filled').locator('mark')).toHaveCount(1);
  await expect(page.getByTestId('probe-filled').locator('mark')).not.toHaveText('');
  // BERT continues a prompt by filling masks one after another, with the same settings
  await page.getByTestId('run-probe-prompt').fill('a dog');
  await page.getByTestId('run-probe-max-tokens').fill('4');
  await page.getByTestId('run-probe-continue').click();
  await expect(page.getByTestId('run-probe-continue-result')).toContainText('a dog');
  await page.getByTestId('language-select').selectOption('zh-CN');
  await expect(page.getByTestId('run-try')).toContainText('试用模型');
  await shot(page, '08-run-bert-zh-CN');
  await page.getByTestId('language-select').selectOption('en');

  // compare with another run: the compare page opens with both
  await page.getByTestId('run-compare-with').selectOption('1');
  await page.getByTestId('run-compare-open').click();
  await expect(page).toHaveURL(/#\/compare\?runs=2(,|%2C)1$/);
  await expect(page.getByTestId('compare-table')).toContainText(name);

  // delete: the dialog names the run; then the runs list, without it
  await page.evaluate('window.location.hash = "#/runs/2"');
  await page.getByTestId('run-delete').click();
  await expect(page.getByTestId('run-page-delete-dialog')).toContainText(name);
  await page.getByTestId('run-page-delete-dialog').getByRole('button', { name: 'Delete' }).click();
  await expect(page).toHaveURL(/#\/runs$/);
  await expect(page.getByTestId('run-row-2')).toHaveCount(0);
  await expect(page.getByTestId('run-row-1')).toHaveCount(1);
  expect(pageErrors).toEqual([]);
});
