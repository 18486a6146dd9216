// Seq2seq shapes of the API contract: the "with vs without attention" experiment (its request, the report of every
// arm by source-length bucket, the verdicts) and the alignment view (attention matrices, decoder steps).
import { z } from 'zod';
import { ALIGNMENT_FUNCTIONS, SEQ2SEQ_VARIANTS } from '../seq2seq-config';

export const Seq2seqVariantName = z.enum(SEQ2SEQ_VARIANTS);
export const AlignmentFunctionName = z.enum(ALIGNMENT_FUNCTIONS);
export const Seq2seqTaskName = z.enum(['copy', 'reverse', 'sort', 'addition', 'dates', 'number-words-en', 'number-words-zh']);
export const Seq2seqMetric = z.enum(['exactMatch', 'tokenAccuracy', 'bleu', 'chrf']);

/** Quality of decoded held-out outputs: shares 0..1, BLEU and chrF 0..100. */
export const Seq2seqQuality = z.object({
  pairs: z.number().int(),
  exactMatch: z.number(),
  tokenAccuracy: z.number(),
  bleu: z.number(),
  chrf: z.number(),
});

/** The quality of the held-out sources of lo..hi tokens. */
export const Seq2seqBucket = Seq2seqQuality.extend({ lo: z.number().int(), hi: z.number().int() });

/** One seed of one arm: its run, cost and (once trained and measured) quality. */
export const Seq2seqArmSeed = z.object({
  seed: z.number().int(),
  runId: z.number().int().nullable(),
  status: z.enum(['queued', 'running', 'paused', 'completed', 'stopped', 'failed', 'crashed']),
  step: z.number().int(),
  parameters: z.number().int(),
  /** wall seconds of training (validation included) */
  trainSeconds: z.number().nullable(),
  /** target tokens per second of optimizer steps */
  tokensPerSecond: z.number().nullable(),
  overall: Seq2seqQuality.nullable(),
  buckets: z.array(Seq2seqBucket),
});

export const Seq2seqArm = z.object({ variant: Seq2seqVariantName, seeds: z.array(Seq2seqArmSeed) });

/** A figure over seeds: mean and sample standard deviation (null with fewer than two seeds or none measured). */
export const SeedStat = z.object({ mean: z.number().nullable(), std: z.number().nullable(), n: z.number().int() });

/**
 * A verdict as data, worded by the UI (`seq2seq.verdicts.<key>`, en and zh-CN) and the CLI (the same English): computed
 * from the numbers by common/seq2seq/verdicts.ts. tone: 'clear' (a difference beyond the seeds' spread, or a clear trend),
 * 'tie' (within it), 'unmeasured' (not enough finished arms to say).
 */
export const Seq2seqVerdict = z.object({
  id: z.string(),
  tone: z.enum(['clear', 'tie', 'unmeasured']),
  key: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number()])),
});

export type Seq2seqQualityT = z.infer<typeof Seq2seqQuality>;
export type Seq2seqBucketT = z.infer<typeof Seq2seqBucket>;
export type Seq2seqArmSeedT = z.infer<typeof Seq2seqArmSeed>;
export type Seq2seqArmT = z.infer<typeof Seq2seqArm>;
export type Seq2seqVerdictT = z.infer<typeof Seq2seqVerdict>;
export type Seq2seqMetricT = z.infer<typeof Seq2seqMetric>;
export type SeedStatT = z.infer<typeof SeedStat>;
