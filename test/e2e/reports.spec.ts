// Reports in a real browser: a tiny measured BERT-vs-GPT experiment and an imported TensorBoard run prepared by the
// CLI; the report is built from the experiment page, an attention heatmap is pinned into it, HTML and PDF are exported
// from the builder, the HTML is opened from disk with the network blocked and the PDF pages turned into PNGs — in
// English and Chinese. Screenshots: reports-*.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { labCli } from './lab-cli';
import { screenshots, useLabServer } from './lab-server';

const lab = useLabServer();
const shot = screenshots('reports-');
const SHOTS = join('test-results', 'screenshots');

function corpus(): string {
  const words = ['the cat sees a dog', 'a dog sees the cat', 'to be or not to be', 'the king calls a bird'];
  return Array.from({ length: 60 }, (_, i) => `${words[i % 4]}, ${words[(i * 3 + 1) % 4]}.`).join('\n\n');
}

/** The PDF's pages as PNGs beside the screenshots (poppler's pdftoppm), so a person can look at them. */
function pdfPages(pdf: string, name: string): string[] {
  mkdirSync(SHOTS, { recursive: true });
  execFileSync('pdftoppm', ['-png', '-r', '60', '-l', '3', pdf, join(SHOTS, `reports-${name}-page`)]);
  return readdirSync(SHOTS).filter((f) => f.startsWith(`reports-${name}-page`));
}

/** Opens an exported HTML report from file:// in a fresh context that blocks every request leaving the page. */
async function openFromDisk(page: Page, file: string, name: string): Promise<{ outside: string[]; errors: string[] }> {
  const context = await page.context().browser()!.newContext({ viewport: { width: 1200, height: 900 } });
  const outside: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:') || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    outside.push(url);
    return route.abort();
  });
  const disk = await context.newPage();
  const errors: string[] = [];
  disk.on('pageerror', (e) => errors.push(e.message));
  disk.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await disk.goto(pathToFileURL(file).href);
  await expect(disk.locator('body')).toHaveAttribute('data-charts-ready', /[1-9]/);
  await expect(disk.locator('figure.pinned img')).toBeVisible();
  await shot(disk, name);
  await context.close();
  return { outside, errors };
}

test.beforeAll(() => {
  const home = lab.home;
  const file = join(home, 'reports-e2e.txt');
  writeFileSync(file, corpus());
  labCli(home, 'datasets', 'import', file, '--name', 'reports-e2e', '--mode', 'paragraphs');
  labCli(home, 'compare', '--dataset', 'reports-e2e', '--preset', 'tiny', '--steps', '12', '--seeds', '1', '--tokenizer-kind', 'char', '--positions', '10');
  labCli(home, 'runs', 'import-external', resolve('test/fixtures/tensorboard/golden'), '--name', 'pytorch-script');
});

test('build a report from an experiment, pin an attention heatmap, export HTML and PDF (English and Chinese)', async ({ page }) => {
  test.setTimeout(170_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(lab.url);
  await page.getByTestId('language-select').selectOption('en');

  // the external run sits in the runs table, marked, and overlays the lab's runs on the compare page
  await page.getByTestId('nav-runs').click();
  await expect(page.locator('[data-testid^="run-external-"]')).toHaveText('external');

  // experiment page → Build report → the builder
  await page.getByTestId('nav-experiments').click();
  await page.getByRole('link', { name: /reports-e2e/ }).first().click();
  await page.getByTestId('build-report').click();
  await expect(page.getByTestId('report-page')).toBeVisible();
  await expect(page.getByTestId('report-preview')).toBeVisible();
  const reportUrl = page.url();
  await page.getByTestId('section-toggle-setup').uncheck();
  await page.getByTestId('section-up-notes').click();
  await page.getByTestId('report-notes').fill('## Findings\n\nGPT and BERT after **12 steps**: both still near the start.');
  await page.getByTestId('report-save').click();
  await expect(page.getByTestId('report-save')).toBeEnabled();

  // attention explorer → pin the GPT heatmap into this report
  await page.getByTestId('nav-attention').click();
  const gpt = await page.getByTestId('attention-run').locator('option', { hasText: 'gpt' }).first().getAttribute('value');
  await page.getByTestId('attention-run').selectOption(gpt as string);
  await page.getByTestId('attention-text').fill('the cat sees a dog');
  await page.getByTestId('attention-go').click();
  await expect(page.getByTestId('heatmap').locator('canvas')).toBeVisible();
  await page.getByTestId('pin-attention-heatmap').click();
  await expect(page.getByTestId('pin-dialog')).toBeVisible();
  await shot(page, 'pin-dialog');
  await page.getByTestId('pin-confirm').click();
  await expect(page.getByRole('status')).toContainText('Pinned to');
  await page.getByTestId('pin-open-report').click();
  await expect(page.locator('[data-testid^="figure-"]')).toHaveCount(1);

  // export HTML and PDF from the builder
  await page.getByTestId('report-export-html').click();
  await expect(page.getByTestId('report-exported-html')).toContainText('.html');
  await page.getByTestId('report-export-pdf').click();
  await expect(page.getByTestId('report-exported-pdf')).toContainText('Printed by', { timeout: 60_000 });
  await page.getByTestId('report-refresh').click();
  await expect(page.frameLocator('[data-testid="report-preview"]').locator('figure.pinned img')).toBeVisible();
  await shot(page, 'builder-en');

  const exportedPath = async (format: string): Promise<string> => {
    const text = (await page.getByTestId(`report-exported-${format}`).textContent()) ?? '';
    return /Wrote (.+?\.\w+) \(/.exec(text)?.[1] ?? /写入 (.+?\.\w+)（/.exec(text)?.[1] ?? '';
  };
  const htmlEn = await exportedPath('html');
  const pdfEn = await exportedPath('pdf');
  copyFileSync(pdfEn, join(lab.home, 'en.pdf'));
  const en = await openFromDisk(page, htmlEn, 'html-from-disk-en');
  expect(en.outside).toEqual([]);
  expect(en.errors).toEqual([]);
  expect(pdfPages(join(lab.home, 'en.pdf'), 'pdf-en').length).toBeGreaterThan(0);

  // the same report in Chinese: UI and report language
  await page.goto(reportUrl);
  await page.getByTestId('language-select').selectOption('zh-CN');
  await page.getByTestId('report-lang').selectOption('zh-CN');
  await page.getByTestId('report-save').click();
  await page.getByTestId('report-export-html').click();
  await expect(page.getByTestId('report-exported-html')).toContainText('.html');
  await page.getByTestId('report-export-pdf').click();
  await expect(page.getByTestId('report-exported-pdf')).toContainText('打印', { timeout: 60_000 });
  await page.getByTestId('report-refresh').click();
  await expect(page.frameLocator('[data-testid="report-preview"]').locator('h2', { hasText: '摘要' })).toBeVisible();
  await shot(page, 'builder-zh-CN');
  const zh = await openFromDisk(page, await exportedPath('html'), 'html-from-disk-zh-CN');
  expect(zh.outside).toEqual([]);
  expect(zh.errors).toEqual([]);
  expect(pdfPages(await exportedPath('pdf'), 'pdf-zh-CN').length).toBeGreaterThan(0);

  // the reports list
  await page.getByTestId('nav-reports').click();
  await expect(page.getByTestId('reports-table')).toContainText('PDF');
  await shot(page, 'list-zh-CN');
  expect(pageErrors).toEqual([]);
});
