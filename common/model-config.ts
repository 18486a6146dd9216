// Model configuration shared by every side: the settings of a GPT or BERT model, their validation, the presets and
// the parameter count (the wizard estimates sizes with the same function the lab records). Pure: memory estimates,
// which need the machine's free memory and the activation layout, stay in main/ml/config.ts.
import { LabError } from './errors';

export type ModelFamily = 'gpt' | 'bert';
export type PositionKind = 'learned' | 'sinusoidal';
export type NormPlacement = 'pre' | 'post';
export type PresetName = 'tiny' | 'small' | 'base';

export interface ModelConfig {
  family: ModelFamily;
  /** number of token ids (from the tokenizer) */
  vocabSize: number;
  nLayer: number;
  nHead: number;
  /** width of the residual stream (C) */
  dModel: number;
  /** hidden width of the MLP (usually 4 * dModel) */
  dFF: number;
  /** longest sequence the model accepts (T); the learned position table has this many rows */
  contextLength: number;
  positions: PositionKind;
  /** 'pre': LayerNorm before attention/MLP, final ln_f. 'post': LayerNorm after each residual add, embedding LN (as BERT). */
  norm: NormPlacement;
  /** dropout probability on the embeddings and on both residual branches (attention probabilities are not dropped) */
  dropout: number;
  /** number of BERT segment ids (0 = no segment embeddings; always 0 for GPT) */
  typeVocabSize: number;
  /** seed of the weight initialisation and of dropout masks */
  seed: number;
}

/** Presets sized for a 2-core laptop: tiny trains in a minute or two, small in ten, base is the patient option. */
export const PRESETS: Record<PresetName, Omit<ModelConfig, 'family' | 'vocabSize' | 'seed' | 'typeVocabSize'>> = {
  tiny: { nLayer: 2, nHead: 2, dModel: 64, dFF: 256, contextLength: 64, positions: 'learned', norm: 'pre', dropout: 0 },
  small: { nLayer: 4, nHead: 4, dModel: 128, dFF: 512, contextLength: 128, positions: 'learned', norm: 'pre', dropout: 0.1 },
  base: { nLayer: 6, nHead: 6, dModel: 192, dFF: 768, contextLength: 256, positions: 'learned', norm: 'pre', dropout: 0.1 },
};

/** A full config from a preset; BERT gets 2 segment ids (sentence A/B) unless told otherwise. */
export function presetConfig(preset: PresetName, family: ModelFamily, vocabSize: number, seed = 1337,
  overrides: Partial<ModelConfig> = {}): ModelConfig {
  const base = PRESETS[preset];
  if (base === undefined) {
    throw new LabError('invalid_input', `Preset "${String(preset)}" does not exist (choose tiny, small or base).`, { field: 'preset' });
  }
  return validateConfig({ ...base, family, vocabSize, seed, typeVocabSize: family === 'bert' ? 2 : 0, ...overrides });
}

/** A value as it should appear in a message: numbers plainly (NaN stays NaN), everything else as JSON. */
function quote(value: unknown): string {
  return typeof value === 'number' ? String(value) : JSON.stringify(value);
}

function requireInt(value: unknown, field: string, min: number, max: number, hint: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new LabError('invalid_input', `${field} is ${quote(value)}, but it must be a whole number from ${min} to ${max} (${hint}).`, { field });
  }
  return value;
}

/** Checks every field and returns a clean copy; throws LabError naming the first bad field. */
export function validateConfig(input: Partial<ModelConfig> & Record<string, unknown>): ModelConfig {
  const family = input.family;
  if (family !== 'gpt' && family !== 'bert') {
    throw new LabError('invalid_input', `family is ${JSON.stringify(family)}, but it must be "gpt" or "bert".`, { field: 'family' });
  }
  const vocabSize = requireInt(input.vocabSize, 'vocabSize', 2, 1_000_000, 'it comes from the tokenizer');
  const nLayer = requireInt(input.nLayer, 'nLayer', 1, 64, 'a model needs at least one layer');
  const nHead = requireInt(input.nHead, 'nHead', 1, 64, 'at least one attention head');
  const dModel = requireInt(input.dModel, 'dModel', 1, 4096, 'the width of the model');
  if (dModel % nHead !== 0) {
    throw new LabError('invalid_input', `dModel ${dModel} is not divisible by nHead ${nHead}; choose a head count that divides it (e.g. ${divisorsHint(dModel)}).`, { field: 'nHead' });
  }
  const dFF = requireInt(input.dFF, 'dFF', 1, 65536, 'usually 4 × dModel');
  const contextLength = requireInt(input.contextLength, 'contextLength', 2, 8192, 'the longest sequence the model reads');
  const positions = input.positions;
  if (positions !== 'learned' && positions !== 'sinusoidal') {
    throw new LabError('invalid_input', `positions is ${JSON.stringify(positions)}, but it must be "learned" or "sinusoidal".`, { field: 'positions' });
  }
  const norm = input.norm;
  if (norm !== 'pre' && norm !== 'post') {
    throw new LabError('invalid_input', `norm is ${JSON.stringify(norm)}, but it must be "pre" or "post".`, { field: 'norm' });
  }
  const dropout = input.dropout;
  if (typeof dropout !== 'number' || !Number.isFinite(dropout) || dropout < 0 || dropout >= 1) {
    throw new LabError('invalid_input', `dropout is ${quote(dropout)}, but it must be a number from 0 up to (not including) 1.`, { field: 'dropout' });
  }
  const typeVocabSize = requireInt(input.typeVocabSize ?? 0, 'typeVocabSize', 0, 16, 'number of BERT segment ids, 0 for none');
  if (family === 'gpt' && typeVocabSize !== 0) {
    throw new LabError('invalid_input', `typeVocabSize is ${typeVocabSize}, but GPT models have no segment embeddings; set it to 0.`, { field: 'typeVocabSize' });
  }
  const seed = requireInt(input.seed ?? 0, 'seed', 0, 0xffffffff, 'any 32-bit unsigned number');
  return { family, vocabSize, nLayer, nHead, dModel, dFF, contextLength, positions, norm, dropout, typeVocabSize, seed };
}

function divisorsHint(d: number): string {
  const out: number[] = [];
  for (let h = 1; h <= Math.min(d, 16) && out.length < 4; h++) if (d % h === 0 && h > 1) out.push(h);
  return out.length > 0 ? out.join(', ') : '1';
}

/** Number of trainable floats; the sinusoidal table is fixed and not counted. Matches parameterSpecs() in params.ts. */
export function parameterCount(c: ModelConfig): number {
  const C = c.dModel;
  const F = c.dFF;
  const perLayer = 2 * C + (3 * C * C + 3 * C) + (C * C + C) + 2 * C + (F * C + F) + (C * F + C);
  let n = c.vocabSize * C + c.nLayer * perLayer + 2 * C; // wte, blocks, ln_f or ln_e
  if (c.positions === 'learned') n += c.contextLength * C;
  if (c.family === 'bert') {
    n += c.typeVocabSize * C;
    n += (C * C + C) + 2 * C + c.vocabSize; // MLM transform dense, its LayerNorm, decoder bias
    n += C * C + C; // pooler
  }
  return n;
}

/** "1.23 M" style parameter counts for the UI and CLI. */
export function formatParameterCount(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} k`;
  return String(n);
}
