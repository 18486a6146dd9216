// The one place that turns "run N (at step S, default its newest)" into a checkpoint folder a worker can load: the
// attention explorer, ONNX export, the probes (fill, continue, `attention-lab fill` and `sample`) and a comparison's
// measuring all resolve here. It refuses, in a sentence, a run of a family the purpose cannot use, a run with no
// checkpoint yet, a step it does not have and a checkpoint whose files are gone. Nothing is loaded in this process.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { LabError } from '../../../common/errors';
import type { CheckpointRef } from '../../jobs/analysis/protocol';
import type { LabContext } from '../app/context';

export type { CheckpointRef } from '../../jobs/analysis/protocol';

/** Who asks: the explorer and ONNX export ("open it"), a fill or a continuation ("probe it"), a comparison's measuring. */
export type CheckpointPurpose = 'analysis' | 'fill' | 'continue' | 'measure';

type Family = CheckpointRef['family'];

interface Wording {
  field: string;
  families: readonly Family[];
  /** the end of the sentence refusing another family */
  refuse: string;
  wait: string;
  /** the sentence for a step the run has no checkpoint at */
  noStep(runId: number, name: string, step: number, steps: number[]): string;
}

const EXPLORER: Wording = {
  // a fine-tuned classifier's checkpoint holds its GPT/BERT body (plus classifier.* tensors the explorer does not read)
  field: 'runId', families: ['gpt', 'bert', 'classifier'], wait: 'open it once it has saved one',
  refuse: 'the attention explorer looks inside GPT and BERT runs and the classifiers fine-tuned from them only',
  noStep: (_id, name, step, steps) => `Run "${name}" has no checkpoint at step ${step}; its checkpoints are at steps ${steps.join(', ')}.`,
};

const PROBE: Omit<Wording, 'families' | 'refuse'> = {
  field: 'runIds', wait: 'probe it once it has saved one or finished',
  noStep: (id, name, step, steps) =>
    `Run ${id} ("${name}") has no checkpoint at step ${step}; it has ${steps.join(', ')}. Pick one of those with --step, or leave --step out for the newest.`,
};

const WORDING: Record<CheckpointPurpose, Wording> = {
  analysis: EXPLORER,
  fill: { ...PROBE, families: ['gpt', 'bert'], refuse: 'only GPT and BERT runs can fill blanks' },
  continue: { ...PROBE, families: ['gpt', 'bert', 'gru', 'lstm'], refuse: 'only GPT, BERT, GRU and LSTM runs can continue a text' },
  measure: { ...PROBE, families: ['gpt', 'bert'], refuse: 'only GPT and BERT runs can be probed here' },
};

const MODEL_FILE = 'model.safetensors';

/** A run's checkpoints, one per step (the newest record of a step), oldest first; `path` relative to the lab home. */
export function checkpointList(ctx: LabContext, runId: number): { step: number; path: string }[] {
  return ctx.store.runs.checkpointSteps(runId).map((a) => ({ step: a.step as number, path: a.path }));
}

/** The checkpoint of a run at `step` (default: its newest), as a folder a worker loads; `stamp` is the model file's mtime. */
export function runCheckpoint(ctx: LabContext, runId: number, purpose: CheckpointPurpose, step?: number): CheckpointRef {
  const w = WORDING[purpose];
  const run = ctx.store.runs.run(runId);
  const family = run.family as Family;
  if (!w.families.includes(family)) {
    throw new LabError('invalid_input', `Run ${runId} ("${run.name}") is a ${run.family} run; ${w.refuse}.`, { field: w.field });
  }
  const list = checkpointList(ctx, runId);
  if (list.length === 0) {
    throw new LabError('not_found', `Run ${runId} ("${run.name}") has no checkpoint yet (it is ${run.status}); ${w.wait}.`, { field: w.field });
  }
  const chosen = step === undefined ? list[list.length - 1] : list.find((c) => c.step === step);
  if (chosen === undefined) {
    throw new LabError('not_found', w.noStep(runId, run.name, step as number, list.map((c) => c.step)), { field: 'step' });
  }
  const dir = path.join(ctx.home, chosen.path);
  if (!existsSync(path.join(dir, MODEL_FILE))) {
    throw new LabError('not_found', `The step-${chosen.step} checkpoint of run "${run.name}" is missing its files (${dir}); they were deleted or moved. Choose another step.`, { field: 'step' });
  }
  return { runId, runName: run.name, family, step: chosen.step, dir, stamp: statSync(path.join(dir, MODEL_FILE)).mtimeMs };
}
