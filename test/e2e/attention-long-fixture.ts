// Test fixture: a GPT of 12 layers × 12 heads with a 512-token context (d_model 96 = 12 heads of 8, d_FF 384), saved
// untrained through the normal checkpoint code and registered as a completed run that reuses another run's tokenizer.
// Its query and key projections are scaled up (SHARPEN) so the untrained heads attend unevenly and differ from one
// another: the page then draws 144 distinct patterns rather than 144 uniform triangles.
// Used in-process by the integration test and as a script by the e2e spec:
//   node --import tsx test/e2e/attention-long-fixture.ts HOME SOURCE_RUN_NAME NEW_RUN_NAME
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { getKernels } from '../../native-kernels/index';
import { loadTokenizer } from '../../main/data/tokenizers/index';
import { presetConfig } from '../../common/model-config';
import { createModel, saveCheckpoint } from '../../main/ml/checkpoint';
import { createLab } from '../../main/lab/index';
import type { TrainingDeps } from '../../main/lab/runs/training';
import { runFolder } from '../../main/lab/runs/service';

export const WIDE = { nLayer: 12, nHead: 12, dModel: 96, dFF: 384, contextLength: 512 } as const;
/** q·k/√8 of init-scale weights is ~0.01 (near-uniform rows); ×12 on q and on k makes it a few units */
const SHARPEN = 12;

/** Adds the run; returns its id. `sourceRunId` lends its dataset and its latest checkpoint's tokenizer. */
export function addWideGptRun({ ctx, runs }: TrainingDeps, sourceRunId: number, name: string): number {
  const source = runs.run(sourceRunId);
  const from = ctx.store.runs.latestCheckpoint(sourceRunId);
  if (from === null) throw new Error(`Run ${sourceRunId} ("${source.name}") has no checkpoint to take the tokenizer from; train it first.`);
  const tokenizerJson = readFileSync(join(ctx.home, from.path, 'tokenizer.json'), 'utf8');
  const config = presetConfig('tiny', 'gpt', loadTokenizer(tokenizerJson).vocabSize, 11, WIDE);
  const id = runs.create({
    name, family: 'gpt', datasetId: source.datasetId, tokenizerId: source.tokenizerId, seed: config.seed, totalSteps: 0, status: 'running',
    config: { preset: 'custom', model: config, note: 'untrained: the explorer’s 512-token, 12 × 12-head responsiveness fixture' },
  });
  const dir = join(runFolder(ctx.home, id), 'step-0');
  const model = createModel(getKernels(), config);
  for (let l = 0; l < config.nLayer; l++) {
    // (3C, C) row-major: the first 2C rows are the q and k projections
    const w = model.params.view(`h.${l}.attn.c_attn.weight`);
    for (let i = 0; i < 2 * config.dModel * config.dModel; i++) w[i] *= SHARPEN;
  }
  saveCheckpoint(dir, model, null, tokenizerJson);
  const file = join(dir, 'model.safetensors');
  runs.addArtifact(id, {
    kind: 'checkpoint', path: relative(ctx.home, dir), step: 0, bytes: statSync(file).size,
    sha256: createHash('sha256').update(readFileSync(file)).digest('hex'),
  });
  runs.setStatus(id, 'completed');
  return id;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [home, sourceName, name] = process.argv.slice(2);
  const lab = createLab({ home, mode: 'cli', jobs: { concurrency: 1 } });
  try {
    const source = (lab.ctx.db.prepare('SELECT id FROM runs WHERE name = ?').get(sourceName) as { id: number } | undefined)?.id;
    if (source === undefined) throw new Error(`There is no run called ${JSON.stringify(sourceName)} in ${home}.`);
    process.stdout.write(`${addWideGptRun(lab.training, source, name)}\n`);
  } finally {
    lab.close();
  }
}
