// Checkpoints: safetensors writing/reading (format done here), model weights with their config, and the optimizer
// state (AdamW moments, step, sampler RNG) so a resumed run continues the uninterrupted curve.
//
// safetensors: 8-byte little-endian header length N, then N bytes of JSON
//   { "__metadata__": {string: string}, name: {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]} ... },
// then the raw little-endian data; offsets are relative to the first byte after the header.
// A checkpoint folder holds model.safetensors (metadata: format, config JSON, step), config.json, optionally
// tokenizer.json and, for training, optimizer.safetensors (tensors "m" and "v", flat over the parameter layout;
// metadata: step, t, rng JSON). Tensor names and shapes are documented in params.ts.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Kernels } from '../../native-kernels/kernels';
import { validateConfig, type ModelConfig } from '../../common/model-config';
import { BertModel } from './bert';
import { GptModel } from './gpt';
import type { TransformerModel } from './model';
import type { TrainerState } from './train';
import { LabError } from '../../common/errors';

export const CHECKPOINT_FORMAT = 'attention-lab/1';

export interface NamedTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

export interface SafetensorsFile {
  tensors: Map<string, NamedTensor>;
  metadata: Record<string, string>;
}

/** Writes tensors (in the given order) as F32 safetensors; the file appears atomically (temp file + rename). */
export function writeSafetensors(path: string, tensors: NamedTensor[], metadata: Record<string, string> = {}): void {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const t of tensors) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (n !== t.data.length) throw new LabError('internal', `Tensor ${t.name} has shape [${t.shape}] but ${t.data.length} values.`);
    header[t.name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + n * 4] };
    offset += n * 4;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8); // pad so the data starts 8-byte aligned, as the reference writer does
  const headerBytes = Buffer.from(json, 'utf8');
  const out = Buffer.alloc(8 + headerBytes.length + offset);
  out.writeBigUInt64LE(BigInt(headerBytes.length), 0);
  headerBytes.copy(out, 8);
  let at = 8 + headerBytes.length;
  for (const t of tensors) {
    const bytes = Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    if (bytes.length > 0) bytes.copy(out, at);
    at += t.data.byteLength;
  }
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, out);
  renameSync(tmp, path);
}

/** Reads an F32 safetensors file; truncated, foreign or malformed files throw LabError('bad_file'). */
export function readSafetensors(path: string): SafetensorsFile {
  const name = basename(path);
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    throw new LabError('not_found', `Cannot read ${path}: ${(e as Error).message}.`, { field: 'path', cause: e });
  }
  if (buf.length < 8) throw new LabError('bad_file', `${name} is ${buf.length} bytes long, too short for a safetensors file (truncated?).`, { field: name });
  const headerLength = buf.readBigUInt64LE(0);
  if (headerLength > BigInt(buf.length - 8)) {
    throw new LabError('bad_file', `${name} declares a ${headerLength}-byte header but only ${buf.length - 8} bytes follow; the file is truncated or not safetensors.`, { field: name });
  }
  const dataStart = 8 + Number(headerLength);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(buf.subarray(8, dataStart).toString('utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new LabError('bad_file', `The header of ${name} is not valid JSON: ${(e as Error).message} (not a safetensors file?).`, { field: name, cause: e });
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) {
    throw new LabError('bad_file', `The header of ${name} is not a JSON object (not a safetensors file?).`, { field: name });
  }
  const dataLength = buf.length - dataStart;
  const tensors = new Map<string, NamedTensor>();
  const extents: Array<{ key: string; begin: number; end: number }> = [];
  let metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(header)) {
    if (key === '__metadata__') {
      metadata = (value ?? {}) as Record<string, string>;
      continue;
    }
    const entry = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (entry.dtype !== 'F32') {
      throw new LabError('bad_file', `Tensor "${key}" in ${name} has dtype ${JSON.stringify(entry.dtype)}; Attention Lab reads only F32 tensors.`, { field: key });
    }
    const shape = entry.shape;
    const offsets = entry.data_offsets;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0) || !Array.isArray(offsets) || offsets.length !== 2) {
      throw new LabError('bad_file', `Tensor "${key}" in ${name} has a malformed shape or data_offsets.`, { field: key });
    }
    const [begin, end] = offsets as number[];
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    if (!(Number.isInteger(begin) && Number.isInteger(end) && end - begin === count * 4 && begin >= 0)) {
      throw new LabError('bad_file', `Tensor "${key}" in ${name} has data_offsets [${begin}, ${end}] that do not fit its shape [${shape.join(', ')}].`, { field: key });
    }
    if (end > dataLength) {
      throw new LabError('bad_file', `Tensor "${key}" in ${name} ends at byte ${end} but the file holds only ${dataLength} data bytes; the file is truncated.`, { field: key });
    }
    extents.push({ key, begin, end });
    // copy into an aligned Float32Array (the data section need not be 4-byte aligned in the Buffer pool)
    const data = new Float32Array(count);
    new Uint8Array(data.buffer).set(buf.subarray(dataStart + begin, dataStart + end));
    tensors.set(key, { name: key, shape: shape as number[], data });
  }
  assertNoOverlap(extents, name);
  return { tensors, metadata };
}

