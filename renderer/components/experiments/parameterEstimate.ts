// Pure estimate of both models' parameter counts for the wizard, before the lab creates the runs (which report the exact ones).

export type PresetName = 'tiny' | 'small' | 'base';

/**
 * The preset sizes of the lab's model presets (main/ml/config.ts PRESETS, which needs Node and so cannot be bundled
 * here); a unit test checks both tables agree. Positions are learned in every preset.
 */
export const PRESET_SIZES: Record<PresetName, { nLayer: number; nHead: number; dModel: number; dFF: number; contextLength: number }> = {
  tiny: { nLayer: 2, nHead: 2, dModel: 64, dFF: 256, contextLength: 64 },
  small: { nLayer: 4, nHead: 4, dModel: 128, dFF: 512, contextLength: 128 },
  base: { nLayer: 6, nHead: 6, dModel: 192, dFF: 768, contextLength: 256 },
};

/**
 * Trainable parameters of a pre-norm Transformer of this preset over `vocabSize` tokens (tied input/output embedding).
 * Per layer: two LayerNorms (2·2C), fused QKV (3C² + 3C), attention output (C² + C), MLP (FC + F and CF + C).
 * Both models: token and position embeddings and a final LayerNorm. BERT adds 2 segment embeddings, the MLM head's
 * dense + LayerNorm + output bias, and the pooler.
 */
export function estimateParameters(preset: PresetName, family: 'gpt' | 'bert', vocabSize: number): number {
  const { nLayer, dModel: C, dFF: F, contextLength: T } = PRESET_SIZES[preset];
  const perLayer = 4 * C + (3 * C * C + 3 * C) + (C * C + C) + (F * C + F) + (C * F + C);
  let n = vocabSize * C + T * C + nLayer * perLayer + 2 * C;
  if (family === 'bert') n += 2 * C + (C * C + C + 2 * C + vocabSize) + (C * C + C);
  return n;
}
