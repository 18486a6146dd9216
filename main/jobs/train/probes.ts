// Evaluation probes stored as samples while a run trains: GPT continues a fixed validation prompt, BERT fills fixed
// masks in a fixed validation sentence, so the samples of one run show the same question answered better over time.
import { nonTextSpecialIds, type TextTokenizer } from '../../data/tokenizers/index';
import type { BertModel } from '../../ml/bert';
import type { GptModel } from '../../ml/gpt';
import { fillMask, generate } from '../../ml/sample';
import type { TransformerModel } from '../../ml/model';
import type { TrainJobMessage } from './protocol';

const PROMPT_TOKENS = 32;
const CONTINUATION_TOKENS = 64;
const FILL_WINDOW = 48;
/** fixed so the sample of step 100 and step 200 differ only by what the model learned */
const SAMPLE_SEED = 1234;
const SAMPLE_TEMPERATURE = 0.8;

type SampleMessage = Extract<TrainJobMessage, { type: 'sample' }>;

/** The first validation document long enough to probe with (or the longest one). */
function probeSource(val: Int32Array[], want: number): Int32Array | null {
  const long = val.find((d) => d.length >= want);
  if (long) return long;
  const nonEmpty = val.filter((d) => d.length > 0).sort((a, b) => b.length - a.length);
  return nonEmpty[0] ?? null;
}

/**
 * Builds the probe of a run once; calling it returns the sample for the model's current weights, or null when the
 * validation split has nothing to probe with. Mask positions: every 7th eligible token of the window (at least one),
 * about the share BERT is trained on, chosen by position so the question never changes between evaluations.
 */
export function makeProbe(model: TransformerModel, tokenizer: TextTokenizer, val: Int32Array[]): ((step: number) => SampleMessage) | null {
  const c = model.config;
  if (c.family === 'gpt') {
    const source = probeSource(val, PROMPT_TOKENS);
    if (source === null) return null;
    const prompt = source.slice(0, Math.min(PROMPT_TOKENS, c.contextLength - 1, source.length));
    const promptText = tokenizer.decode(prompt);
    const banIds = nonTextSpecialIds(tokenizer);
    return (step) => {
      const out = generate(model as GptModel, prompt, { maxTokens: CONTINUATION_TOKENS, temperature: SAMPLE_TEMPERATURE, seed: SAMPLE_SEED, banIds });
      return {
        type: 'sample', step, kind: 'continuation', prompt: promptText, output: tokenizer.decode(out),
        settings: { maxTokens: CONTINUATION_TOKENS, temperature: SAMPLE_TEMPERATURE, seed: SAMPLE_SEED },
      };
    };
  }
  const maskId = tokenizer.specialId('[MASK]');
  const clsId = tokenizer.specialId('[CLS]');
  const special = new Set(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', '[BOS]', '[EOS]'].map((t) => tokenizer.tokenToId(t)));
  const width = Math.min(FILL_WINDOW, c.contextLength - 1);
  const source = probeSource(val, width);
  if (source === null) return null;
  const window = source.slice(0, Math.min(width, source.length));
  const eligible = Array.from(window.keys()).filter((i) => !special.has(window[i]) && tokenizer.decode([window[i]]).trim() !== '');
  if (eligible.length === 0) return null;
  const chosen = eligible.filter((_, n) => n % 7 === 3);
  const positions = chosen.length > 0 ? chosen : [eligible[0]];
  const input = Int32Array.from([clsId, ...window]);
  for (const p of positions) input[p + 1] = maskId;
  const promptText = tokenizer.decode(input.subarray(1));
  const truth = positions.map((p) => tokenizer.decode([window[p]]));
  return (step) => {
    const predictions = fillMask(model as BertModel, input, maskId, 3);
    const filled = Int32Array.from(input.subarray(1));
    predictions.forEach((pr) => { filled[pr.position - 1] = pr.candidates[0].id; });
    const correct = predictions.filter((pr, i) => tokenizer.decode([pr.candidates[0].id]) === truth[i]).length;
    return {
      type: 'sample', step, kind: 'fill-mask', prompt: promptText, output: tokenizer.decode(filled),
      settings: {
        truth, correct, masks: positions.length,
        topTokens: predictions.map((pr) => pr.candidates.map((cand) => [tokenizer.decode([cand.id]), cand.probability])),
      },
    };
  };
}
