// Weight initialisation of GPT and BERT: GPT-2's scheme for most tensors, and the starting scale of the attention
// projections (Q/K/V), which decides how long a small masked-LM sits on its unigram plateau (bench/RESULTS.md, issue 14).
import type { ModelConfig } from '../../common/model-config';
import type { NamedBuffer } from './params';
import { mixSeed, Rng } from './rng';

/**
 * How the q | k | v projection matrix (3C, C) of every layer starts:
 * - 'normal': N(0, 0.02) like every other matrix (GPT-2, nanoGPT);
 * - 'xavier': uniform in ±sqrt(6 / (C + 3C)) over the whole (3C, C) matrix, as torch.nn.MultiheadAttention's
 *   in_proj_weight (std ≈ 0.088 at C = 64, 4.4× GPT-2's): attention scores start spread out instead of near zero,
 *   so the gradient that teaches attention where to look is larger from the first step.
 */
export type QkvInit = 'normal' | 'xavier';

/** What a fresh model of a family starts from (measured, bench/RESULTS.md "Issue 14"). */
export const DEFAULT_QKV_INIT: QkvInit = 'xavier';

/** GPT-2 style init: N(0, 0.02) for linear matrices and embeddings, the projections into the residual stream (c_proj)
 *  scaled by 1/sqrt(2L) so its variance does not grow with depth, LayerNorm gains 1, biases 0; then the Q/K/V
 *  matrices as `qkv` says. One seeded stream per tensor kind, so the choice of `qkv` changes no other tensor. */
export function initWeights(params: NamedBuffer, config: ModelConfig, qkv: QkvInit = DEFAULT_QKV_INIT): void {
  const rng = new Rng(config.seed);
  const projStd = 0.02 / Math.sqrt(2 * config.nLayer);
  for (const s of params.table.specs) {
    const v = params.view(s.name);
    if (s.role === 'norm-gain') v.fill(1);
    else if (s.role === 'linear' || s.role === 'embedding') {
      const std = s.name.endsWith('c_proj.weight') ? projStd : 0.02;
      for (let i = 0; i < v.length; i++) v[i] = rng.normal() * std;
    } else v.fill(0);
  }
  if (qkv !== 'normal') initQkvWeights(params, config, qkv);
}

/** Re-initialises every layer's h.{i}.attn.c_attn.weight (3C, C) as `qkv` says, from its own seeded stream. */
export function initQkvWeights(params: NamedBuffer, config: ModelConfig, qkv: QkvInit): void {
  const C = config.dModel;
  for (let layer = 0; layer < config.nLayer; layer++) {
    const w = params.view(`h.${layer}.attn.c_attn.weight`);
    const rng = new Rng(mixSeed(config.seed, 0x71c7, layer));
    if (qkv === 'normal') {
      for (let i = 0; i < w.length; i++) w[i] = rng.normal() * 0.02;
    } else {
      const bound = Math.sqrt(6 / (C + 3 * C));
      for (let i = 0; i < w.length; i++) w[i] = (2 * rng.next() - 1) * bound;
    }
  }
}
