// The one place that turns "run N (at step S, default its newest)" into a checkpoint folder a worker can load: the
// attention explorer, ONNX export, the probes (fill, continue, `attention-lab fill` and `sample`) and a comparison's
// measuring all resolve here. It refuses, in a sentence, a run of a family the purpose cannot use, a run with no
// checkpoint yet, a step it does not have and a checkpoint whose files are gone. Nothing is loaded in this process.
// A folder outside the lab (`attention-lab attention|export-onnx DIR`) resolves here too (folderCheckpoint).
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { LabError } from '../../../common/errors';
import type { CheckpointRef, CheckpointSource } from '../../jobs/analysis/protocol';
import type { LabContext } from '../app/context';
import { runFolder } from './service';
import { checkPathText } from '../../../common/path-text';

export type { CheckpointRef, CheckpointSource } from '../../jobs/analysis/protocol';

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
  noStep: (id, name, step, steps) => `Run "${name}" (${id}) has no checkpoint at step ${step}; its checkpoints are at steps ${steps.join(', ')}.`,
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
  // a comparison measures its GPT and BERT, and its optional GRU/LSTM third model
  measure: { ...PROBE, families: ['gpt', 'bert', 'gru', 'lstm'], refuse: 'only GPT, BERT, GRU and LSTM runs are measured in a comparison' },
};

const MODEL_FILE = 'model.safetensors';
const STEP_FOLDER = /^step-(\d+)$/;

/** step-<n> folders of a folder on disk that hold a model file, oldest first. */
function stepFolders(dir: string): { step: number; dir: string }[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  return readdirSync(dir).flatMap((name) => {
    const m = STEP_FOLDER.exec(name);
    return m === null || !existsSync(path.join(dir, name, MODEL_FILE)) ? [] : [{ step: Number(m[1]), dir: path.join(dir, name) }];
  }).sort((a, b) => a.step - b.step);
}

/**
 * A run's checkpoints, one per step (the newest record of a step), oldest first; `path` relative to the lab home.
 * A run whose checkpoints were written but never recorded (its process was killed in between) still has them on disk:
 * they are listed then.
 */
export function checkpointList(ctx: LabContext, runId: number): { step: number; path: string }[] {
  const recorded = ctx.store.runs.checkpointSteps(runId).map((a) => ({ step: a.step as number, path: a.path }));
  if (recorded.length > 0) return recorded;
  return stepFolders(runFolder(ctx.home, runId)).map((f) => ({ step: f.step, path: path.relative(ctx.home, f.dir) }));
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

/**
 * A checkpoint folder on disk (holding model.safetensors), or a run folder whose step-<n> folders hold checkpoints
 * (then `step`, default the newest); a relative path is taken from this process's folder. Its run and family are
 * unknown (null), and its label is the folder read.
 */
export function folderCheckpoint(folder: string, step?: number): CheckpointSource {
  const dir = path.resolve(checkPathText(folder, { field: 'checkpoint', what: 'The checkpoint folder' }));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new LabError('not_found', `There is no checkpoint folder at ${dir}; give a folder holding ${MODEL_FILE}, or a run folder with step-<n> folders.`, { field: 'checkpoint' });
  }
  const stamp = (d: string): number => statSync(path.join(d, MODEL_FILE)).mtimeMs;
  if (existsSync(path.join(dir, MODEL_FILE))) return { runId: null, runName: dir, family: null, step: null, dir, stamp: stamp(dir) };
  const list = stepFolders(dir);
  if (list.length === 0) {
    throw new LabError('not_found', `The folder ${dir} has no checkpoint yet; train it (or wait for its first checkpoint) before exporting or inspecting it.`, { field: 'checkpoint' });
  }
  const chosen = step === undefined ? list[list.length - 1] : list.find((c) => c.step === step);
  if (chosen === undefined) {
    throw new LabError('not_found', `The folder ${dir} has no checkpoint at step ${step}; its checkpoints are at steps ${list.map((c) => c.step).join(', ')}.`, { field: 'step' });
  }
  return { runId: null, runName: chosen.dir, family: null, step: chosen.step, dir: chosen.dir, stamp: stamp(chosen.dir) };
}
