// RNN language-model checkpoints: model.safetensors (torch's word_language_model tensor names, the config in its
// metadata, format attention-lab/rnn-lm-1), optimizer.safetensors (AdamW moments, step, sampler RNG) to resume, and
// config.json — the same folder shape as the Transformer checkpoints, told apart by the format.
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Kernels } from '../../../native-kernels/kernels';
import { LabError } from '../../../common/errors';
import { validateRnnConfig, type RnnConfig } from '../../../common/rnn-config';
import { assertFinite, readSafetensors, writeSafetensors, type SafetensorsFile } from '../checkpoint';
import type { TrainerState } from '../train';
import { RnnLanguageModel } from './lm';

export const RNN_CHECKPOINT_FORMAT = 'attention-lab/rnn-lm-1';

export function saveRnnCheckpoint(dir: string, model: RnnLanguageModel, state: TrainerState | null): void {
  mkdirSync(dir, { recursive: true });
  const step = state?.step ?? 0;
  const tensors = model.params.table.specs.map((s) => ({ name: s.name, shape: s.shape, data: model.params.view(s.name) }));
  writeSafetensors(join(dir, 'model.safetensors'), tensors, { format: RNN_CHECKPOINT_FORMAT, config: JSON.stringify(model.config), step: String(step) });
  writeFileSync(join(dir, 'config.json'), `${JSON.stringify(model.config, null, 2)}\n`);
  if (state !== null) {
    const n = state.optimizer.m.length;
    writeSafetensors(join(dir, 'optimizer.safetensors'), [
      { name: 'm', shape: [n], data: state.optimizer.m },
      { name: 'v', shape: [n], data: state.optimizer.v },
    ], { format: RNN_CHECKPOINT_FORMAT, step: String(step), t: String(state.optimizer.t), rng: JSON.stringify(state.rng) });
  }
}

/** The model of a checkpoint folder and, when optimizer.safetensors is there, the trainer state to resume from. */
export function loadRnnCheckpoint(k: Kernels, dir: string): { model: RnnLanguageModel; state: TrainerState | null; step: number } {
  const file = readSafetensors(join(dir, 'model.safetensors'));
  const name = `${basename(dir)}/model.safetensors`;
  if (file.metadata.format !== RNN_CHECKPOINT_FORMAT) {
    throw new LabError('bad_file', `${name} is not an RNN language model (format ${JSON.stringify(file.metadata.format ?? null)}, expected ${RNN_CHECKPOINT_FORMAT}).`, { field: name });
  }
  let config: RnnConfig;
  try {
    config = validateRnnConfig(JSON.parse(file.metadata.config ?? 'null') as Record<string, unknown>);
  } catch (e) {
    throw new LabError('bad_file', `The model config stored in ${name} is invalid: ${(e as Error).message}`, { field: name, cause: e });
  }
  const model = new RnnLanguageModel(k, config, false);
  for (const spec of model.params.table.specs) {
    const t = file.tensors.get(spec.name);
    if (t === undefined) throw new LabError('bad_file', `${name} has no tensor "${spec.name}", which this ${config.family.toUpperCase()} model needs.`, { field: spec.name });
    if (t.shape.join(',') !== spec.shape.join(',')) {
      throw new LabError('bad_file', `Tensor "${spec.name}" in ${name} has shape [${t.shape.join(', ')}], but the model expects [${spec.shape.join(', ')}].`, { field: spec.name });
    }
    assertFinite(t, name, 'the checkpoint is damaged or was saved from a diverged run; use an earlier checkpoint of the run.');
    model.params.view(spec.name).set(t.data);
  }
  const step = Number(file.metadata.step ?? 0);
  let opt: SafetensorsFile;
  try {
    opt = readSafetensors(join(dir, 'optimizer.safetensors'));
  } catch (e) {
    if (e instanceof LabError && e.code === 'not_found') return { model, state: null, step };
    throw e;
  }
  const m = opt.tensors.get('m');
  const v = opt.tensors.get('v');
  const rng = JSON.parse(opt.metadata.rng ?? 'null') as number[] | null;
  if (m === undefined || v === undefined || !Array.isArray(rng) || opt.metadata.t === undefined || m.data.length !== model.params.data.length) {
    throw new LabError('bad_file', `optimizer.safetensors in ${dir} does not hold this model's AdamW moments and step; resume from a checkpoint written by Attention Lab.`, { field: 'optimizer' });
  }
  return { model, state: { step: Number(opt.metadata.step ?? step), rng, optimizer: { m: m.data, v: v.data, t: Number(opt.metadata.t) } }, step };
}
