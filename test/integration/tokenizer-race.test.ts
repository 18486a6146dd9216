// Two runs started at once on a dataset without a tokenizer both ask for `<dataset>-char`: the automatic
// get-or-create must hand both the same tokenizer (the second used to fail with "A tokenizer named … already exists").
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { TokenizerT } from '../../common/api';
import { createLab } from '../../main/lab/index';
import { ensureSplit, resolveDatasetRef, resolveRunTokenizer } from '../../main/lab/runs/training-data';
import { storyText } from '../unit/compare/story';

const home = mkdtempSync(join(tmpdir(), 'lab-tok-race-'));
const lab = createLab({ home, mode: 'cli' });
afterAll(() => {
  lab.close();
  rmSync(home, { recursive: true, force: true });
});

it('gets or creates the automatic tokenizer once when two runs ask for it at the same time', async () => {
  writeFileSync(join(home, 'story.txt'), storyText(20));
  await lab.call('datasets.import', { path: join(home, 'story.txt'), name: 'story', mode: 'paragraphs' });
  const { datasets } = lab.training;
  const dataset = await ensureSplit(datasets, await resolveDatasetRef(datasets, 'story'), () => {});
  // each run resolves through its own services, as two scheduler starts (or two CLI processes) do
  const ask = (): Promise<TokenizerT> => resolveRunTokenizer(lab.training.tokenizers, dataset, { kind: 'char' }, () => {});
  const [a, b] = await Promise.all([ask(), ask()]);
  expect(a.id).toBe(b.id);
  expect(a.name).toBe('story-char');
  expect((lab.ctx.db.prepare("SELECT count(*) FROM tokenizers WHERE name = 'story-char'").pluck().get() as number)).toBe(1);
});
