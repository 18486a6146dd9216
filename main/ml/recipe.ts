// The training recipe of each preset and family: learning rate, batch, warm-up, BERT's masking rate, and the
// learning-rate sweep of a fair comparison. Chosen by measurement on tinyshakespeare (bench/RESULTS.md, issue 14:
// bench/train/recipe_bench.ts for the lab's engine, torch_recipe.py for the same experiment in PyTorch).
import type { ModelFamily, PresetName } from '../../common/model-config';
import { sweepCandidates } from './lr-sweep';

export interface Recipe {
  /** peak learning rate (AdamW, warm-up then cosine to lr / 10) */
  lr: number;
  batchSize: number;
  /** BERT: share of tokens chosen for prediction in training (evaluation always masks 15%); GPT: unused */
  maskProbability: number;
}

/**
 * Per preset and family. Measured at tiny (2,000 steps, char tokenizer): Xavier Q/K/V (init.ts) takes BERT from
 * 21.6% to 30.0% masked accuracy and masking 40% of the tokens in training to 40.6% (PyTorch: 23.1% → 33.4% → 39.0%
 * at 30%); 3e-3 is the best of the rates tried for both families (1e-2 leaves BERT on the unigram plateau).
 * small and base keep their earlier rates and BERT's standard 15% until they are measured the same way.
 */
const RECIPES: Record<PresetName, Record<ModelFamily, Recipe>> = {
  tiny: { gpt: { lr: 3e-3, batchSize: 16, maskProbability: 0.15 }, bert: { lr: 3e-3, batchSize: 16, maskProbability: 0.4 } },
  small: { gpt: { lr: 1e-3, batchSize: 16, maskProbability: 0.15 }, bert: { lr: 1e-3, batchSize: 16, maskProbability: 0.15 } },
  base: { gpt: { lr: 6e-4, batchSize: 8, maskProbability: 0.15 }, bert: { lr: 6e-4, batchSize: 8, maskProbability: 0.15 } },
};

export function recipeFor(preset: PresetName, family: ModelFamily): Recipe {
  return RECIPES[preset][family];
}

/** Warm-up steps of a run of `steps`: a tenth of the run, at most 100. */
export function warmupSteps(steps: number): number {
  return Math.min(100, Math.floor(steps / 10));
}

/** The sweep of a fair comparison: three rates around the recipe's (÷3, ×1, ×3), each trained for a tenth of the
 *  run's steps (at least 20, at most 300) from the same initial weights. */
export function sweepPlan(preset: PresetName, family: ModelFamily, steps: number): { candidates: number[]; steps: number } {
  return { candidates: sweepCandidates(recipeFor(preset, family).lr), steps: Math.max(20, Math.min(300, Math.round(steps / 10))) };
}
