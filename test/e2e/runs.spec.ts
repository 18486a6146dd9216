// The BERT-vs-GPT flow in a real browser: import a small text, start a comparison from the wizard, watch both curves
// grow live, stop one run and see its status, resume it, read the measured comparison table, probe both models, and
// tag, note and compare the runs, open one run's page — with screenshots (runs-*) at each stage.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import Database from 'better-sqlite3';
import { screenshots, useLabServer } from './lab-server';

// this spec's own server and lab home: no spec depends on what another one stored
const lab = useLabServer();
const shot = screenshots('runs-');

/**
 * About 8 KB of English about attention, one paragraph per blank-line block, built from a few sentence patterns so a
 * tiny model has something learnable within a few dozen steps.
 */
function attentionText(): string {
  const subjects = ['the model', 'a head', 'the encoder', 'the decoder', 'each token', 'the query'];
  const verbs = ['attends to', 'looks at', 'weighs', 'reads', 'mixes', 'scores'];
  const objects = ['every key', 'the values', 'the context', 'the previous words', 'the whole sentence', 'its neighbours'];
  const paragraphs: string[] = [];
  for (let p = 0; p < 40; p += 1) {
    const sentences: string[] = [];
    for (let s = 0; s < 5; s += 1) {
      const i = p * 5 + s;
      sentences.push(`${subjects[i % 6]} ${verbs[(i * 7) % 6]} ${objects[(i * 5 + p) % 6]}.`);
    }
    paragraphs.push(sentences.join(' '));
  }
  return `${paragraphs.join('\n\n')}\n`;
}

/** Resolves after the page has painted twice (so pending chart work is on screen); a string, as this file has no DOM types. */
async function twoFrames(page: Page): Promise<void> {
  await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
}

/** The step a run card's progress label shows ("Step 12 of 40" → 12). */
async function stepOf(card: Locator): Promise<number> {
  const label = await card.getByTestId('progress').locator('.label span').first().innerText();
  // "Step 1,234 of 4,000": drop the thousands separators before splitting, or 1,234 reads as 1
  return Number(label.replace(/,/g, '').replace(/[^\d ]/g, ' ').trim().split(/\s+/)[0]);
}