/** Two tensors reading the same bytes mean a damaged or hand-made file: one of them cannot hold what it claims. */
function assertNoOverlap(extents: Array<{ key: string; begin: number; end: number }>, name: string): void {
  const sorted = extents.filter((e) => e.end > e.begin).sort((a, b) => a.begin - b.begin || a.end - b.end);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1];
    const cur = sorted[i];
    if (cur.begin < prev.end) {
      throw new LabError('bad_file', `Tensor "${cur.key}" in ${name} starts at byte ${cur.begin}, inside tensor "${prev.key}" (bytes ${prev.begin} to ${prev.end}); the tensors overlap, so the file is damaged or was not written by a safetensors writer.`, { field: cur.key });
    }
  }
}

/** Refuses a tensor with NaN or Infinity in it: a model loaded from it prints garbage and exports a broken graph. */
export function assertFinite(t: NamedTensor, name: string, hint: string): void {
  let bad = 0;
  let first = -1;
  const d = t.data;
  for (let i = 0; i < d.length; i++) {
    if (!Number.isFinite(d[i])) {
      if (first < 0) first = i;
      bad++;
    }
  }
  if (bad > 0) {
    throw new LabError('bad_file', `Tensor "${t.name}" in ${name} holds ${bad} value${bad === 1 ? '' : 's'} that ${bad === 1 ? 'is not a finite number' : 'are not finite numbers'} (NaN or Infinity; the first at index ${first}); ${hint}`, { field: t.name });
  }
}

/** A fresh model of the config's family (weights initialised from config.seed when init is true). */
export function createModel(k: Kernels, config: ModelConfig, init = true): TransformerModel {
  return config.family === 'gpt' ? new GptModel(k, config, init) : new BertModel(k, config, init);
}

/** Writes dir/model.safetensors (+ dir/optimizer.safetensors when a trainer state is given), dir/config.json and,
 *  when given, dir/tokenizer.json (the tokenizer's own JSON, so the folder alone can run the model). */
export function saveCheckpoint(dir: string, model: TransformerModel, state: TrainerState | null = null,
  tokenizerJson: string | null = null): void {
  mkdirSync(dir, { recursive: true });
  if (tokenizerJson !== null) writeFileSync(join(dir, 'tokenizer.json'), tokenizerJson);
  const step = state?.step ?? 0;
  const tensors = model.params.table.specs.map((s) => ({ name: s.name, shape: s.shape, data: model.params.view(s.name) }));
  writeSafetensors(join(dir, 'model.safetensors'), tensors, {
    format: CHECKPOINT_FORMAT, config: JSON.stringify(model.config), step: String(step),
  });
  writeFileSync(join(dir, 'config.json'), JSON.stringify(model.config, null, 2) + '\n');
  if (state !== null) {
    const n = state.optimizer.m.length;
    writeSafetensors(join(dir, 'optimizer.safetensors'), [
      { name: 'm', shape: [n], data: state.optimizer.m },
      { name: 'v', shape: [n], data: state.optimizer.v },
    ], { format: CHECKPOINT_FORMAT, step: String(state.step), t: String(state.optimizer.t), rng: JSON.stringify(state.rng) });
  }
}

