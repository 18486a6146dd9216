// BERT masked-LM corruption: pick 15% of real tokens; of those 80% become [MASK], 10% a random token, 10% stay.
import { IGNORE_INDEX } from './model';
import type { Rng } from './rng';
import { LabError } from '../../common/errors';

export interface MaskingOptions {
  maskId: number;
  vocabSize: number;
  /** ids never chosen for prediction ([CLS], [SEP], [PAD] ...) and never drawn as random replacements */
  specialIds?: readonly number[];
  /** fraction of eligible tokens to predict (default 0.15) */
  probability?: number;
}

export interface MaskedTokens {
  /** the corrupted input */
  inputs: Int32Array;
  /** the original token where a prediction is asked, IGNORE_INDEX elsewhere */
  targets: Int32Array;
}

/** Masks tokens (any shape, flat) with the given RNG; positions with keyMask 0 (padding) are never chosen.
 *  At least one eligible position is always chosen, so every sequence with real tokens has a loss. */
export function maskTokens(tokens: Int32Array, rng: Rng, opts: MaskingOptions, keyMask: Uint8Array | null = null): MaskedTokens {
  const p = opts.probability ?? 0.15;
  if (!(p > 0 && p < 1)) throw new LabError('invalid_input', `Masking probability ${p} must be between 0 and 1 (BERT uses 0.15).`, { field: 'probability' });
  if (!Number.isInteger(opts.maskId) || opts.maskId < 0 || opts.maskId >= opts.vocabSize) {
    throw new LabError('invalid_input', `The [MASK] id ${opts.maskId} is outside the vocabulary of ${opts.vocabSize}; the tokenizer needs a [MASK] token for BERT.`, { field: 'maskId' });
  }
  const special = new Set(opts.specialIds ?? []);
  special.add(opts.maskId);
  const inputs = Int32Array.from(tokens);
  const targets = new Int32Array(tokens.length).fill(IGNORE_INDEX);
  const eligible: number[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if ((keyMask === null || keyMask[i] !== 0) && !special.has(tokens[i])) eligible.push(i);
  }
  let chosen = 0;
  for (const i of eligible) {
    if (rng.next() >= p) continue;
    corrupt(i);
    chosen++;
  }
  if (chosen === 0 && eligible.length > 0) corrupt(eligible[rng.int(eligible.length)]);
  return { inputs, targets };

  function corrupt(i: number): void {
    targets[i] = tokens[i];
    const r = rng.next();
    if (r < 0.8) inputs[i] = opts.maskId;
    else if (r < 0.9) inputs[i] = randomNonSpecial();
  }

  function randomNonSpecial(): number {
    for (let tries = 0; tries < 64; tries++) {
      const id = rng.int(opts.vocabSize);
      if (!special.has(id)) return id;
    }
    return opts.maskId;
  }
}
