// The lab's one way to fill blanks and continue text with a trained model: probe.fill / probe.continue (the compare
// page, `attention-lab fill` and `sample`, all answered in the analysis worker) and a comparison's measured
// continuations go through here. GPT continues with its next-token distribution and fills a blank from the text left
// of it; BERT fills every blank at once from both sides and continues by iterative mask-predict; a GRU/LSTM continues
// from its carried state.
import { getKernels } from '../../native-kernels/index';
import { LabError } from '../../common/errors';
import { loadTokenizer, nonTextSpecialIds, type TextTokenizer } from '../data/tokenizers/index';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BertModel } from './bert';
import type { GptModel } from './gpt';
import { loadForInference } from './inference';
import type { TransformerModel } from './model';
import { Rng } from './rng';
import { loadRnnCheckpoint } from './rnn/checkpoint';
import type { RnnLanguageModel } from './rnn/lm';
import { continueRnn } from './rnn/sample';
import { checkGenerateOptions, fillMask, generate, pickNext, topCandidates, type GenerateOptions } from './sample';

/** A GPT or BERT checkpoint loaded for probing, with the special tokens the probes need. */
export interface TransformerProbe {
  runId: number;
  family: 'gpt' | 'bert';
  model: TransformerModel;
  tokenizer: TextTokenizer;
  /** the step of the checkpoint */
  step: number;
  /** BERT: [MASK] and the optional [CLS] the model was trained to read first (maskId -1: a GPT without one) */
  maskId: number;
  clsId: number | null;
}

/** A GRU/LSTM language model's checkpoint loaded for continuing text. */
export interface RnnProbe {
  runId: number;
  family: 'gru' | 'lstm';
  model: RnnLanguageModel;
  tokenizer: TextTokenizer;
  step: number;
}

export type ProbeModel = TransformerProbe | RnnProbe;
export type ProbeFamily = ProbeModel['family'];

/** Where a run's checkpoint lies (plain data, so a worker process can load it). */
export interface ProbeCheckpoint {
  runId: number;
  family: ProbeFamily;
  /** absolute folder with model.safetensors and tokenizer.json */
  dir: string;
}

function optionalSpecial(tokenizer: TextTokenizer, token: '[CLS]' | '[MASK]' | '[EOS]'): number | null {
  try {
    return tokenizer.specialId(token);
  } catch {
    return null;
  }
}

/** A loaded GPT/BERT checkpoint as a probe model; refuses a BERT whose tokenizer has no [MASK]. */
export function transformerProbe(runId: number, family: 'gpt' | 'bert', loaded: { model: TransformerModel; tokenizer: TextTokenizer; step: number }): TransformerProbe {
  const { model, tokenizer, step } = loaded;
  const maskId = optionalSpecial(tokenizer, '[MASK]');
  if (family === 'bert' && maskId === null) {
    throw new LabError('invalid_input', `The tokenizer of BERT run ${runId} has no [MASK] token, so it cannot fill blanks.`, { field: 'runIds' });
  }
  return { runId, family, model, tokenizer, step, maskId: maskId ?? -1, clsId: optionalSpecial(tokenizer, '[CLS]') };
}

/** Loads a GPT/BERT checkpoint folder: its weights and its own tokenizer.json. */
export function loadTransformerProbe({ runId, family, dir }: ProbeCheckpoint & { family: 'gpt' | 'bert' }): TransformerProbe {
  return transformerProbe(runId, family, loadForInference(getKernels(), dir));
}

/** Loads any probe-able checkpoint folder (GPT, BERT, GRU, LSTM). */
export function loadProbeModel(ckpt: ProbeCheckpoint): ProbeModel {
  if (ckpt.family === 'gpt' || ckpt.family === 'bert') return loadTransformerProbe({ ...ckpt, family: ckpt.family });
  const { model, step } = loadRnnCheckpoint(getKernels(), ckpt.dir);
  const tokenizer = loadTokenizer(readFileSync(join(ckpt.dir, 'tokenizer.json'), 'utf8'));
  return { runId: ckpt.runId, family: ckpt.family, model, tokenizer, step };
}

/** Logits (T,V) of one sequence, read from the model's reusable buffer (valid until the next forward). */
export function forwardLogits(m: TransformerProbe, tokens: Int32Array): Float32Array {
  m.model.forward({ B: 1, T: tokens.length, tokens, targets: null }, { train: false });
  return m.model.logits().subarray(0, tokens.length * m.model.config.vocabSize);
}

export interface ContinueOptions {
  maxTokens: number;
  /** 0 = always the most likely token (the default) */
  temperature?: number;
  topK?: number;
  topP?: number;
  seed?: number;
  /** GPT: stop after producing [EOS] (it is kept in the output) */
  stopAtEnd?: boolean;
  /** BERT: how many [MASK]s follow the context in each mask-predict step */
  lookahead?: number;
}

