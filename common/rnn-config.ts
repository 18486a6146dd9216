// The RNN language models' settings (families 'gru' and 'lstm') shared by every side: validation, presets and the
// parameter count the lab records and the wizard estimates with. A family names the cell because a GRU and an LSTM checkpoint of the same sizes are different models (different
// tensor shapes) and every list that shows a run's family should say which cell it trained.
import { LabError } from './errors';

export type RnnFamily = 'gru' | 'lstm';
export const RNN_FAMILIES: readonly RnnFamily[] = ['gru', 'lstm'];

export function isRnnFamily(family: unknown): family is RnnFamily {
  return family === 'gru' || family === 'lstm';
}

export interface RnnConfig {
  family: RnnFamily;
  /** number of token ids (from the tokenizer) */
  vocabSize: number;
  /** stacked recurrent layers */
  nLayer: number;
  /** H: hidden units of each layer */
  dModel: number;
  /** width of the token embedding, the first layer's input */
  dEmbed: number;
  /** the window trained through at once (truncated backpropagation through time) and the longest input of one pass;
   *  generation carries the state on past it */
  contextLength: number;
  /** dropout on the embeddings, between layers and on the top output (torch's word_language_model) */
  dropout: number;
  /** seed of the weight initialisation and of dropout masks */
  seed: number;
}

export type RnnPresetName = 'tiny' | 'small' | 'base';

/** Sized like the Transformer presets for a 2-core laptop; small is the benchmark's shape (2 x 256, T 128). */
export const RNN_PRESETS: Record<RnnPresetName, Omit<RnnConfig, 'family' | 'vocabSize' | 'seed'>> = {
  tiny: { nLayer: 2, dModel: 128, dEmbed: 128, contextLength: 64, dropout: 0 },
  small: { nLayer: 2, dModel: 256, dEmbed: 256, contextLength: 128, dropout: 0.1 },
  base: { nLayer: 3, dModel: 512, dEmbed: 512, contextLength: 256, dropout: 0.2 },
};

export function rnnPresetConfig(preset: RnnPresetName, family: RnnFamily, vocabSize: number, seed = 1337,
  overrides: Partial<RnnConfig> = {}): RnnConfig {
  const base = RNN_PRESETS[preset];
  if (base === undefined) {
    throw new LabError('invalid_input', `Preset "${String(preset)}" does not exist (choose tiny, small or base).`, { field: 'preset' });
  }
  return validateRnnConfig({ ...base, family, vocabSize, seed, ...overrides });
}

function quote(value: unknown): string {
  return typeof value === 'number' ? String(value) : JSON.stringify(value);
}

function whole(value: unknown, field: string, min: number, max: number, hint: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new LabError('invalid_input', `${field} is ${quote(value)}, but it must be a whole number from ${min} to ${max} (${hint}).`, { field });
  }
  return value;
}

/** Checks every field and returns a clean copy; throws LabError naming the first bad field. */
export function validateRnnConfig(input: Partial<RnnConfig> & Record<string, unknown>): RnnConfig {
  const family = input.family;
  if (!isRnnFamily(family)) {
    throw new LabError('invalid_input', `family is ${JSON.stringify(family)}, but an RNN language model is "gru" or "lstm".`, { field: 'family' });
  }
  const vocabSize = whole(input.vocabSize, 'vocabSize', 2, 1_000_000, 'it comes from the tokenizer');
  const nLayer = whole(input.nLayer, 'nLayer', 1, 16, 'at least one recurrent layer');
  const dModel = whole(input.dModel, 'dModel', 1, 8192, 'the hidden units of each layer');
  const dEmbed = whole(input.dEmbed ?? dModel, 'dEmbed', 1, 8192, 'the width of the token embedding');
  const contextLength = whole(input.contextLength, 'contextLength', 2, 8192, 'the window trained through at once');
  const dropout = input.dropout;
  if (typeof dropout !== 'number' || !Number.isFinite(dropout) || dropout < 0 || dropout >= 1) {
    throw new LabError('invalid_input', `dropout is ${quote(dropout)}, but it must be a number from 0 up to (not including) 1.`, { field: 'dropout' });
  }
  const seed = whole(input.seed ?? 0, 'seed', 0, 0xffffffff, 'any 32-bit unsigned number');
  return { family, vocabSize, nLayer, dModel, dEmbed, contextLength, dropout, seed };
}

/** Trainable floats: embedding (V,E); per layer W_ih (G*H, E or H), W_hh (G*H, H) and two biases (G*H), G = 3 gates
 *  for GRU, 4 for LSTM; the output layer (V,H) + (V). Matches the model's parameter table (main/ml/rnn/lm.ts). */
export function rnnParameterCount(c: RnnConfig): number {
  const G = c.family === 'gru' ? 3 : 4;
  const H = c.dModel;
  let stack = 0;
  for (let l = 0; l < c.nLayer; l++) stack += G * H * (l === 0 ? c.dEmbed : H) + G * H * H + 2 * G * H;
  return c.vocabSize * c.dEmbed + stack + c.vocabSize * H + c.vocabSize;
}
