// Setting up a static-embedding run: the dataset's text, the settings over the method's defaults, the vocabulary
// checked before anything is recorded (a corpus too small for min-count is refused with its word count and a
// min-count that works), the run row, and the job a worker (or the CLI in the foreground) runs; and the same job
// again, from the run's own record, to resume it.
import type { ChannelArgs } from '../../../common/api';
import { LabError } from '../../../common/errors';
import { embeddingConfig, type EmbeddingConfig } from '../../ml/embeddings/config';
import { buildVocabulary, countWords } from '../../ml/embeddings/vocab';
import { jobSentences, type EmbeddingsJobSpec } from '../../jobs/embeddings/embeddings-job';
import type { KernelPreference } from '../../../native-kernels/index';
import type { LabContext } from '../app/context';
import { isContinuousText } from '../../store/datasets';
import { runFolder } from '../runs/service';
import type { TrainingDeps } from '../runs/training';
import { resolveDatasetRef } from '../runs/training-data';

export type EmbeddingTrainInput = ChannelArgs<'embeddings.train'>;

/** What the run row's config_json holds for a static-embedding run (read back to resume it). */
export interface EmbeddingRunConfig {
  kind: 'static-embeddings';
  method: EmbeddingConfig['method'];
  embedding: EmbeddingConfig;
  dataset: { id: number; name: string };
  vocabulary: number;
  corpusWords: number;
}

export interface PreparedEmbeddingsRun {
  runId: number;
  name: string;
  job: EmbeddingsJobSpec;
  vocabulary: number;
  corpusWords: number;
}

/**
 * Every document of the dataset in order (embeddings need no held-out split); the segments of a text imported whole
 * are joined again so a line cut at a segment edge stays one sentence.
 */
export function datasetTexts(ctx: LabContext, datasetId: number): string[] {
  const row = ctx.store.datasets.shape.get(datasetId);
  if (!row) throw new LabError('not_found', `There is no dataset with id ${datasetId}; it may have been deleted.`, { field: 'dataset' });
  const docs = ctx.store.datasets.allTexts.iterate(datasetId);
  if (!isContinuousText(row)) return Array.from(docs, (d) => d.text);
  const texts: string[] = [];
  const pieces: string[] = [];
  let last = Number.NaN;
  for (const d of docs) {
    if (pieces.length > 0 && d.idx !== last + 1) texts.push(pieces.splice(0).join(''));
    pieces.push(d.text);
    last = d.idx;
  }
  if (pieces.length > 0) texts.push(pieces.join(''));
  return texts;
}

/** The config of a request: the method's defaults, the given settings, the pre-tokenizer; validated with field names. */
export function requestConfig(input: EmbeddingTrainInput): EmbeddingConfig {
  return embeddingConfig({ ...input.settings, method: input.method, tokenizer: { chinese: input.chinese, lowercase: input.lowercase } });
}

/** Counts the vocabulary (throws the too-small / min-count sentences) and returns its size and corpus words. */
function countVocabulary(texts: string[], config: EmbeddingConfig, corpusName: string): { vocabulary: number; corpusWords: number } {
  const vocab = buildVocabulary(countWords(jobSentences(texts, config)), { minCount: config.minCount, maxWords: config.maxVocab, corpusName });
  if (vocab.kept < 2) {
    throw new LabError('invalid_input', `${corpusName} leaves ${vocab.kept} word of the vocabulary to train on; use a larger dataset or lower --min-count.`, { field: 'dataset' });
  }
  return { vocabulary: vocab.words.length, corpusWords: vocab.kept };
}

const METHOD_NAMES: Record<EmbeddingConfig['method'], string> = { word2vec: 'word2vec', fasttext: 'fasttext', glove: 'glove' };

function variant(config: EmbeddingConfig): string {
  return config.method === 'glove' ? 'glove' : `${METHOD_NAMES[config.method]}-${config.sg ? 'sg' : 'cbow'}`;
}

/** Checks everything, then records the run ('queued' for a scheduler, 'running' for the foreground) and builds its job. */
export async function prepareEmbeddingsRun({ ctx, runs, datasets }: TrainingDeps, input: EmbeddingTrainInput, opts: { queued: boolean; kernels?: KernelPreference },
  log: (line: string) => void = () => {}): Promise<PreparedEmbeddingsRun> {
  const config = requestConfig(input);
  const dataset = await resolveDatasetRef(datasets, input.dataset);
  const corpusName = `dataset "${dataset.name}"`;
  const texts = datasetTexts(ctx, dataset.id);
  const { vocabulary, corpusWords } = countVocabulary(texts, config, corpusName);
  log(`${corpusName}: ${corpusWords.toLocaleString('en-US')} words of a ${vocabulary.toLocaleString('en-US')}-word vocabulary (min-count ${config.minCount}).`);
  const totalSteps = config.epochs * corpusWords;
  const name = input.name ?? `${dataset.name}-${variant(config)}`;
  const recorded: EmbeddingRunConfig = { kind: 'static-embeddings', method: config.method, embedding: config, dataset: { id: dataset.id, name: dataset.name }, vocabulary, corpusWords };
  const runId = runs.create({
    name, family: config.method, datasetId: dataset.id, tokenizerId: null, seed: config.seed, totalSteps,
    status: opts.queued ? 'queued' : 'running', config: recorded as unknown as Record<string, unknown>,
  });
  const job: EmbeddingsJobSpec = {
    runId, config, texts, corpusName, totalSteps, runDir: runFolder(ctx.home, runId), resume: false, kernels: opts.kernels ?? 'native',
  };
  return { runId, name, job, vocabulary, corpusWords };
}

/** The job that continues a stopped, paused or crashed run from its training state (the settings are the run's own). */
export function prepareEmbeddingsResume({ ctx, runs }: TrainingDeps, runId: number, opts: { kernels?: KernelPreference } = {}): PreparedEmbeddingsRun {
  const run = runs.run(runId);
  const recorded = run.config as unknown as Partial<EmbeddingRunConfig>;
  if (recorded.kind !== 'static-embeddings' || recorded.embedding === undefined) {
    throw new LabError('bad_file', `Run ${runId} ("${run.name}") has no recorded embedding settings, so it cannot be resumed.`, { field: 'resume' });
  }
  if (run.datasetId === null) {
    throw new LabError('not_found', `The dataset of run ${runId} ("${run.name}") was deleted, so its corpus cannot be rebuilt to resume it.`, { field: 'resume' });
  }
  const ckpt = ctx.store.runs.latestCheckpoint(runId, true);
  const texts = datasetTexts(ctx, run.datasetId);
  runs.discardAfter(runId, ckpt?.step ?? 0);
  const totalSteps = run.totalSteps ?? recorded.embedding.epochs * (recorded.corpusWords ?? 0);
  return {
    runId, name: run.name, vocabulary: recorded.vocabulary ?? 0, corpusWords: recorded.corpusWords ?? 0,
    job: {
      runId, config: recorded.embedding, texts, corpusName: `dataset "${run.datasetName ?? recorded.dataset?.name ?? run.datasetId}"`,
      totalSteps, runDir: runFolder(ctx.home, runId), resume: ckpt !== null, kernels: opts.kernels ?? 'native',
    },
  };
}