test('BERT vs GPT: wizard, live curves, stop and resume, comparison table, probe, compare', async ({ page }) => {
  test.setTimeout(480_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));

  await page.goto(lab.url);
  await page.getByTestId('language-select').selectOption('en');

  // A small dataset imported through the UI, one document per paragraph.
  const dir = mkdtempSync(join(tmpdir(), 'attention-lab-e2e-runs-'));
  const file = join(dir, 'attention-talk.txt');
  writeFileSync(file, attentionText());
  await page.getByTestId('nav-datasets').click();
  await page.getByTestId('import-open').click();
  await page.getByTestId('import-file').setInputFiles(file);
  await expect(page.getByTestId('import-inspection')).toBeVisible();
  await page.getByTestId('import-mode-paragraphs').check();
  await page.getByTestId('import-submit').click();
  await expect(page.getByTestId('dataset-name')).toHaveText('attention-talk');

  // The wizard: tiny preset, 2000 steps per run, one seed; the automatic character tokenizer is shared by both. The
  // budget must outlast the checks below before GPT is stopped (800 steps once took ~4 s, and GPT completed before the
  // stop button was clicked), yet leave time for both runs to finish: 4000 steps of BERT took 75 s on a quiet machine
  // here and more than 180 s on CI's (21 steps/s), which failed this spec twice.
  await page.getByTestId('nav-experiments').click();
  await page.getByTestId('wizard-open').click();
  await page.getByTestId('train-dataset').selectOption({ label: 'attention-talk' });
  await page.getByTestId('train-tokenizer-kind').selectOption('char');
  await page.getByTestId('wizard-preset').selectOption('tiny');
  await page.getByTestId('wizard-budget-steps').check();
  await page.getByTestId('wizard-budget-value').fill('2000');
  // No learning-rate sweep here: it trains candidate models before step 1 (tens of seconds on a loaded machine), and
  // this flow checks live progress, stop and resume; the sweep has its own test (test/unit/ml/baseline-sweep.test.ts).
  await page.getByTestId('wizard-lr-sweep').uncheck();
  await expect(page.getByTestId('wizard-sizes')).toContainText('2 layers');
  await shot(page, '01-wizard');
  await page.getByTestId('wizard-submit').click();

  // Both runs exist; GPT trains first (one job at a time on two cores) and its curve and step grow live.
  await expect(page.getByTestId('experiment-page')).toBeVisible();
  const gpt = page.locator('[data-testid^="experiment-run-gpt-"]');
  const bert = page.locator('[data-testid^="experiment-run-bert-"]');
  await expect(gpt).toHaveCount(1);
  await expect(bert).toHaveCount(1);
  await expect(gpt.getByTestId('run-status')).toHaveText('Running', { timeout: 60_000 });
  await expect.poll(() => stepOf(gpt), { timeout: 60_000 }).toBeGreaterThan(2);
  const early = await stepOf(gpt);
  await expect(page.getByTestId('experiment-chart-train/loss').locator('canvas')).toBeVisible();
  await expect.poll(() => stepOf(gpt), { timeout: 60_000 }).toBeGreaterThan(early);
  await shot(page, '02-gpt-live');

  // Stop GPT mid-run: it says Stopped, and BERT, queued behind it, starts and grows live too.
  await gpt.locator('[data-testid^="run-stop-"]').click();
  await expect(gpt.getByTestId('run-status')).toHaveText('Stopped', { timeout: 60_000 });
  await expect(bert.getByTestId('run-status')).toHaveText('Running', { timeout: 60_000 });
  await expect.poll(() => stepOf(bert), { timeout: 60_000 }).toBeGreaterThan(2);
  await shot(page, '03-gpt-stopped-bert-live');

  // Resume GPT from its checkpoint; once both complete the lab measures them and the table appears.
  await gpt.locator('[data-testid^="run-resume-"]').click();
  // queued again, its card no longer carries the stop's note
  await expect(gpt).not.toContainText('Stopped on request', { timeout: 30_000 });
  await expect(bert.getByTestId('run-status')).toHaveText('Completed', { timeout: 180_000 });
  await expect(gpt.getByTestId('run-status')).toHaveText('Completed', { timeout: 180_000 });
  const table = page.getByTestId('comparison-table');
  await expect(table).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId('comparison-row-fill.token.top1')).toContainText('%');
  await expect(page.getByTestId('comparison-row-continue.perplexity')).toBeVisible();
  await expect(page.getByTestId('continuations')).toBeVisible();
  await shot(page, '04-comparison-table');
  // The same table in Chinese: the lab sends keys and numbers, so labels, descriptive cells and verdicts all follow the UI language.
  await page.getByTestId('language-select').selectOption('zh-CN');
  const fillRow = page.getByTestId('comparison-row-fill.token.top1');
  await expect(fillRow.locator('th')).toHaveText('完形填空：单个词元，top-1 准确率');
  await expect(fillRow.locator('td.verdict')).toHaveText(/(更好，领先|没有明显差别)/);
  await expect(page.getByTestId('comparison-row-about.direction')).toContainText('从左到右（因果注意力掩码）');
  await expect(page.getByTestId('comparison-row-summary.strengths').locator('td.verdict')).toContainText('在这份数据上');
  await expect(table).not.toContainText(/did better|No clear difference|Training objective|favoured/);
  await table.scrollIntoViewIfNeeded();
  await shot(page, '04-comparison-table-zh-CN');
  await page.getByTestId('language-select').selectOption('en');
  await expect(fillRow.locator('th')).toHaveText('Fill in the blank: single token, top-1 accuracy');
  const sizes = { gpt: (await gpt.innerText()).match(/([\d,]+) parameters/)?.[1], bert: (await bert.innerText()).match(/([\d,]+) parameters/)?.[1] };
  expect(sizes.gpt).toBeTruthy();

  // The probe: a blank filled by both models, and a prompt continued by both.
  await page.getByTestId('probe-mask-input').fill('the model attends to [MASK]very key.');
  await page.getByTestId('probe-fill').click();
  await expect(page.getByTestId('probe-fill-gpt').locator('li').first()).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('probe-fill-bert').locator('li')).toHaveCount(5);
  await page.getByTestId('probe-prompt-input').fill('the encoder ');
  await page.getByTestId('probe-continue').click();
  await expect(page.getByTestId('probe-continue-gpt')).toContainText('the encoder', { timeout: 60_000 });
  await expect(page.getByTestId('probe-continue-bert')).toBeVisible();
  await page.getByTestId('probe').scrollIntoViewIfNeeded();
  await shot(page, '05-probe');

  // The runs table lists both; a tag and a note on GPT, and the tag filter finds it alone.
  await page.getByTestId('nav-runs').click();
  await expect(page.getByTestId('runs-table')).toContainText('attention-talk');
  const gptRow = page.locator('[data-testid^="run-row-"]', { hasText: 'attention-talk-gpt' });
  await gptRow.getByTestId('run-tag-input').fill('baseline');
  await gptRow.getByTestId('run-tag-input').press('Enter');
  await expect(gptRow.getByTestId('run-tags')).toContainText('baseline');
  await gptRow.getByTestId('run-notes-edit').click();
  await page.getByTestId('run-notes-input').fill('stopped once at about a quarter, then resumed');
  await page.getByTestId('notes-dialog-confirm').click();
  await expect(gptRow.getByTestId('run-notes')).toContainText('stopped once');
  await page.getByTestId('filter-tag').selectOption('baseline');
  await expect(page.getByTestId('runs-count')).toContainText('1 of 2');
  await page.getByTestId('filter-tag').selectOption('');
  // Delete asks first; cancelling keeps the run.
  await gptRow.locator('[data-testid^="run-delete-"]').click();
  await expect(page.getByTestId('run-delete-dialog')).toContainText('attention-talk-gpt');
  await page.getByTestId('run-delete-dialog-cancel').click();
  await expect(page.getByTestId('runs-count')).toContainText('2 of 2');
  await page.getByTestId('runs-select-all').check();
  await shot(page, '06-runs-table');
  await page.getByTestId('compare-selected').click();
  await expect(page.getByTestId('compare-page')).toBeVisible();
  await expect(page.getByTestId('metric-chart-train/loss').locator('canvas')).toBeVisible();
  await expect(page.getByTestId('compare-table')).toContainText('val/loss');
  await page.getByTestId('compare-x').selectOption('tokens');
  await page.getByTestId('compare-logy').check();
  await shot(page, '07-compare');

  // The GPT run's own page: its curves, evaluation samples over time, system figures and checkpoints.
  await page.getByRole('link', { name: 'attention-talk-gpt-tiny-seed1337' }).first().click();
  await expect(page.getByTestId('run-name')).toHaveText('attention-talk-gpt-tiny-seed1337');
  await expect(page.getByTestId('metric-chart-val/loss').locator('canvas')).toBeVisible();
  await expect(page.getByTestId('run-sample').first()).toBeVisible();
  await expect(page.getByTestId('run-artifacts')).toContainText('checkpoint');
  await expect(page.getByTestId('run-backend')).not.toContainText('—');
  await shot(page, '08-run-page');

  // The same page in Chinese.
  await page.getByTestId('language-select').selectOption('zh-CN');
  await expect(page.getByTestId('nav-runs')).toHaveText('训练运行');
  await expect(page.getByTestId('run-status')).toHaveText('已完成');
  await shot(page, '09-run-page-zh-CN');
  await page.getByTestId('language-select').selectOption('en');

  // One run from the New-run form (BERT, 60 steps, reusing the dataset's character tokenizer) trains to the end.
  await page.getByTestId('nav-runs').click();
  await page.getByTestId('new-run-open').click();
  await page.getByTestId('train-dataset').selectOption({ label: 'attention-talk' });
  await page.getByTestId('train-family').selectOption('bert');
  await page.getByTestId('train-steps').fill('60');
  await page.getByTestId('train-seed').fill('7');
  await page.getByTestId('train-name').fill('single-bert');
  await page.getByTestId('train-submit').click();
  await expect(page.getByTestId('run-name')).toHaveText('single-bert');
  await expect(page.getByTestId('run-status')).toHaveText('Completed', { timeout: 60_000 });

  // Archiving hides it from the table until archived runs are shown.
  await page.getByTestId('nav-runs').click();
  await expect(page.getByTestId('runs-count')).toContainText('3 of 3');
  await page.locator('[data-testid^="run-row-"]', { hasText: 'single-bert' }).locator('[data-testid^="run-archive-"]').click();
  await expect(page.getByTestId('runs-count')).toContainText('2 of 2');
  await page.getByTestId('include-archived').check();
  await expect(page.getByTestId('runs-count')).toContainText('3 of 3');

  // The wizard, now that the dataset's character tokenizer exists, shows the sizes the lab created before creating.
  await page.getByTestId('nav-experiments').click();
  await page.getByTestId('wizard-open').click();
  await page.getByTestId('train-dataset').selectOption({ label: 'attention-talk' });
  await page.getByTestId('train-tokenizer-kind').selectOption('char');
  await expect(page.getByTestId('wizard-gpt-params')).toHaveText(sizes.gpt as string);
  await expect(page.getByTestId('wizard-bert-params')).toHaveText(sizes.bert as string);

  expect(pageErrors).toEqual([]);
});

