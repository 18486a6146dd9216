// One arm of the "with vs without attention" experiment, engine side: the pairs prepared once for every arm (vocabularies
// per side, encoded splits, length limits), a variant's model built from the shared sizes, trained on the shared
// budget, measured on the held-out pairs by source-length bucket, with weight snapshots for the alignment slider.
import type { Kernels } from '../../../native-kernels/kernels';
import { LabError } from '../../../common/errors';
import { seq2seqParameterCount, validateSeq2seqConfig, type RnnCell, type Seq2seqConfig, type Seq2seqVariant } from '../../../common/seq2seq-config';
import type { Pair, PairSplits } from '../../data/pairs/tasks';
import { applyLengthLimits, type EncodedPairs, type LengthPolicy, type LengthReport } from './batch';
import type { BleuTokenizer } from './metrics/bleu';
import { lengthBuckets, qualityByLength, type BucketQuality, type Prediction, type Quality } from './metrics/quality';
import type { Seq2seqModel } from './model';
import { RnnSeq2seq } from './rnn-seq2seq';
import { decodePairs, Seq2seqTrainer, type Seq2seqEvalMetrics, type Seq2seqStepMetrics } from './train';
import { TransformerSeq2seq } from './transformer';
import { buildSideVocab, type SideTokens, type SideVocab } from './side-vocab';

/** The pairs every arm trains and is measured on. */
export interface PreparedPairs {
  source: SideVocab;
  target: SideVocab;
  train: EncodedPairs;
  validation: EncodedPairs;
  test: EncodedPairs;
  /** the held-out pairs' texts, in test order (references for the metrics) */
  testPairs: Pair[];
  /** longest source and target (with [EOS]) over every split, after the limits */
  maxSrcLen: number;
  maxTgtLen: number;
  /** BLEU tokenization of the target side: 'char' for character targets, '13a' (sacrebleu's default) for words */
  bleuTokenize: BleuTokenizer;
  lengths: LengthReport;
}

/** Vocabularies from the training pairs (per side: characters, words or a lab tokenizer's pieces), every split encoded
 *  and held to the limits. */
export function preparePairs(splits: PairSplits, sides: { source: SideTokens; target: SideTokens }, limits: { maxSrcLen: number; maxTgtLen: number; policy: LengthPolicy }): PreparedPairs {
  if (splits.train.length === 0) throw new LabError('invalid_input', 'The training split has no pairs; give the experiment more pairs or a larger training share.', { field: 'pairs' });
  if (splits.test.length === 0) throw new LabError('invalid_input', 'The test split has no pairs, so nothing would be measured on held-out data; give the experiment more pairs or a test share.', { field: 'pairs' });
  const source = buildSideVocab(splits.train.map((p) => p.source), sides.source);
  const target = buildSideVocab(splits.train.map((p) => p.target), sides.target);
  const report: LengthReport = { truncated: 0, empty: 0 };
  const encode = (pairs: Pair[], what: string): { pairs: EncodedPairs; kept: number[] } => {
    const raw: EncodedPairs = { src: pairs.map((p) => Int32Array.from(source.encode(p.source))), tgt: pairs.map((p) => Int32Array.from(target.encode(p.target))) };
    const kept: number[] = [];
    raw.src.forEach((s, i) => { if (s.length > 0 && raw.tgt[i].length > 0) kept.push(i); });
    const { pairs: out, report: r } = applyLengthLimits(raw, limits.maxSrcLen, limits.maxTgtLen, limits.policy, what);
    report.truncated += r.truncated;
    report.empty += r.empty;
    return { pairs: out, kept };
  };
  const train = encode(splits.train, 'training pairs').pairs;
  const validation = encode(splits.validation, 'validation pairs').pairs;
  const test = encode(splits.test, 'test pairs');
  const all = [train, validation, test.pairs];
  return {
    source, target, train, validation, test: test.pairs, testPairs: test.kept.map((i) => splits.test[i]),
    maxSrcLen: Math.max(1, ...all.flatMap((p) => p.src.map((s) => s.length))),
    maxTgtLen: Math.max(2, ...all.flatMap((p) => p.tgt.map((t) => t.length + 1))),
    bleuTokenize: target.kind === 'chars' || target.kind === 'char' ? 'char' : '13a', lengths: report,
  };
}

/** The sizes every arm shares: the RNN arms differ only in their attention, the Transformer has its own widths. */
export interface ArmSizes {
  cell: RnnCell;
  embed: number;
  hidden: number;
  layers: number;
  bidirectional: boolean;
  attentionSize: number;
  dropout: number;
  transformer: { dModel: number; nHead: number; nLayer: number; dFF: number };
}

