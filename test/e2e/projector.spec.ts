// The embedding projector in a real browser on real runs: tiny GPT and BERT models trained by the CLI in the served
// lab home; the GPT token table projected with PCA, UMAP (the layout streams in) and t-SNE in 3D, a point clicked on
// the canvas and its neighbours read, search, an analogy drawn as arrows, BERT's table compared side by side, the
// checkpoint slider, a bookmark, a PNG export, BERT's contextual vectors, and the page in Chinese — with screenshots
// (projector-*) of each view.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { labCli } from './lab-cli';
import { screenshots, useLabServer } from './lab-server';

const lab = useLabServer();
const shot = screenshots('projector-');

function corpus(): string {
  const words = ['the cat sees a dog', 'a dog sees the cat', 'the river bank is wet', 'she went to the bank'];
  return Array.from({ length: 60 }, (_, i) => `${words[i % 4]}, ${words[(i * 3 + 1) % 4]}.`).join('\n\n');
}

async function pickOption(page: Page, testid: string, text: string): Promise<void> {
  const value = await page.getByTestId(testid).locator('option', { hasText: text }).first().getAttribute('value');
  await page.getByTestId(testid).selectOption(value as string);
}

/** The parts of a <canvas> the pixel search reads (the root tsconfig has no DOM types; the function runs in the page). */
interface CanvasLike {
  width: number;
  height: number;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray; width: number; height: number } } | null;
  getBoundingClientRect(): { width: number; height: number };
}

/** Clicks the canvas where a point of the most common colour was drawn (found in the canvas pixels), as a person would. */
async function clickAPoint(page: Page): Promise<void> {
  const canvas = page.getByTestId('projector-scatter').locator('canvas');
  const spot = await canvas.evaluate((el) => {
    const c = el as unknown as CanvasLike;
    const ctx = c.getContext('2d')!;
    const { data, width, height } = ctx.getImageData(0, 0, c.width, c.height);
    // the blue of the palette's first colour (charts/scatter.ts PALETTE[0]): a point, not a label or the background
    for (let y = Math.floor(height * 0.2); y < height * 0.8; y++) {
      for (let x = Math.floor(width * 0.2); x < width * 0.8; x++) {
        const i = (y * width + x) * 4;
        if (data[i] === 31 && data[i + 1] === 119 && data[i + 2] === 180) {
          const r = c.getBoundingClientRect();
          return { x: (x / width) * r.width, y: (y / height) * r.height };
        }
      }
    }
    return null;
  });
  expect(spot, 'a drawn point on the canvas').not.toBeNull();
  await canvas.click({ position: spot! });
}

/** Clicks a control that starts a projection and waits until that projection (a new job id) has finished: the
 *  previous projection's "done" line is still on the page when the click lands. */
async function clickAndProject(page: Page, testid: string): Promise<void> {
  const before = await page.getByTestId('projector-page').getAttribute('data-job');
  await page.getByTestId(testid).click();
  await expect.poll(async () => {
    const root = page.getByTestId('projector-page');
    return (await root.getAttribute('data-job')) !== before && (await root.getAttribute('data-done')) === '1';
  }, { timeout: 90_000 }).toBe(true);
}

test.beforeAll(() => {
  const home = lab.home;
  const file = join(home, 'projector-e2e.txt');
  writeFileSync(file, corpus());
  labCli(home, 'datasets', 'import', file, '--name', 'projector-e2e', '--mode', 'paragraphs');
  // word vectors of the same corpus (issue 15a's trainer), small and quick
  labCli(home, 'embeddings', 'train', '--dataset', 'projector-e2e', '--method', 'word2vec', '--sg', '--dim', '16', '--epochs', '3',
    '--min-count', '1', '--name', 'proj-e2e-w2v');
  for (const model of ['gpt', 'bert']) {
    labCli(home, 'train', '--dataset', 'projector-e2e', '--model', model, '--preset', 'tiny', '--tokenizer-kind', 'char',
      '--steps', '12', '--checkpoint-every', '6', '--batch-size', '4', '--name', `proj-e2e-${model}`);
  }
});