/**
 * Writes `runs` completed runs straight into the lab's SQLite file (the server reads the same WAL database): 20
 * learning rates × 5 seeds, each with a 10,000-step train/loss curve and a 100-point val/loss curve, in one transaction.
 */
function seedManyRuns(home: string, runs: number, steps: number): number[] {
  const db = new Database(join(home, 'lab.sqlite'));
  db.pragma('busy_timeout = 10000');
  const insertRun = db.prepare(`INSERT INTO runs (name, family, config_json, seed, status, step, total_steps, tokens_seen, created_at, started_at, finished_at)
    VALUES (?, 'gpt', ?, ?, 'completed', ?, ?, ?, ?, ?, ?)`);
  const insertPoint = db.prepare('INSERT INTO metrics (run_id, key, step, value, time) VALUES (?, ?, ?, ?, ?)');
  const ids: number[] = [];
  const start = Date.now() / 1000 - 3600;
  db.transaction(() => {
    for (let r = 0; r < runs; r += 1) {
      const lr = 0.0005 * (1 + (r % 20));
      const seed = 1000 + Math.floor(r / 20);
      const config = { preset: 'tiny', model: { nLayer: 2, nHead: 2, dModel: 64, contextLength: 64, seed }, training: { steps, batchSize: 16, lr, seed } };
      const iso = new Date(start * 1000).toISOString();
      const id = Number(insertRun.run(`synthetic-lr${lr.toFixed(4)}-s${seed}`, JSON.stringify(config), seed, steps, steps, steps * 1024, iso, iso, iso).lastInsertRowid);
      ids.push(id);
      for (let s = 1; s <= steps; s += 1) {
        // a decaying loss whose speed depends on the learning rate, with seed-dependent wiggle
        const loss = 0.3 + 3 * Math.exp((-s * lr) / 2) + 0.05 * Math.sin(s * 0.37 + seed);
        insertPoint.run(id, 'train/loss', s, loss, start + s * 0.05);
        if (s % 100 === 0) insertPoint.run(id, 'val/loss', s, loss + 0.1, start + s * 0.05);
      }
    }
  })();
  db.close();
  return ids;
}