export function variantConfig(variant: Seq2seqVariant, sizes: ArmSizes, data: PreparedPairs, seed: number): Seq2seqConfig {
  const common = { srcVocab: data.source.vocabSize, tgtVocab: data.target.vocabSize, maxSrcLen: data.maxSrcLen, maxTgtLen: data.maxTgtLen, seed };
  if (variant === 'transformer') return validateSeq2seqConfig({ arch: 'transformer', ...common, ...sizes.transformer });
  const { cell, embed, hidden, layers, bidirectional, attentionSize, dropout } = sizes;
  return validateSeq2seqConfig({ arch: 'rnn', ...common, cell, embed, hidden, layers, bidirectional, attentionSize, dropout, attention: variant });
}

export function createSeq2seqModel(k: Kernels, config: Seq2seqConfig, init = true): Seq2seqModel {
  return config.arch === 'transformer' ? new TransformerSeq2seq(k, config, init) : new RnnSeq2seq(k, config, init);
}

export interface ArmBudget {
  steps: number;
  batchSize: number;
  lr: number;
  /** the Transformer arm's peak learning rate (lr is the RNN arms') */
  transformerLr: number;
  warmupSteps: number;
  teacherForcing: number;
  evalEvery: number;
}

export interface ArmEvaluation {
  /** 1 = greedy */
  beam: number;
  /** how many source-length buckets */
  buckets: number;
}

export interface ArmResult {
  config: Seq2seqConfig;
  parameters: number;
  status: 'finished' | 'stopped' | 'diverged';
  reason: string | null;
  steps: number;
  /** wall seconds of training, validation passes included */
  trainSeconds: number;
  /** target tokens trained on per second of optimizer steps (validation excluded) */
  tokensPerSecond: number;
  lastLoss: number;
  lastEval: Seq2seqEvalMetrics | null;
  overall: Quality;
  buckets: BucketQuality[];
  decodeSeconds: number;
}

export interface ArmCallbacks {
  onStep?: (m: Seq2seqStepMetrics) => void;
  onEval?: (m: Seq2seqEvalMetrics) => void;
  /** a snapshot of the weights at `step` (copy them if kept: the buffer keeps training) */
  onSnapshot?: (step: number, model: Seq2seqModel) => void;
  shouldStop?: () => boolean;
}

/** The steps at which an arm's weights are snapshotted for the alignment slider: `count` points spread over the run,
 *  the last step included. */
export function snapshotSteps(steps: number, count: number): number[] {
  const n = Math.max(0, Math.min(count, steps));
  return Array.from({ length: n }, (_, i) => Math.round(((i + 1) * steps) / n));
}

/** Trains one arm and measures it on the held-out pairs. */
export async function runArm(k: Kernels, config: Seq2seqConfig, data: PreparedPairs, budget: ArmBudget, evaluation: ArmEvaluation,
  snapshots: number, cb: ArmCallbacks = {}): Promise<ArmResult> {
  const model = createSeq2seqModel(k, config);
  const at = new Set(snapshotSteps(budget.steps, snapshots));
  const trainer = new Seq2seqTrainer(model, { train: data.train, val: data.validation }, {
    steps: budget.steps, batchSize: budget.batchSize, lr: config.arch === 'transformer' ? budget.transformerLr : budget.lr, warmupSteps: budget.warmupSteps, teacherForcing: budget.teacherForcing,
    evalEvery: budget.evalEvery, seed: config.seed, shouldStop: cb.shouldStop, onEval: cb.onEval,
    onStep: (m) => {
      cb.onStep?.(m);
      if (at.has(m.step)) cb.onSnapshot?.(m.step, model);
    },
  });
  const result = await trainer.run();
  const trainSeconds = result.seconds;
  const t0 = performance.now();
  const decoded = decodePairs(model, data.test, { beam: evaluation.beam, maxLength: config.maxTgtLen, batchSize: 128 });
  const decodeSeconds = (performance.now() - t0) / 1000;
  const preds: Prediction[] = decoded.map((d, i) => ({
    sourceLength: data.test.src[i].length, reference: data.target.decode(data.test.tgt[i]), hypothesis: data.target.decode(d.ids),
    referenceIds: Array.from(data.test.tgt[i]), hypothesisIds: d.ids,
  }));
  const lens = data.test.src.map((s) => s.length);
  const q = qualityByLength(preds, lengthBuckets(Math.min(...lens), Math.max(...lens), evaluation.buckets), data.bleuTokenize);
  return {
    config, parameters: seq2seqParameterCount(config), status: result.status, reason: result.reason, steps: result.step,
    trainSeconds, tokensPerSecond: trainer.targetTokens / Math.max(1e-9, trainer.stepSeconds), lastLoss: result.lastLoss, lastEval: result.lastEval,
    overall: q.overall, buckets: q.buckets, decodeSeconds,
  };
}
