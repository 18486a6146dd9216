// ExperimentService: the 'experiments.*' channels — a BERT-vs-GPT comparison creates matched runs per seed (same
// tokenizer, size, context, batch, tokens seen and seed), queues them, and is measured on held-out text once they
// have all completed (automatically, or on request). The table is kept as a comparison.json artifact of the lab.
import fs from 'node:fs';
import path from 'node:path';
import { Comparison, type ChannelArgs, type ChannelOutput, type ComparisonT, type ExperimentBudgetT, type ExperimentT, type RunStatusT, type RunT } from '../../../common/api';
import type { JobScheduler } from '../runs/scheduler';
import { PRESETS, presetConfig, type ModelConfig, type PresetName } from '../../../common/model-config';
import { budgetSteps } from './budget';
import { runTask } from '../../jobs/job-process';
import type { MeasureOptions, PairMeasurement } from '../../jobs/measure/measure';
import { pairInput } from './measure-input';
import { comparisonTable, type LearningRates } from './table';
import type { LabContext } from '../app/context';
import { LabError } from '../../../common/errors';
import type { RunQueries } from '../../store/runs';
import { customShape, trainingSettings, type TrainingDeps } from '../runs/training';
import { assertFitsInMemory } from '../../ml/config';
import { sizeLabel, type ModelSize } from '../../../common/model-size';
import { ensureSplit, resolveDatasetRef, resolveRunTokenizer } from '../runs/training-data';
import { rnnPresetConfig, type RnnConfig, type RnnFamily } from '../../../common/rnn-config';

/** The first seed of an experiment; seed i of K is BASE_SEED + i, for both models of the pair. */
const BASE_SEED = 1337;

/** What budget_json holds: the budget as asked and what it became. */
interface StoredBudget {
  budget: ExperimentBudgetT;
  preset: PresetName;
  /** a custom shape (absent or null: the preset's) */
  size?: ModelSize | null;
  steps: number;
  tokensPerRun: number;
  seeds: number[];
  /** absent in experiments made before issue 14 (none swept) */
  lrSweep?: boolean;
  /** the optional third model (absent: none) */
  rnn?: RnnFamily | null;
}

/** One status for the whole experiment: live while any run is, completed when all are, else the worst ending. */
export function experimentStatus(runs: RunT[]): RunStatusT {
  const order: RunStatusT[] = ['running', 'queued', 'paused', 'crashed', 'failed', 'stopped'];
  for (const s of order) if (runs.some((r) => r.status === s)) return s;
  return runs.length > 0 ? 'completed' : 'queued';
}

export class ExperimentService {
  private readonly runs: RunQueries;
  /** measurements in progress per experiment, with the number of blanks asked for */
  private readonly measuring = new Map<number, { positions: number; job: Promise<ExperimentT> }>();
  /** aborted when the lab closes: measuring processes are ended with it */
  private readonly closing = new AbortController();

  private readonly ctx: LabContext;

  constructor(private readonly deps: TrainingDeps, private readonly scheduler: JobScheduler, private readonly measureOptions: Partial<MeasureOptions> = {}) {
    this.ctx = deps.ctx;
    this.runs = deps.ctx.store.runs;
    scheduler.onSettled((runId) => this.maybeMeasure(runId));
  }

