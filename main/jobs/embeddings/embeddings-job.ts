// The static-embedding training job (Word2Vec, FastText, GloVe): pre-tokenizes the dataset's texts, trains through
// ml/embeddings/train.ts and reports as any training job does (started, step, checkpoint, log messages), so a worker
// or the CLI's foreground runner records it like a GPT/BERT run. It touches no database.
//
// Steps are corpus words over all epochs (totalSteps = epochs × vocabulary words in the corpus): Word2Vec/FastText
// count the words they trained; GloVe, whose calls go over co-occurrence records, reports the same fraction of the
// whole in those units, so every method's curve and words/s share one axis.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { getKernels, type KernelPreference } from '../../../native-kernels/index';
import { getEmbeddingKernels } from '../../../native-kernels/embeddings';
import { textSentences } from '../../data/words';
import type { EmbeddingConfig } from '../../ml/embeddings/config';
import { CHUNK_WORDS } from '../../ml/embeddings/predictive';
import { dropTrainingState, trainEmbeddings, type TrainPhase } from '../../ml/embeddings/train';
import type { CheckpointFile, TrainJobPort, TrainJobResult } from '../train/protocol';

export interface EmbeddingsJobSpec {
  runId: number;
  config: EmbeddingConfig;
  /** the dataset's texts (continuous segments already joined); one sentence per non-empty line */
  texts: string[];
  /** how the corpus is named in error sentences, e.g. 'dataset "shakespeare"' */
  corpusName: string;
  /** epochs × vocabulary words in the corpus, as the lab counted them when it prepared the run */
  totalSteps: number;
  /** absolute folder of the run: vectors/<checkpoint>/, state/, glove/ */
  runDir: string;
  /** continue from runDir/state (a stopped, paused or crashed run) */
  resume: boolean;
  kernels: KernelPreference;
  /** words per kernel call (tests make calls small so a stop lands mid-epoch); default the trainer's */
  callSize?: number;
}

const now = (): number => Date.now() / 1000;

/** What the job says as it enters each phase (the CLI prints these on stderr; the run keeps none of them). */
const PHASE_LINES: Record<TrainPhase, (detail: string) => string> = {
  vocabulary: (d) => `Counting the words of ${d}…`,
  corpus: (d) => `Vocabulary: ${d}; building the corpus…`,
  cooccurrence: (d) => `Counting co-occurrences (${d})…`,
  training: (d) => `Training on ${d}.`,
  saving: (d) => `Saving the ${d}.`,
};

/** The sentences of the texts, replayable (the trainer reads them twice: counts, then ids). */
export function* jobSentences(texts: readonly string[], config: EmbeddingConfig): Generator<string[]> {
  for (const t of texts) {
    for (const s of textSentences(t, config.tokenizer)) if (s.length > 0) yield s;
  }
}

function describeFiles(dir: string): CheckpointFile[] {
  return readdirSync(dir).sort().map((name) => {
    const file = join(dir, name);
    return { name, bytes: statSync(file).size, sha256: createHash('sha256').update(readFileSync(file)).digest('hex') };
  });
}

/** The learning rate at a fraction of training: Word2Vec/FastText decay linearly alpha -> minAlpha; GloVe keeps eta. */
function rateAt(config: EmbeddingConfig, fraction: number): number {
  return config.method === 'glove' ? config.eta : config.alpha - (config.alpha - config.minAlpha) * fraction;
}

/** Word2Vec/FastText words per kernel call: about 200 points on the curve, between one worker block (10,000 words)
 *  and the trainer's default (a small corpus would otherwise report once an epoch). GloVe keeps its own. */
function callWords(spec: EmbeddingsJobSpec): number | undefined {
  if (spec.config.method === 'glove') return undefined;
  return Math.max(10_000, Math.min(CHUNK_WORDS, Math.ceil(spec.totalSteps / 200)));
}

export async function runEmbeddingsJob(spec: EmbeddingsJobSpec, port: TrainJobPort): Promise<TrainJobResult> {
  const { config } = spec;
  // the kernels' thread pool runs the trainer's Hogwild parts: as many threads as parts
  getKernels(spec.kernels).setThreads(config.threads);
  const k = getEmbeddingKernels(spec.kernels);
  let step = 0;
  let lastLoss: number | null = null;
  let started = false;
  const result = await trainEmbeddings(k, {
    config, sentences: () => jobSentences(spec.texts, config), corpusName: spec.corpusName, dir: spec.runDir,
    resume: spec.resume, callSize: spec.callSize ?? callWords(spec),
  }, {
    phase: (phase, detail) => {
      port.post({ type: 'log', message: PHASE_LINES[phase](detail) });
      if (phase === 'training' && !started) {
        started = true;
        port.post({ type: 'started', backend: k.backend, threads: config.threads, parameters: 0, step });
      }
    },
    progress: (p) => {
      const next = Math.min(spec.totalSteps, Math.round(p.fraction * spec.totalSteps));
      const words = next - step;
      step = next;
      lastLoss = p.loss;
      port.post({
        type: 'step', step, loss: p.loss, lr: rateAt(config, p.fraction), gradNorm: null,
        tokensPerSecond: words / Math.max(p.seconds, 1e-9), tokens: step, time: now(),
      });
    },
    checkpoint: (name, dir, resumable) => {
      port.post({ type: 'checkpoint', step, dir, files: describeFiles(dir), resumable, reason: name === 'final' ? 'final' : resumable && port.shouldStop() ? 'stop' : 'periodic' });
    },
    shouldStop: () => port.shouldStop(),
  });
  if (result.status === 'completed') dropTrainingState(spec.runDir);
  return result.status === 'stopped'
    ? { status: 'stopped', step, reason: 'Stopped on request; resume the run to continue from its last checkpoint.', lastLoss }
    : { status: 'completed', step: spec.totalSteps, reason: null, lastLoss: result.lastLoss ?? lastLoss };
}