/**
 * Continues `prompt` by up to maxTokens tokens; never produces a token without text ([PAD], [MASK], …). GPT: its
 * next-token distribution (ml/sample.ts generate). BERT: iterative mask-predict — the context, then `lookahead`
 * [MASK]s; the leftmost is picked and the window moves on. GRU/LSTM: one step per token from the carried state.
 */
export function continueTokens(m: ProbeModel, prompt: Int32Array, o: ContinueOptions): Int32Array {
  const pick = { maxTokens: o.maxTokens, temperature: o.temperature ?? 0, topK: o.topK ?? 0, topP: o.topP ?? 1, seed: o.seed ?? 0 };
  const banIds = nonTextSpecialIds(m.tokenizer);
  if (m.family === 'gru' || m.family === 'lstm') return continueRnn(m.model, prompt, { ...pick, banIds });
  if (m.family === 'gpt') {
    const eosId = o.stopAtEnd === true ? optionalSpecial(m.tokenizer, '[EOS]') ?? undefined : undefined;
    return generate(m.model as GptModel, prompt, { ...pick, eosId, banIds });
  }
  checkGenerateOptions(prompt, pick);
  return maskPredict(m as TransformerProbe, prompt, pick, banIds, o.lookahead ?? 4);
}

/** BERT's continuation: the context, then `lookahead` [MASK]s; the leftmost is picked and the window moves on. */
function maskPredict(m: TransformerProbe, prompt: Int32Array, pick: GenerateOptions & { seed: number }, banIds: readonly number[], lookahead: number): Int32Array {
  const T = m.model.config.contextLength;
  const V = m.model.config.vocabSize;
  const rng = new Rng(pick.seed);
  const tokens = Array.from(prompt);
  const out: number[] = [];
  for (let i = 0; i < pick.maxTokens; i++) {
    const masks = Math.min(lookahead, pick.maxTokens - i);
    const room = Math.max(1, (m.clsId !== null ? T - 1 : T) - masks);
    const input = Int32Array.from([...(m.clsId !== null ? [m.clsId] : []), ...tokens.slice(-room), ...new Array<number>(masks).fill(m.maskId)]);
    const at = input.length - masks;
    // an untrained model may rank [PAD] or [MASK] first: tokens without text are never picked
    const next = pickNext(forwardLogits(m, input).subarray(at * V, (at + 1) * V), { ...pick, banIds }, rng);
    tokens.push(next);
    out.push(next);
  }
  return Int32Array.from(out);
}

export interface FilledBlanks {
  /** per [MASK] in order, the k most likely tokens, best first */
  masks: Array<{ index: number; candidates: Array<{ id: number; token: string; probability: number }> }>;
  /** the text with every [MASK] replaced by its most likely token */
  filled: string;
}

/**
 * The top-k fillers of every [MASK] in `text`. BERT reads [CLS] + the whole text with every [MASK] at once, as in
 * training. GPT reads, for each [MASK] in turn, the text before it, earlier blanks filled with its own best guess; a
 * [MASK] at the very start has no left context, so GPT cannot answer it.
 */
export function fillBlanks(m: TransformerProbe, text: string, k: number): FilledBlanks {
  const ids = Array.from(m.tokenizer.encode(text).ids);
  const filled = [...ids];
  const named = (c: { id: number; probability: number }): { id: number; token: string; probability: number } =>
    ({ id: c.id, token: m.tokenizer.decode([c.id]), probability: c.probability });
  const masks: FilledBlanks['masks'] = [];
  if (m.family === 'bert') {
    const prefix = m.clsId !== null ? [m.clsId] : [];
    fillMask(m.model as BertModel, Int32Array.from([...prefix, ...ids]), m.maskId, k).forEach((p, index) => {
      filled[p.position - prefix.length] = p.candidates[0].id;
      masks.push({ index, candidates: p.candidates.map(named) });
    });
  } else {
    const T = m.model.config.contextLength;
    const V = m.model.config.vocabSize;
    ids.forEach((id, p) => {
      if (id !== m.maskId) return;
      if (p === 0) {
        throw new LabError('invalid_input', `The text starts with [MASK]; GPT run ${m.runId} reads only what is left of a blank, so put some text before it.`, { field: 'text' });
      }
      const left = Int32Array.from(filled.slice(Math.max(0, p - T), p));
      const candidates = topCandidates(forwardLogits(m, left).subarray((left.length - 1) * V, left.length * V), k);
      filled[p] = candidates[0].id;
      masks.push({ index: masks.length, candidates: candidates.map(named) });
    });
  }
  return { masks, filled: m.tokenizer.decode(filled) };
}
