// PyTorch DDP export and import in a real browser: a tiny GPT run trained by the CLI is exported from its run page
// (the dialog, then the commands), the export's own launch_cpu.sh trains it on 2 CPU ranks (gloo), and the Runs page's
// "Import from PyTorch" brings it back: the external run's page says where it trained and compares it with the run it
// came from. In English and Chinese. Screenshots: scale-*.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { labCli } from './lab-cli';
import { screenshots, useLabServer } from './lab-server';

const lab = useLabServer();
const shot = screenshots('scale-');
const PYTHON = process.env.ATTENTION_LAB_PYTHON ?? '/usr/bin/python3';

function corpus(): string {
  const words = ['the cat sees a dog', 'a dog sees the cat', 'to be or not to be', 'the king calls a bird'];
  return Array.from({ length: 60 }, (_, i) => `${words[i % 4]}, ${words[(i * 3 + 1) % 4]}.`).join('\n\n');
}

let runId = 0;
test.beforeAll(() => {
  const home = lab.home;
  const file = join(home, 'scale-e2e.txt');
  writeFileSync(file, corpus());
  labCli(home, 'datasets', 'import', file, '--name', 'scale-e2e', '--mode', 'paragraphs');
  const out = JSON.parse(labCli(home, 'train', '--dataset', 'scale-e2e', '--model', 'gpt', '--steps', '12', '--batch-size', '4',
    '--eval-every', '6', '--checkpoint-every', '6', '--threads', '1', '--name', 'tiny-gpt', '--json')) as { runId: number };
  runId = out.runId;
});

test('export a run for PyTorch DDP, train it on 2 CPU ranks, import it back and compare (English and Chinese)', async ({ page }) => {
  test.setTimeout(170_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const dir = join(lab.home, 'torch-export');
  await page.goto(lab.url);
  await page.getByTestId('language-select').selectOption('en');

  // run page → Export for a cluster → the dialog
  await page.goto(`${lab.url}#/runs/${runId}`);
  await expect(page.getByTestId('run-name')).toHaveText('tiny-gpt');
  await page.getByTestId('torch-export-open').click();
  await expect(page.getByTestId('torch-export-dialog')).toBeVisible();
  await page.getByTestId('torch-export-out').fill(dir);
  await shot(page, 'export-dialog');
  await page.getByTestId('torch-export-dialog-confirm').click();
  const result = page.getByTestId('torch-export-result');
  await expect(result).toContainText(dir);
  await expect(result).toContainText('step 12');
  await expect(page.getByTestId('torch-cmd-cpu')).toContainText('launch_cpu.sh');
  await expect(page.getByTestId('torch-cmd-import')).toContainText(`attention-lab runs import-torch ${dir}`);
  await shot(page, 'export-result');

  // the same folder again is refused with a sentence that says what to do
  await page.getByTestId('torch-export-open').click();
  await page.getByTestId('torch-export-out').fill(dir);
  await page.getByTestId('torch-export-dialog-confirm').click();
  await expect(page.getByTestId('torch-export-error')).toContainText('already exists and is not empty');
  await page.getByTestId('torch-export-dialog-cancel').click();

  // the export's own two-rank CPU launcher (the torchrun variables set per rank, gloo)
  const slug = `${runId}-tiny-gpt`;
  const trained = spawnSync('bash', [join(dir, 'runs', slug, 'launch_cpu.sh'), '--threads', '1'], { encoding: 'utf8', timeout: 150_000, env: { ...process.env, PYTHON, RANKS: '2' } });
  expect(trained.status, `${trained.stdout}\n${trained.stderr}`).toBe(0);

  // Runs page → Import from PyTorch: a folder that is no export first, then the export
  await page.getByTestId('nav-runs').click();
  await page.getByTestId('torch-import-open').click();
  await page.getByTestId('torch-import-dir').fill(lab.home);
  await page.getByTestId('torch-import-dialog-confirm').click();
  await expect(page.getByTestId('torch-import-error')).toContainText('is not a PyTorch export');
  await page.getByTestId('torch-import-dir').fill(dir);
  await shot(page, 'import-dialog');
  await page.getByTestId('torch-import-dialog-confirm').click();
  const imported = page.getByTestId('torch-import-result');
  await expect(imported).toContainText('Imported 1 run(s) from PyTorch');
  await expect(imported).toContainText('2 rank(s)');
  await expect(imported).toContainText('gloo');
  await shot(page, 'import-result');

  // the imported run: where it trained, and its curve over the local run's
  await imported.getByRole('link', { name: /tiny-gpt \(PyTorch DDP/ }).click();
  await expect(page.getByTestId('run-origin')).toBeVisible();
  await expect(page.getByTestId('run-origin-engine')).toContainText('DDP · 2 rank(s) · gloo · fp32');
  await shot(page, 'imported-run');
  await page.getByTestId('run-origin-compare').click();
  await expect(page).toHaveURL(new RegExp(`runs=${runId}%2C|runs=${runId},`));
  await expect(page.locator('canvas').first()).toBeVisible();
  await shot(page, 'compare');

  // Chinese: the run page's export dialog and the imported run's card
  await page.getByTestId('language-select').selectOption('zh-CN');
  await page.goto(`${lab.url}#/runs/${runId}`);
  await page.getByTestId('torch-export-open').click();
  await expect(page.getByTestId('torch-export-dialog')).toContainText('PyTorch DDP');
  await shot(page, 'export-dialog-zh');
  await page.getByTestId('torch-export-dialog-cancel').click();
  await page.getByTestId('nav-runs').click();
  await page.getByTestId('torch-import-open').click();
  await shot(page, 'import-dialog-zh');
  expect(pageErrors).toEqual([]);
});