test('projector: PCA, UMAP streaming, t-SNE 3D, click for neighbours, analogy, compare, checkpoints, bookmark, export, contextual, zh-CN', async ({ page }) => {
  test.setTimeout(300_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(lab.url);
  await page.getByTestId('language-select').selectOption('en');
  await page.getByTestId('nav-projector').click();
  await expect(page.getByTestId('projector-page')).toBeVisible();

  // the GPT run's token table with PCA
  await pickOption(page, 'projector-run', 'proj-e2e-gpt');
  await page.getByTestId('projector-kind').selectOption('token-embedding');
  await page.getByTestId('projector-method-pca').click();
  await clickAndProject(page, 'projector-open');
  await expect(page.getByTestId('projector-opened')).toContainText('proj-e2e-gpt (GPT) · step-12 · Token embeddings');
  await expect(page.getByTestId('projector-done')).toContainText('Variance explained');
  const N = Number(await page.getByTestId('projector-scatter').getAttribute('data-points'));
  expect(N).toBeGreaterThan(10);
  await shot(page, 'pca');

  // UMAP: the layout streams in over several frames
  await page.getByTestId('projector-method-umap').click();
  await page.getByTestId('projector-neighbors').fill('8');
  await clickAndProject(page, 'projector-project');
  // 500 epochs streamed every 10: the view received the layout frame by frame, not once at the end
  expect(Number(await page.getByTestId('projector-main').getAttribute('data-streamed'))).toBeGreaterThan(20);

  // click a point: its 10 nearest neighbours in the original space, with similarities
  await clickAPoint(page);
  await expect(page.getByTestId('projector-selected')).not.toBeEmpty();
  await expect(page.getByTestId('projector-neighbours').locator('li')).toHaveCount(10);
  const first = await page.getByTestId('projector-neighbours').locator('li').first().innerText();
  expect(first).toMatch(/-?\d\.\d{3}$/);
  await shot(page, 'umap-neighbours');

  // search selects a word; isolate its neighbourhood and project it alone, then show everything again
  await page.getByTestId('projector-search').fill('e');
  await page.getByTestId('projector-search').press('Enter');
  await expect(page.getByTestId('projector-selected')).toHaveText('e');
  await clickAndProject(page, 'projector-isolate');
  await expect(page.getByTestId('projector-isolated')).toBeVisible();
  await clickAndProject(page, 'projector-show-all');

  // an analogy a − b + c, drawn as arrows
  await page.getByTestId('projector-analogy-a').fill('a');
  await page.getByTestId('projector-analogy-b').fill('t');
  await page.getByTestId('projector-analogy-c').fill('e');
  await page.getByTestId('projector-analogy-run').click();
  await expect(page.getByTestId('projector-analogy-answers').locator('li')).toHaveCount(5);

  // t-SNE in 3D
  await page.getByTestId('projector-method-tsne').click();
  await page.getByTestId('projector-dims-3').click();
  await page.getByTestId('projector-perplexity').fill('5');
  await page.getByTestId('projector-iterations').fill('300');
  await page.getByTestId('projector-iterations').dispatchEvent('change');
  await clickAndProject(page, 'projector-project');
  await expect(page.getByTestId('projector-done')).toContainText('KL divergence');
  await shot(page, 'tsne-3d-analogy');

  // back to 2D UMAP, then BERT's token table side by side with the neighbour overlap
  await page.getByTestId('projector-method-umap').click();
  await page.getByTestId('projector-dims-2').click();
  await page.getByTestId('projector-iterations').fill('');
  await page.getByTestId('projector-iterations').dispatchEvent('change');
  await pickOption(page, 'projector-compare-run', 'proj-e2e-bert');
  await page.getByTestId('projector-compare-kind').selectOption('token-embedding');
  await page.getByTestId('projector-compare-run-button').click();
  await expect(page.getByTestId('projector-compare-mean')).toContainText('Mean overlap of the 10 nearest neighbours');
  await expect(page.getByTestId('projector-scatter-second')).toBeVisible();
  await expect.poll(async () => Number(await page.getByTestId('projector-second').getAttribute('data-streamed')), { timeout: 90_000 }).toBeGreaterThan(20);
  await shot(page, 'compare');

  // how the space formed: one aligned layout per checkpoint, a slider
  await page.getByTestId('projector-timeline-build').click();
  await expect(page.getByTestId('projector-timeline-slider')).toBeVisible({ timeout: 90_000 });
  await page.getByTestId('projector-timeline-slider').fill('1');
  await expect(page.getByTestId('projector-timeline-at')).toContainText('step-12');
  await expect(page.getByTestId('projector-timeline-scatter')).toBeVisible();

  // a bookmark, and a PNG of the view
  await page.getByTestId('projector-bookmark-name').fill('gpt tokens umap');
  await page.getByTestId('projector-bookmark-save').click();
  await expect(page.getByTestId('projector-bookmark-list')).toContainText('gpt tokens umap');
  const download = page.waitForEvent('download');
  await page.getByTestId('projector-export-png').click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^projector-umap-\d+\.png$/);
  await shot(page, 'timeline-bookmark');

  // BERT's contextual vectors of two sentences at its last layer: "bank" in two places
  await pickOption(page, 'projector-run', 'proj-e2e-bert');
  await page.getByTestId('projector-kind').selectOption('contextual');
  await page.getByTestId('projector-layer').fill('2');
  await page.getByTestId('projector-texts').fill('the river bank is wet\nshe went to the bank');
  await clickAndProject(page, 'projector-open');
  await expect(page.getByTestId('projector-opened')).toContainText('proj-e2e-bert (BERT) · step-12 · Contextual vectors · Layer 2');
  await expect(page.getByTestId('projector-opened')).toContainText('41 points');
  await page.getByTestId('projector-color').selectOption('sentence');
  await expect(page.getByTestId('projector-legend')).toContainText('1');
  await shot(page, 'bert-contextual');

  // the Word2Vec run's word vectors: neighbours of "bank"
  await pickOption(page, 'projector-run', 'proj-e2e-w2v');
  await expect(page.getByTestId('projector-kind')).toHaveValue('run-vectors');
  await clickAndProject(page, 'projector-open');
  await expect(page.getByTestId('projector-opened')).toContainText('proj-e2e-w2v (WORD2VEC) · final · Word vectors');
  await page.getByTestId('projector-search').fill('bank');
  await page.getByTestId('projector-search').press('Enter');
  await expect(page.getByTestId('projector-selected')).toHaveText('bank');
  await expect(page.getByTestId('projector-neighbours').locator('li')).toHaveCount(10);
  await shot(page, 'word2vec');

  // BERT's contextual vectors again for the Chinese page
  await pickOption(page, 'projector-run', 'proj-e2e-bert');
  await page.getByTestId('projector-kind').selectOption('contextual');
  await clickAndProject(page, 'projector-open');

  // the same page in Chinese
  await page.getByTestId('language-select').selectOption('zh-CN');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('嵌入投影器');
  await expect(page.getByTestId('projector-opened')).toContainText('上下文向量 · 层 2');
  await shot(page, 'zh-CN');

  // a word2vec text file opened as it is (still in Chinese): 30 words on two lines of a circle, neighbours by search
  const vec = join(lab.home, 'circle.vec');
  const words = Array.from({ length: 30 }, (_, i) => `w${i}`);
  writeFileSync(vec, `${words.length} 3\n${words.map((w, i) => `${w} ${Math.cos(i / 5).toFixed(4)} ${Math.sin(i / 5).toFixed(4)} ${(i % 2).toFixed(1)}`).join('\n')}\n`);
  await page.getByTestId('projector-from-file').click();
  await page.getByTestId('projector-file-path').fill(vec);
  await clickAndProject(page, 'projector-open');
  await expect(page.getByTestId('projector-opened')).toContainText('circle.vec');
  await page.getByTestId('projector-search').fill('w7');
  await page.getByTestId('projector-search').press('Enter');
  await expect(page.getByTestId('projector-selected')).toHaveText('w7');
  await expect(page.getByTestId('projector-neighbours').locator('li').first()).toContainText(/w(5|9)/);
  await shot(page, 'file-zh-CN');

  expect(pageErrors).toEqual([]);
});
