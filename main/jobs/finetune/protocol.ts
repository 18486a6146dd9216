// The fine-tuning job's plain-data spec (structured-clone safe: it crosses to a worker as is). The lab side encodes
// the labelled splits with the parent's tokenizer; the job only trains, evaluates and checkpoints.
import type { ModelConfig } from '../../../common/model-config';
import type { KernelPreference } from '../../../native-kernels/index';
import type { HeadKind } from '../../ml/finetune/classifier';
import type { EncodedExample } from '../../ml/finetune/examples';
import type { ClassWeighting } from '../../ml/finetune/train';

/** Optimizer and loop settings of a fine-tune, recorded in the run's config so a resume continues the same schedule. */
export interface FinetuneSettings {
  epochs: number;
  batchSize: number;
  lr: number;
  warmupRatio: number;
  weightDecay: number;
  gradClip: number;
  /** epochs without a better validation macro-F1 before stopping (0 = never) */
  patience: number;
  classWeights: ClassWeighting;
  /** at least this many optimizer steps (few labels make short epochs) */
  minSteps: number;
  seed: number;
}

export interface FinetuneJobSpec {
  runId: number;
  /** the body's configuration (the parent's, or a preset's for a run from scratch) */
  model: ModelConfig;
  head: HeadKind;
  freeze: boolean;
  /** class names by index */
  classes: string[];
  /** absolute checkpoint folder of the pre-trained parent (its body weights), or null: a fresh body from model.seed */
  parentCheckpoint: string | null;
  training: FinetuneSettings;
  data: { train: EncodedExample[]; validation: EncodedExample[]; test: EncodedExample[] };
  /** the test texts (for the misclassified-examples browser), index-aligned with data.test */
  testTexts: string[];
  padId: number;
  tokenizerJson: string;
  runDir: string;
  /** an epoch checkpoint of this run to continue from, or null */
  resumeFrom: string | null;
  threads: number | null;
  kernels: KernelPreference;
}

/** classification.json in the final checkpoint: what the run's page and the CLI show. */
export interface ClassificationReport {
  classes: string[];
  /** which split the final metrics are on ('test', or 'validation' when the dataset has no test documents) */
  evaluatedOn: 'test' | 'validation';
  metrics: import('../../ml/finetune/metrics').ClassificationMetrics;
  bestEpoch: number;
  stoppedEarly: boolean;
  examplesPerSecond: number;
  history: import('../../ml/finetune/train').EpochMetrics[];
  /** up to 200 misclassified examples of the evaluated split: text, truth, prediction, class probabilities */
  misclassified: Array<{ index: number; text: string; truth: number; predicted: number; probabilities: number[] }>;
}