export interface LoadOptions {
  /** the tokenizer's vocabulary size; a different model vocabulary is refused */
  expectVocabSize?: number;
}

/** Loads the weights of a model.safetensors file into a new model built from its stored config. */
export function loadModel(k: Kernels, path: string, opts: LoadOptions = {}): { model: TransformerModel; step: number } {
  const file = readSafetensors(path);
  const name = basename(path);
  if (file.metadata.config === undefined) {
    throw new LabError('bad_file', `${name} has no model config in its metadata; it was not written by Attention Lab.`, { field: name });
  }
  let config: ModelConfig;
  try {
    config = validateConfig(JSON.parse(file.metadata.config) as Record<string, unknown>);
  } catch (e) {
    throw new LabError('bad_file', `The model config stored in ${name} is invalid: ${(e as Error).message}`, { field: name, cause: e });
  }
  if (opts.expectVocabSize !== undefined && opts.expectVocabSize !== config.vocabSize) {
    throw new LabError('invalid_input', `The checkpoint ${name} has a vocabulary of ${config.vocabSize} tokens but the tokenizer has ${opts.expectVocabSize}; use the tokenizer the model was trained with.`, { field: 'vocabSize' });
  }
  const model = createModel(k, config, false);
  loadWeightsInto(model, file, name);
  return { model, step: Number(file.metadata.step ?? 0) };
}

/** Copies every tensor of the model's layout from the file, checking presence and shape. */
export function loadWeightsInto(model: TransformerModel, file: SafetensorsFile, name: string): void {
  for (const spec of model.params.table.specs) {
    const t = file.tensors.get(spec.name);
    if (t === undefined) throw new LabError('bad_file', `${name} has no tensor "${spec.name}", which this ${model.config.family.toUpperCase()} model needs.`, { field: spec.name });
    if (t.shape.join(',') !== spec.shape.join(',')) {
      throw new LabError('bad_file', `Tensor "${spec.name}" in ${name} has shape [${t.shape.join(', ')}], but the model expects [${spec.shape.join(', ')}].`, { field: spec.name });
    }
    assertFinite(t, name, 'the checkpoint is damaged or was saved from a diverged run; use an earlier checkpoint of the run (or train it again).');
    model.params.view(spec.name).set(t.data);
  }
}

/** Loads a checkpoint folder: the model and, when optimizer.safetensors is present, the trainer state to resume. */
export function loadCheckpoint(k: Kernels, dir: string, opts: LoadOptions = {}): { model: TransformerModel; state: TrainerState | null } {
  const { model, step } = loadModel(k, join(dir, 'model.safetensors'), opts);
  let opt: SafetensorsFile;
  try {
    opt = readSafetensors(join(dir, 'optimizer.safetensors'));
  } catch (e) {
    if (e instanceof LabError && e.code === 'not_found') return { model, state: null };
    throw e;
  }
  const m = opt.tensors.get('m');
  const v = opt.tensors.get('v');
  const rng = JSON.parse(opt.metadata.rng ?? 'null') as number[] | null;
  if (m === undefined || v === undefined || !Array.isArray(rng) || opt.metadata.t === undefined) {
    throw new LabError('bad_file', `optimizer.safetensors in ${dir} lacks the moments m, v or the step/RNG metadata; resume from a checkpoint written by Attention Lab.`, { field: 'optimizer' });
  }
  if (m.data.length !== model.params.data.length) {
    throw new LabError('bad_file', `optimizer.safetensors in ${dir} holds ${m.data.length} values per moment but the model has ${model.params.data.length} parameters; the two files are from different models.`, { field: 'optimizer' });
  }
  for (const t of [m, v]) assertFinite(t, 'optimizer.safetensors', `the optimizer state in ${dir} is damaged; resume from an earlier checkpoint of the run.`);
  const state: TrainerState = { step: Number(opt.metadata.step ?? step), rng, optimizer: { m: m.data, v: v.data, t: Number(opt.metadata.t) } };
  return { model, state };
}
