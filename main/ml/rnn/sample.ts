// Continuation for the RNN language models: the prompt is read once (in windows of the context length, the state
// carried across them), then each new token is one step from the carried state — no window slides, so an RNN
// continues with everything it has read, at a constant cost per token.
import { checkGenerateOptions, pickNext, type GenerateOptions } from '../sample';
import { Rng } from '../rng';
import type { RnnLanguageModel, RnnState } from './lm';

/** Continues `prompt` (token ids); returns only the new tokens (options as for GPT's generate). */
export function continueRnn(model: RnnLanguageModel, prompt: Int32Array, opts: GenerateOptions): Int32Array {
  checkGenerateOptions(prompt, opts);
  const rng = new Rng(opts.seed ?? 0);
  const { contextLength: W, vocabSize: V } = model.config;
  let state: RnnState | null = null;
  let last = 0;
  for (let at = 0; at < prompt.length; at += W) {
    const piece = prompt.subarray(at, Math.min(prompt.length, at + W));
    state = model.run(piece, 1, piece.length, state);
    last = piece.length - 1;
  }
  const out: number[] = [];
  const one = new Int32Array(1);
  for (let i = 0; i < opts.maxTokens; i++) {
    const next = pickNext(model.logits().subarray(last * V, (last + 1) * V), opts, rng);
    out.push(next);
    if ((opts.eosId !== undefined && next === opts.eosId) || i === opts.maxTokens - 1) break;
    one[0] = next;
    state = model.run(one, 1, 1, state);
    last = 0;
  }
  return Int32Array.from(out);
}