  async create(input: ChannelArgs<'experiments.create'>, log: (line: string) => void = () => {}): Promise<ChannelOutput<'experiments.create'>> {
    this.scheduler.assertDatasetUsable(input.dataset);
    const { datasets, tokenizers } = this.deps;
    const dataset = await ensureSplit(datasets, await resolveDatasetRef(datasets, input.dataset), log);
    // one tokenizer for both models, so their accuracies and perplexities count the same units
    const tokenizer = await resolveRunTokenizer(tokenizers, dataset, { name: input.tokenizer, kind: input.tokenizerKind }, log);
    const preset = input.preset;
    const shape = customShape(preset, input.size);
    const batchSize = trainingSettings({ steps: 1 }, preset).batchSize;
    const tokensPerStep = batchSize * (shape ?? PRESETS[preset]).contextLength;
    const configs = (['gpt', 'bert'] as const).map((f) => presetConfig(preset, f, tokenizer.vocabSize, BASE_SEED, shape ?? {}));
    // a size that cannot train here is refused before the experiment is recorded (each run would refuse it anyway)
    for (const c of configs) assertFitsInMemory(c, trainingSettings({ steps: 1 }, preset, c.family).batchSize);
    const rnn = input.rnn === undefined ? null : rnnConfig(input.rnn, preset, shape, tokenizer.vocabSize);
    const steps = budgetSteps(input.budget, tokensPerStep, rnn === null ? configs : [...configs, rnn], batchSize);
    if ('minutes' in input.budget) log(`A budget of ${input.budget.minutes} min is ${steps} steps per run at the measured speed of this machine.`);
    const seeds = Array.from({ length: input.seeds }, (_, i) => BASE_SEED + i);
    const stored: StoredBudget = { budget: input.budget, preset, size: shape, steps, tokensPerRun: steps * tokensPerStep, seeds, lrSweep: input.lrSweep, rnn: rnn?.family ?? null };
    const sizeName = shape ? sizeLabel(shape) : preset;
    const models = rnn === null ? 'BERT vs GPT' : `BERT vs GPT vs ${rnn.family.toUpperCase()}`;
    const id = this.ctx.store.experiments.insert({
      name: this.uniqueName(input.name ?? `${dataset.name}: ${models} (${sizeName}, ${steps} steps)`),
      description: `${models} on "${dataset.name}" with tokenizer "${tokenizer.name}", ${input.seeds} seed(s).`,
      datasetId: dataset.id, tokenizerId: tokenizer.id, budgetJson: JSON.stringify(stored),
    });
    const families = rnn === null ? (['gpt', 'bert'] as const) : (['gpt', 'bert', rnn.family] as const);
    for (const seed of seeds) {
      for (const family of families) {
        await this.scheduler.start({
          // the RNN takes its preset's shape (same context and batch, checked above) and GPT's recipe without a sweep
          dataset: String(dataset.id), family, tokenizer: String(tokenizer.id), preset, size: family === 'gpt' || family === 'bert' ? shape ?? undefined : undefined,
          steps, seed, experimentId: id, lrSweep: family === 'gpt' || family === 'bert' ? input.lrSweep : false, name: `${dataset.name}-${family}-${sizeName}-seed${seed}`,
        }, log);
      }
    }
    this.ctx.emit('experiments.changed', { id });
    return this.experiment(id);
  }

  async list(): Promise<ChannelOutput<'experiments.list'>> {
    return this.ctx.store.experiments.listIds().map((id) => this.experiment(id));
  }

  async get(input: ChannelArgs<'experiments.get'>): Promise<ChannelOutput<'experiments.get'>> {
    return this.experiment(input.id);
  }

  /** Measures every pair on held-out text (once all runs have finished) and stores the table; a measurement in progress is shared. */
  async measure(input: ChannelArgs<'experiments.measure'>): Promise<ChannelOutput<'experiments.measure'>> {
    const inFlight = this.measuring.get(input.id);
    if (inFlight) {
      if (inFlight.positions === input.positions) return inFlight.job;
      await inFlight.job.catch(() => undefined);
    }
    const e = this.experiment(input.id);
    const live = e.runs.filter((r) => ['queued', 'running', 'paused'].includes(r.status));
    if (live.length > 0) {
      throw new LabError('conflict', `Experiment ${e.id} ("${e.name}") still has ${live.length} run(s) ${live.map((r) => `${r.id} ${r.status}`).join(', ')}; measure it once they finish.`, { field: 'id' });
    }
    const job: Promise<ExperimentT> = this.measureNow(e, input.positions).finally(() => {
      if (this.measuring.get(input.id)?.job === job) this.measuring.delete(input.id);
    });
    this.measuring.set(input.id, { positions: input.positions, job });
    return job;
  }

