// The interactive probe of a comparison: several runs answer the same question side by side — the top-k fillers of
// each [MASK] (BERT from both sides, GPT from the text left of the blank) and a greedy continuation of a prompt.
import type { ChannelArgs, ChannelOutput } from '../../../common/api';
import type { LabContext } from '../app/context';
import { continueGreedy, type LoadedRun } from '../../jobs/measure/models';
import { loadRunModel } from '../runs/checkpoints';
import { LabError } from '../../../common/errors';

type FillAnswer = ChannelOutput<'probe.fill'>[number];

/** Softmax top-k of one logits row. */
function topK(row: Float32Array, k: number): Array<{ id: number; probability: number }> {
  let max = -Infinity;
  for (const x of row) if (x > max) max = x;
  let sum = 0;
  for (const x of row) sum += Math.exp(x - max);
  const ids = Array.from(row.keys()).sort((a, b) => row[b] - row[a] || a - b).slice(0, k);
  return ids.map((id) => ({ id, probability: Math.exp(row[id] - max) / sum }));
}

function logitsOf(m: LoadedRun, tokens: Int32Array): Float32Array {
  const T = m.model.config.contextLength;
  if (tokens.length > T) {
    throw new LabError('invalid_input', `The text is ${tokens.length} tokens long, more than run ${m.runId}'s context of ${T}; shorten it.`, { field: 'text' });
  }
  m.model.forward({ B: 1, T: tokens.length, tokens, targets: null }, { train: false });
  return m.model.logits();
}

/**
 * One run's answer. BERT reads [CLS] + the whole text with every [MASK] at once. GPT reads, for each [MASK] in
 * turn, the text before it, earlier blanks filled with its own best guess; a [MASK] at the very start has no left
 * context, so GPT cannot answer it.
 */
function fillOne(m: LoadedRun, text: string, k: number): FillAnswer {
  const maskId = m.tokenizer.specialId('[MASK]');
  const ids = Array.from(m.tokenizer.encode(text).ids);
  const positions = ids.flatMap((id, i) => (id === maskId ? [i] : []));
  const V = m.model.config.vocabSize;
  const filled = [...ids];
  const masks: FillAnswer['masks'] = [];
  if (m.family === 'bert') {
    const prefix = m.clsId !== null ? [m.clsId] : [];
    const logits = logitsOf(m, Int32Array.from([...prefix, ...ids]));
    positions.forEach((p, index) => {
      const r = p + prefix.length;
      const candidates = topK(logits.subarray(r * V, (r + 1) * V), k);
      filled[p] = candidates[0].id;
      masks.push({ index, candidates: candidates.map((c) => ({ token: m.tokenizer.decode([c.id]), probability: c.probability })) });
    });
  } else {
    positions.forEach((p, index) => {
      if (p === 0) {
        throw new LabError('invalid_input', `The text starts with [MASK]; GPT run ${m.runId} reads only what is left of a blank, so put some text before it.`, { field: 'text' });
      }
      const left = Int32Array.from(filled.slice(Math.max(0, p - m.model.config.contextLength), p));
      const logits = logitsOf(m, left);
      const candidates = topK(logits.subarray((left.length - 1) * V, left.length * V), k);
      filled[p] = candidates[0].id;
      masks.push({ index, candidates: candidates.map((c) => ({ token: m.tokenizer.decode([c.id]), probability: c.probability })) });
    });
  }
  return { runId: m.runId, family: m.family, step: m.step, masks, filled: m.tokenizer.decode(filled) };
}

export function probeFill(ctx: LabContext, input: ChannelArgs<'probe.fill'>): ChannelOutput<'probe.fill'> {
  if (!input.text.includes('[MASK]')) {
    throw new LabError('invalid_input', `The text ${JSON.stringify(input.text.length > 60 ? `${input.text.slice(0, 57)}…` : input.text)} has no [MASK]; write [MASK] where a token should be predicted.`, { field: 'text' });
  }
  return input.runIds.map((id) => fillOne(loadRunModel(ctx, id), input.text, input.topK));
}

export function probeContinue(ctx: LabContext, input: ChannelArgs<'probe.continue'>): ChannelOutput<'probe.continue'> {
  return input.runIds.map((id) => {
    const m = loadRunModel(ctx, id);
    const ids = m.tokenizer.encode(input.prompt).ids;
    if (ids.length === 0) throw new LabError('invalid_input', 'The prompt gives no tokens; type some text to continue.', { field: 'prompt' });
    const out = continueGreedy(m, ids, input.maxTokens);
    return { runId: id, family: m.family, step: m.step, continuation: m.tokenizer.decode(out) };
  });
}
