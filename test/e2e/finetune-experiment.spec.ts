// The one-click "pre-train + fine-tune, BERT vs GPT" experiment in a real browser: a small text to pre-train on is
// imported with the CLI; on the Fine-tuning page a person picks it and the names sample (imported by the experiment),
// tiny models, a few steps and two label budgets × two seeds, runs it, and reads the label curve and the tutorial's
// table, measured, with verdicts — in English and Chinese. Screenshots: finetune-experiment-*.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { labCli } from './lab-cli';
import { storyText } from '../unit/compare/story';
import { screenshots, useLabServer } from './lab-server';

const lab = useLabServer();
const shot = screenshots('finetune-experiment-');

test('run the pre-train + fine-tune experiment and read the label curve and the measured table (English and Chinese)', async ({ page }) => {
  // every fine-tune trains in its own job worker, one after another on a 2-core machine (8 here)
  test.setTimeout(480_000);
  const story = join(lab.home, 'story.txt');
  writeFileSync(story, storyText(120));
  labCli(lab.home, 'datasets', 'import', story, '--name', 'story', '--mode', 'paragraphs');

  await page.goto(lab.url);
  await page.getByTestId('language-select').selectOption('en');
  await page.getByTestId('nav-finetune').click();
  const panel = page.getByTestId('finetune-experiment');
  await expect(panel.getByRole('heading', { name: 'Pre-train + fine-tune, BERT vs GPT (one click)' })).toBeVisible();
  await page.getByTestId('fx-pretrain').selectOption('story');
  await page.getByTestId('fx-task').selectOption('names');

  // a label budget larger than a class: refused before any training
  await page.getByTestId('fx-labels').fill('100000');
  await page.getByTestId('fx-start').click();
  await expect(page.getByTestId('fx-error')).toContainText('A label budget of 100000 per class is larger than class');

  await page.getByTestId('fx-labels').fill('8');
  await page.getByTestId('fx-seeds').fill('2');
  // the form starts at the default recipe (tiny, 6,000 steps, swept); a 20-step run without the sweep stays quick
  await expect(page.getByTestId('fx-preset')).toHaveValue('tiny');
  await expect(page.getByTestId('fx-steps')).toHaveValue('6000');
  await expect(page.getByTestId('fx-lr-sweep')).toBeChecked();
  await page.getByTestId('fx-steps').fill('20');
  await page.getByTestId('fx-lr-sweep').uncheck();
  await page.getByTestId('fx-epochs').fill('1');
  // the mean-Word2Vec baseline is on by default, as in the CLI
  await expect(page.getByTestId('fx-word2vec')).toBeChecked();
  await page.getByTestId('fx-start').click();
  await expect(page.getByTestId('fx-status')).toContainText('pre-trained on "story" (tiny, 20 steps, 2 seed(s))');
  // what recipe each side got, and why BERT's masks more (tiny: 40%)
  await expect(page.getByTestId('fx-recipe')).toContainText('GPT: learning rate 3e-3, warm-up 2 steps, 20 steps of 16 × 64 tokens');
  await expect(page.getByTestId('fx-recipe')).toContainText('it masks 40% of the tokens');
  await expect(page.getByTestId('fx-recipe')).toContainText('Why BERT\'s recipe differs');
  await expect(page.getByTestId('fx-recipe')).toContainText('These are not the defaults (tiny preset, 6,000 steps');
  await expect(page.getByTestId('fx-status')).toContainText('Completed', { timeout: 400_000 });

  await expect(page.getByTestId('fx-curve').locator('canvas')).toBeVisible();
  await expect(page.getByTestId('fx-curve-table').locator('tbody tr')).toHaveCount(6);
  await expect(page.getByTestId('fx-curve-table')).toContainText('Mean Word2Vec + LR');
  const table = page.getByTestId('fx-table');
  await expect(table.locator('tbody tr')).toHaveCount(5);
  await expect(page.getByTestId('fx-row-bidirectional')).toContainText('BERT fill-in top-1, both sides');
  await expect(page.getByTestId('fx-row-objective')).toContainText('As built.');
  await expect(page.getByTestId('fx-row-understanding')).toContainText(/Supports the tutorial|Contradicts the tutorial|No clear difference/);
  await page.getByTestId('fx-curve').scrollIntoViewIfNeeded();
  await shot(page, 'curve-en');
  await table.scrollIntoViewIfNeeded();
  await shot(page, 'table-en');

  await page.getByTestId('language-select').selectOption('zh-CN');
  await expect(panel.getByRole('heading', { name: '预训练 + 微调：BERT 对比 GPT（一键运行）' })).toBeVisible();
  await expect(page.getByTestId('fx-row-objective')).toContainText('按实现如此。');
  await expect(page.getByTestId('fx-status')).toContainText('已完成');
  await expect(page.getByTestId('fx-recipe')).toContainText('两侧各自的预训练配方');
  await page.getByTestId('fx-curve').scrollIntoViewIfNeeded();
  await shot(page, 'curve-zh-CN');
  await table.scrollIntoViewIfNeeded();
  await shot(page, 'table-zh-CN');
});