  // ---------- internals ----------

  /** Each pair is measured in its own worker process, one after the other (the pairs share the CPU with training). */
  private async measureNow(e: ExperimentT, positions: number): Promise<ExperimentT> {
    if (e.datasetId === null) throw new LabError('not_found', `The dataset of experiment ${e.id} ("${e.name}") was deleted, so there is no held-out text to measure on.`, { field: 'id' });
    const options = { ...this.measureOptions, positions, words: Math.min(this.measureOptions.words ?? 200, positions) };
    const measured: PairMeasurement[] = [];
    for (const p of e.pairs) {
      const pair = pairInput(this.ctx, e.datasetId, p.seed, p.gptRunId, p.bertRunId, p.rnnRunId ?? null);
      measured.push(await runTask('measure', { pair, options }, this.scheduler.spawnWorker, this.closing.signal));
    }
    if (this.closing.signal.aborted) throw new LabError('unavailable', 'The lab closed while the experiment was measured; measure it again.');
    const config = (runId: number): ModelConfig => (this.runs.run(runId).config as { model: ModelConfig }).model;
    const first = e.pairs[0];
    const rnnRun = first.rnnRunId ?? null;
    const rnn = rnnRun === null ? null : { config: (this.runs.run(rnnRun).config as { model: RnnConfig }).model, rate: this.learningRate(rnnRun) };
    const table = comparisonTable(measured, config(first.gptRunId), config(first.bertRunId),
      { gpt: this.learningRate(first.gptRunId), bert: this.learningRate(first.bertRunId) }, rnn);
    this.saveComparison(e.id, table);
    this.ctx.emit('experiments.changed', { id: e.id });
    return this.experiment(e.id);
  }

  /** The rate a run trained at and, when a sweep chose it, the sweep (first seed's runs speak for the table). */
  private learningRate(runId: number): LearningRates['gpt'] {
    const c = this.runs.run(runId).config as { training?: { lr?: number }; lrSweep?: { steps: number; atEdge: boolean; trials: Array<{ lr: number; valLoss: number | null }> } };
    const sweep = c.lrSweep === undefined ? null : { steps: c.lrSweep.steps, atEdge: c.lrSweep.atEdge, trials: c.lrSweep.trials.map((t) => ({ lr: t.lr, valLoss: t.valLoss })) };
    return { lr: c.training?.lr ?? Number.NaN, sweep };
  }

  /** After a run settles: an experiment whose runs have all completed and that has no table yet is measured. */
  private maybeMeasure(runId: number): void {
    let experimentId: number | null;
    try {
      const run = this.runs.run(runId);
      // only GPT, BERT and GRU/LSTM LM runs belong to a BERT-vs-GPT comparison (a seq2seq arm's experiment is measured by its job)
      experimentId = ['gpt', 'bert', 'gru', 'lstm'].includes(run.family) ? run.experimentId : null;
    } catch {
      return; // the run was deleted
    }
    if (experimentId === null || this.measuring.has(experimentId) || this.closing.signal.aborted) return;
    const e = this.experiment(experimentId);
    if (e.comparison !== null || e.status !== 'completed' || e.pairs.length === 0) return;
    this.measure({ id: experimentId, positions: this.measureOptions.positions ?? 500 }).catch((err: unknown) => {
      if (!this.closing.signal.aborted) console.error(`Experiment ${experimentId} could not be measured: ${err instanceof Error ? err.message : String(err)}`);
    });
  }

  /** Ends any measuring process (the lab is closing). */
  close(): void {
    this.closing.abort();
  }