test('Compare stays responsive with 100 runs × 10,000 points each', async ({ page }) => {
  test.setTimeout(420_000);
  const ids = seedManyRuns(lab.home, 100, 10_000);
  const url = lab.url;
  await page.goto(url);
  await page.getByTestId('language-select').selectOption('en');

  // From navigation to every chart drawn and the summary table filled: the series arrive downsampled.
  const t0 = Date.now();
  await page.goto(`${url.split('?')[0]}#/compare?runs=${ids.join(',')}`);
  await expect(page.getByTestId('metric-chart-train/loss').locator('canvas')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('metric-chart-val/loss').locator('canvas')).toBeVisible();
  await expect(page.getByTestId('compare-table').locator('tbody tr')).toHaveCount(100);
  await expect(page.getByTestId('compare-loading')).toHaveCount(0, { timeout: 60_000 });
  await twoFrames(page);
  const loadMs = Date.now() - t0;
  // A gross ceiling only (a hang, or series sent whole instead of downsampled): the speed itself is a benchmark's
  // business, and this machine's wall clock swings 5x with load (52 s measured at load 14, ~8 s when quiet).
  expect(loadMs).toBeLessThan(150_000);

  // Changing the view redraws every chart (100 runs grouped into 20 seed bands) and the page answers promptly.
  const t1 = Date.now();
  await page.getByTestId('compare-x').selectOption('tokens');
  await page.getByTestId('compare-logy').check();
  await page.getByTestId('compare-group-seeds').uncheck();
  await twoFrames(page);
  const redrawMs = Date.now() - t1;
  expect(redrawMs).toBeLessThan(60_000);
  await page.getByTestId('compare-group-seeds').check();
  await shot(page, '10-compare-100-runs');
  console.log(`Compare with 100 runs × 10,000 points: loaded in ${loadMs} ms, redrawn in ${redrawMs} ms.`);
});
