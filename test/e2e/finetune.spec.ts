// Fine-tuning in a real browser: the names sample and a tiny BERT pre-trained on it are prepared with the CLI; on the
// Fine-tuning page a person fine-tunes the BERT with a label budget, runs the TF-IDF + logistic-regression baseline
// on the same labels, compares them in the table and the macro-F1 bars, and opens the fine-tune's report (confusion
// matrix, misclassified names) — in English and Chinese. Screenshots: finetune-*.
import { expect, test } from '@playwright/test';
import { labCli } from './lab-cli';
import { screenshots, useLabServer } from './lab-server';

const lab = useLabServer();
const shot = screenshots('finetune-');

test('fine-tune a pre-trained BERT, run the baseline, read the report (English and Chinese)', async ({ page }) => {
  labCli(lab.home, 'datasets', 'import-sample', 'names');
  labCli(lab.home, 'datasets', 'split', 'First names', '--train', '0.8', '--validation', '0.1', '--test', '0.1', '--seed', '42');
  labCli(lab.home, 'train', '--dataset', 'First names', '--model', 'bert', '--steps', '40', '--batch-size', '8', '--threads', '1', '--name', 'names-bert');

  await page.goto(lab.url);
  await page.getByTestId('language-select').selectOption('en');
  await page.getByTestId('nav-finetune').click();
  await expect(page.getByRole('heading', { name: 'Fine-tune a pre-trained run' })).toBeVisible();
  await expect(page.getByTestId('finetune-parent')).toContainText('names-bert');
  await expect(page.getByTestId('finetune-dataset')).toContainText('First names (female / male)');
  await shot(page, 'empty-en');

  // a label budget larger than a class has: the service's sentence, nothing recorded
  await page.getByTestId('finetune-labels').fill('100000');
  await page.getByTestId('finetune-start').click();
  await expect(page.getByTestId('finetune-error')).toContainText('A label budget of 100000 per class is larger than class "female" has');
  await expect(page.getByText('Nothing yet. Start a fine-tune or run the baseline above.')).toBeVisible();

  await page.getByTestId('finetune-labels').fill('64');
  await page.getByTestId('finetune-epochs').fill('6');
  await page.getByTestId('finetune-start').click();
  await expect(page.getByTestId('finetune-message')).toContainText('Fine-tune First names-bert-finetune-64 started.');
  const table = page.getByTestId('finetune-table');
  await expect(table).toContainText('BERT · pre-trained');
  await expect(table).toContainText('Completed', { timeout: 120_000 });

  await page.getByTestId('baseline-analyzer').selectOption('char_wb');
  await page.getByTestId('baseline-run').click();
  await expect(page.getByTestId('finetune-message')).toContainText('Baseline First names-tfidf-logreg-64: macro-F1');
  await expect(table).toContainText('TF-IDF + LR');
  await expect(page.getByTestId('finetune-chart').locator('.bar-row')).toHaveCount(2);

  await table.getByText('First names-bert-finetune-64').locator('xpath=ancestor::tr').click();
  const report = page.getByTestId('finetune-report');
  await expect(report).toContainText('Report of First names-bert-finetune-64');
  await expect(report).toContainText('on the test split (885 examples)');
  await expect(page.getByTestId('report-confusion').locator('tbody tr')).toHaveCount(2);
  await expect(page.getByTestId('report-misclassified').locator('li').first()).toContainText('predicted');
  await shot(page, 'report-en');

  await page.getByTestId('language-select').selectOption('zh-CN');
  await expect(page.getByRole('heading', { name: '微调一个预训练运行' })).toBeVisible();
  await expect(report).toContainText('混淆矩阵');
  await expect(table).toContainText('预训练后微调');
  await expect(table).toContainText('已完成');
  await expect(page.getByTestId('finetune-message')).toContainText('基线 First names-tfidf-logreg-64：宏平均 F1');
  await shot(page, 'report-zh-CN');

  // the run's own page: its lineage (the pre-trained parent) and its live curves (val/macro_f1 among them)
  await page.getByTestId('language-select').selectOption('en');
  await table.getByRole('link', { name: 'First names-bert-finetune-64' }).click();
  await expect(page.getByTestId('run-parent')).toHaveText(/fine-tuned from run \d+/);
  await expect(page.getByTestId('run-name')).toHaveText('First names-bert-finetune-64');
  await shot(page, 'run-en');

  // a misclassified example opens in the attention explorer on the fine-tuned model, analysed at once
  await page.goBack();
  await table.getByText('First names-bert-finetune-64').locator('xpath=ancestor::tr').click();
  const wrong = page.getByTestId('report-misclassified').locator('li').first();
  const name = (await wrong.locator('.text').innerText()).trim();
  await wrong.getByTestId('report-explore').click();
  await expect(page.getByTestId('attention-page')).toBeVisible();
  await expect(page.getByTestId('attention-text')).toHaveValue(name);
  await expect(page.getByTestId('attention-run').locator('option:checked')).toContainText('First names-bert-finetune-64 (BERT classifier');
  await expect(page.getByTestId('heatmap').locator('canvas')).toBeVisible();
  await shot(page, 'explore-en');
});