  private experiment(id: number): ExperimentT {
    const row = this.ctx.store.experiments.byId.get(id);
    if (!row) throw new LabError('not_found', `There is no experiment with id ${id}; \`experiments.list\` shows the experiments there are.`, { field: 'id' });
    const b = JSON.parse(row.budget_json) as StoredBudget;
    const runs = this.ctx.store.runs.idsOfExperiment(id).map((r) => this.runs.run(r));
    const pairs = b.seeds.flatMap((seed) => {
      const gpt = runs.find((r) => r.seed === seed && r.family === 'gpt');
      const bert = runs.find((r) => r.seed === seed && r.family === 'bert');
      if (!gpt || !bert) return [];
      const params = (r: RunT): number => Number((r.config as { parameters?: number }).parameters ?? 0);
      const third = b.rnn ? runs.find((r) => r.seed === seed && r.family === b.rnn) : undefined;
      return [{
        seed, gptRunId: gpt.id, bertRunId: bert.id, gptParameters: params(gpt), bertParameters: params(bert),
        rnnRunId: third?.id ?? null, rnnParameters: third ? params(third) : null,
      }];
    });
    return {
      id: row.id, name: row.name, datasetId: row.dataset_id, datasetName: row.dataset_name, tokenizerId: row.tokenizer_id, tokenizerName: row.tokenizer_name,
      preset: b.preset, size: b.size ?? null, budget: b.budget, steps: b.steps, tokensPerRun: b.tokensPerRun, status: experimentStatus(runs), lrSweep: b.lrSweep === true,
      rnn: b.rnn ?? null, pairs, runs, comparison: this.loadComparison(id), createdAt: row.created_at,
    };
  }

  private comparisonPath(id: number): string {
    return path.join('experiments', String(id), 'comparison.json');
  }

  /** Writes the table file (atomically) and records it as an artifact of the lab, in one transaction with the update. */
  private saveComparison(id: number, table: ComparisonT): void {
    const rel = this.comparisonPath(id);
    const file = path.join(this.ctx.home, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const text = `${JSON.stringify(table, null, 2)}\n`;
    fs.writeFileSync(`${file}.tmp`, text);
    fs.renameSync(`${file}.tmp`, file);
    this.ctx.store.experiments.recordComparison(id, rel, Buffer.byteLength(text), table.measuredAt);
  }

  private loadComparison(id: number): ComparisonT | null {
    const rel = this.ctx.store.experiments.comparisonPath(this.comparisonPath(id));
    if (rel === undefined) return null;
    let stored: unknown;
    try {
      stored = JSON.parse(fs.readFileSync(path.join(this.ctx.home, rel), 'utf8'));
    } catch {
      return null; // the file was removed by hand: the experiment can simply be measured again
    }
    // a table written by an older version (English sentences instead of keys and numbers) is measured again too
    const parsed = Comparison.safeParse(stored);
    return parsed.success ? parsed.data : null;
  }

  private uniqueName(base: string): string {
    const taken = this.ctx.store.experiments.lowerNames();
    if (!taken.has(base.toLowerCase())) return base;
    for (let n = 2; ; n++) if (!taken.has(`${base} #${n}`.toLowerCase())) return `${base} #${n}`;
  }
}

/**
 * The third model's config, refused before anything is recorded when its tokens per step would differ from the
 * Transformers' (its batch is GPT's recipe's; its context must be theirs, so every model sees the same tokens).
 */
function rnnConfig(family: RnnFamily, preset: PresetName, shape: ModelSize | null, vocabSize: number): RnnConfig {
  const config = rnnPresetConfig(preset, family, vocabSize, BASE_SEED);
  const context = shape?.contextLength ?? PRESETS[preset].contextLength;
  if (config.contextLength !== context) {
    throw new LabError('invalid_input', `The ${family.toUpperCase()} third model reads ${config.contextLength} tokens at a time (the ${preset} preset), but this comparison's context is ${context}; `
      + `drop the custom context (--context) or the third model (--with-rnn) so that every model sees the same tokens.`, { field: 'rnn' });
  }
  return config;
}
