// The seq2seq arm job's plain-data spec (one variant and seed of a "with vs without attention" experiment) and the
// quality file it leaves in its run folder. Structured-clone safe: it crosses to a worker as it is.
import type { Seq2seqConfig, Seq2seqVariant } from '../../../common/seq2seq-config';
import type { Pair, PairSplits } from '../../data/pairs/tasks';
import type { LengthPolicy, LengthReport } from '../../ml/seq2seq/batch';
import type { ArmBudget, ArmEvaluation } from '../../ml/seq2seq/experiment';
import type { SideTokens } from '../../ml/seq2seq/side-vocab';
import type { BucketQuality, Quality } from '../../ml/seq2seq/metrics/quality';
import type { KernelPreference } from '../../../native-kernels/index';

export interface Seq2seqJobSpec {
  runId: number;
  variant: Seq2seqVariant;
  /** the model, built by the service from the same prepared pairs (so its vocabulary sizes match the worker's) */
  config: Seq2seqConfig;
  /** every arm of an experiment gets the same splits, tokenized the same way (a lab tokenizer travels as its JSON) */
  splits: PairSplits;
  sides: { source: SideTokens; target: SideTokens };
  limits: { maxSrcLen: number; maxTgtLen: number; policy: LengthPolicy };
  budget: ArmBudget;
  evaluation: ArmEvaluation;
  /** weight snapshots spread over the run (checkpoints for the alignment slider), the last step included */
  snapshots: number;
  /** absolute folder of this run's files: step-<n>/ checkpoints and quality.json */
  runDir: string;
  threads: number | null;
  kernels: KernelPreference;
}

/** <runDir>/quality.json: the arm measured on the held-out pairs after training. */
export interface Seq2seqQualityFile {
  variant: Seq2seqVariant;
  step: number;
  parameters: number;
  trainSeconds: number;
  tokensPerSecond: number;
  decodeSeconds: number;
  overall: Quality;
  buckets: BucketQuality[];
  lengths: LengthReport;
  /** a few held-out pairs, shortest to longest, that the alignment view offers */
  examples: Pair[];
}

export const QUALITY_FILE = 'quality.json';
