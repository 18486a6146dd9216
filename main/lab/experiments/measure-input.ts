// What a comparison measures on, read from the store as plain data for the measuring worker: the held-out texts
// (test split when it has text, else validation), the runs' newest checkpoints (GPT, BERT and the optional GRU/LSTM)
// and the cost figures they recorded.
import { LabError } from '../../../common/errors';
import { parameterCount, type ModelConfig } from '../../../common/model-config';
import { isRnnFamily, rnnParameterCount, type RnnConfig } from '../../../common/rnn-config';
import type { TextTokenizer } from '../../data/tokenizers/index';
import { tokenizeHeldOut, type HeldOut, type HeldOutTexts } from '../../jobs/measure/heldout';
import { computePair, type CostFigures, type MeasureOptions, type PairInput, type PairMeasurement } from '../../jobs/measure/measure';
import { isContinuousText } from '../../store/datasets';
import type { LabContext } from '../app/context';
import { runCheckpoint } from '../runs/checkpoints';

/** Enough held-out text for hundreds of blanks; more only slows the tokenizer down. */
const MAX_CHARS = 400_000;

function splitTexts(ctx: LabContext, datasetId: number, split: 'train' | 'test' | 'validation'): string[] {
  const row = ctx.store.datasets.shape.get(datasetId);
  if (!row) throw new LabError('not_found', `The dataset with id ${datasetId} was deleted, so the comparison has no held-out text to measure on.`, { field: 'dataset' });
  const docs = ctx.store.datasets.splitTexts.all(datasetId, split);
  // a whole-mode text file was cut into consecutive segments: neighbours are joined back, as training reads them
  const joined = isContinuousText(row);
  const texts: string[] = [];
  let chars = 0;
  for (let i = 0; i < docs.length && chars < MAX_CHARS; i++) {
    const d = docs[i];
    if (joined && i > 0 && docs[i - 1].idx === d.idx - 1 && texts.length > 0) texts[texts.length - 1] += d.text;
    else texts.push(d.text);
    chars += d.text.length;
  }
  return texts.filter((t) => t.trim() !== '');
}

/** The test split's texts when it has any, else the validation split's; refuses a dataset with neither. */
export function heldOutTexts(ctx: LabContext, datasetId: number): HeldOutTexts {
  let split: 'test' | 'validation' = 'test';
  let texts = splitTexts(ctx, datasetId, 'test');
  if (texts.length === 0) {
    split = 'validation';
    texts = splitTexts(ctx, datasetId, 'validation');
  }
  if (texts.length === 0) {
    throw new LabError('invalid_input', 'The dataset has no test or validation text to measure on; split it again with a validation or test share above 0.', { field: 'dataset' });
  }
  return { split, texts };
}

/** The start of the train split (as much as the held-out texts), from which the unigram baseline counts tokens. */
export function trainTexts(ctx: LabContext, datasetId: number): string[] {
  return splitTexts(ctx, datasetId, 'train');
}

export function loadHeldOut(ctx: LabContext, datasetId: number, tokenizer: TextTokenizer): HeldOut {
  return tokenizeHeldOut(heldOutTexts(ctx, datasetId), tokenizer);
}

function costFigures(ctx: LabContext, runId: number): CostFigures {
  const runs = ctx.store.runs;
  const run = runs.run(runId);
  const model = (run.config as { model?: ModelConfig | RnnConfig }).model;
  const times = ctx.store.runs.timeSpan(runId, 'train/loss');
  return {
    parameters: model === undefined ? Number.NaN : isRnnFamily(model.family) ? rnnParameterCount(model as RnnConfig) : parameterCount(model as ModelConfig),
    tokensPerSecond: runs.meanValue(runId, 'train/tokens_per_s') ?? Number.NaN,
    // from the first to the last logged step: time spent training, without queueing or pauses before the start
    wallSeconds: times.first !== null && times.last !== null ? times.last - times.first : Number.NaN,
    peakMemoryMiB: run.metrics['system/peak_rss_mb']?.max ?? run.metrics['system/rss_mb']?.max ?? Number.NaN,
    tokensSeen: run.tokensSeen,
    backend: run.backend ?? 'unknown',
  };
}

/** Gathers a pair's checkpoints (and the seed's GRU/LSTM run's, if any), held-out texts and recorded cost figures from the store. */
export function pairInput(ctx: LabContext, datasetId: number, seed: number, gptRunId: number, bertRunId: number, rnnRunId: number | null = null): PairInput {
  const g = runCheckpoint(ctx, gptRunId, 'measure');
  const b = runCheckpoint(ctx, bertRunId, 'measure');
  if (g.family !== 'gpt' || b.family !== 'bert') {
    throw new LabError('invalid_input', `Runs ${gptRunId} and ${bertRunId} must be a GPT and a BERT run, but they are ${g.family} and ${b.family}.`, { field: 'runIds' });
  }
  const gpt = { runId: g.runId, family: 'gpt' as const, dir: g.dir };
  const bert = { runId: b.runId, family: 'bert' as const, dir: b.dir };
  const input: PairInput = {
    seed, gpt, bert, heldOut: heldOutTexts(ctx, datasetId), train: trainTexts(ctx, datasetId), cost: { gpt: costFigures(ctx, gptRunId), bert: costFigures(ctx, bertRunId) },
  };
  if (rnnRunId === null) return input;
  const r = runCheckpoint(ctx, rnnRunId, 'measure');
  if (!isRnnFamily(r.family)) throw new LabError('invalid_input', `Run ${rnnRunId} must be a GRU or LSTM run, but it is ${r.family}.`, { field: 'runIds' });
  return { ...input, rnn: { runId: r.runId, family: r.family, dir: r.dir }, cost: { ...input.cost, rnn: costFigures(ctx, rnnRunId) } };
}

/** Measures a pair in this process (tests; the lab runs computePair in a worker). */
export function measurePair(ctx: LabContext, datasetId: number, seed: number, gptRunId: number, bertRunId: number,
  options: Partial<MeasureOptions> = {}, rnnRunId: number | null = null): PairMeasurement {
  return computePair(pairInput(ctx, datasetId, seed, gptRunId, bertRunId, rnnRunId), options);
}

