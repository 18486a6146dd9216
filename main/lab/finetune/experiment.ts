// The "pre-train + fine-tune, BERT vs GPT" experiment in one call: a BERT-vs-GPT experiment pre-trains both models per
// seed on one dataset (workers, the scheduler, one byte-level BPE tokenizer so any task text encodes without [UNK]);
// each pair is measured for the tutorial's rows (a worker task); then every label budget × seed fine-tunes both
// pre-trained models, both from scratch and TF-IDF + LR on the same drawn labels; the label curve and the measured
// table are kept as experiments/<id>/finetune-experiment.json beside the pre-training comparison.
import fs from 'node:fs';
import path from 'node:path';
import type { FinetuneExperimentRequestT, FinetuneExperimentT, PretrainRecipeT } from '../../../common/api/finetune-experiment';
import { FinetuneExperiment } from '../../../common/api/finetune-experiment';
import type { DatasetT } from '../../../common/api';
import { LabError } from '../../../common/errors';
import { runTask } from '../../jobs/job-process';
import type { TutorialPairFigures } from '../../jobs/measure/tutorial';
import type { ExperimentService } from '../experiments/service';
import { pairInput } from '../experiments/measure-input';
import type { JobScheduler } from '../runs/scheduler';
import type { TrainingDeps } from '../runs/training';
import { resolveDatasetRef } from '../runs/training-data';
import { finetuneCompare } from './compare';
import { labelledDataset, readLabelledSplits } from './labelled-data';
import type { FinetuneService } from './service';
import { tutorialTable, type ObjectiveFigures } from './tutorial-table';
import { english, recipeLines } from '../../../common/finetune/wording';

/** The masking share of a BERT run recorded without one (before recipes kept it). */
const DEFAULT_MASK_PROBABILITY = 0.15;
/** Samples a task may name that are imported when the lab does not have them yet. */
const TASK_SAMPLES = ['spam', 'names'];
const FILE = 'finetune-experiment.json';

export interface ExperimentHooks {
  log?(line: string): void;
  shouldStop?(): boolean;
}

export class FinetuneExperimentService {
  /** experiments running in this process, by BERT-vs-GPT experiment id */
  private readonly running = new Map<number, Promise<FinetuneExperimentT>>();
  private readonly closing = new AbortController();

  constructor(private readonly deps: TrainingDeps, private readonly finetune: FinetuneService,
    private readonly experiments: ExperimentService, private readonly scheduler: JobScheduler) {}

  /** Runs the whole experiment to its end (the CLI's foreground call) and returns it. */
  async run(request: FinetuneExperimentRequestT, hooks: ExperimentHooks = {}): Promise<FinetuneExperimentT> {
    const record = await this.begin(request, hooks.log ?? ((): void => {}));
    return this.continue(record, hooks);
  }

  /**
   * Starts it in the background and returns it at once (status running, its phase); `list` shows its progress and
   * experiments.changed says when it moved. `log` gets its lines (the CLI's foreground follows them as runs.log).
   */
  async start(request: FinetuneExperimentRequestT, log: (line: string) => void = () => {}): Promise<FinetuneExperimentT> {
    const record = await this.begin(request, log);
    const job = this.continue(record, { log }).catch(() => this.read(record.experimentId) as FinetuneExperimentT);
    this.running.set(record.experimentId, job);
    void job.finally(() => this.running.delete(record.experimentId));
    return record;
  }

  /** Every experiment of this kind, newest first. */
  async list(): Promise<FinetuneExperimentT[]> {
    const dir = path.join(this.deps.ctx.home, 'experiments');
    if (!fs.existsSync(dir)) return [];
    return fs.readdirSync(dir).map((d) => Number(d)).filter((id) => Number.isInteger(id)).sort((a, b) => b - a)
      .map((id) => this.read(id)).filter((e): e is FinetuneExperimentT => e !== null);
  }

  close(): void {
    this.closing.abort();
  }

  /** Checks the inputs (before any training), imports a named sample task, and creates the pre-training experiment. */
  private async begin(request: FinetuneExperimentRequestT, log: (line: string) => void): Promise<FinetuneExperimentT> {
    const { datasets } = this.deps;
    const task = await this.taskDataset(request.task, log);
    const labels = [...new Set(request.labels)].sort((a, b) => a - b);
    // refuses a budget larger than a class (and one-class or unlabelled data) now, not after the pre-training
    const data = readLabelledSplits(this.deps.ctx.store.datasets, task, { labelsPerClass: labels[labels.length - 1], seed: 1 }, () => {});
    const pretrain = await resolveDatasetRef(datasets, request.pretrainDataset);
    if (pretrain.id === task.id) {
      throw new LabError('invalid_input', `The pre-training dataset and the task are both "${task.name}"; pre-train on unlabelled text of its own (e.g. shakespeare) so the fine-tune measures what pre-training brings.`, { field: 'pretrainDataset' });
    }
    const created = await this.experiments.create({
      dataset: String(pretrain.id), tokenizerKind: 'bpe', preset: request.preset, budget: { steps: request.pretrainSteps },
      seeds: request.seeds, lrSweep: request.lrSweep, name: undefined,
    }, log);
    const record: FinetuneExperimentT = {
      experimentId: created.id, status: 'running', phase: 'pretraining', error: null, request: { ...request, labels },
      pretrainDataset: { id: pretrain.id, name: pretrain.name }, task: { id: task.id, name: task.name, classes: data.classes },
      pairs: created.pairs.map((p) => ({ seed: p.seed, gptRunId: p.gptRunId, bertRunId: p.bertRunId })),
      curve: [], rows: [], samples: [], startedAt: new Date().toISOString(), finishedAt: null,
    };
    record.recipes = this.recipes(record);
    this.save(record);
    log(`Experiment ${created.id}: pre-training ${record.pairs.length} GPT/BERT pair(s) on "${pretrain.name}" (${request.preset}, ${request.pretrainSteps} steps each), then fine-tuning on "${task.name}" at ${labels.join(', ')} labels per class.`);
    for (const line of recipeLines(record.recipes ?? [], english, record.request.preset)) log(line);
    return record;
  }

  /** The labelled task by name or id; a sample's id (spam, names) imports it when the lab has no such dataset. */
  private async taskDataset(ref: string, log: (line: string) => void): Promise<DatasetT> {
    const { datasets } = this.deps;
    try {
      return await labelledDataset(datasets, ref, log);
    } catch (e) {
      if (!(e instanceof LabError) || e.code !== 'not_found' || !TASK_SAMPLES.includes(ref.toLowerCase())) throw e;
    }
    const sampleId = ref.toLowerCase();
    const existing = this.deps.ctx.store.datasets.readyBySample.get(sampleId);
    if (existing !== undefined) return labelledDataset(datasets, String(existing.id), log);
    log(`Importing the ${sampleId} sample as the task…`);
    const { dataset } = await datasets.importSample({ sampleId } as Parameters<typeof datasets.importSample>[0]);
    return labelledDataset(datasets, String(dataset.id), log);
  }

  /** Pre-training, the tutorial measurement, the fine-tunes and the table; the record is saved at every phase. */
  private async continue(start: FinetuneExperimentT, hooks: ExperimentHooks): Promise<FinetuneExperimentT> {
    const log = hooks.log ?? ((): void => {});
    let record = start;
    const phase = (p: string): void => {
      record = { ...record, phase: p };
      this.save(record);
    };
    try {
      const runIds = record.pairs.flatMap((p) => [p.gptRunId, p.bertRunId]);
      await this.scheduler.idle(runIds);
      const runs = runIds.map((id) => this.deps.runs.run(id));
      const unfinished = runs.filter((r) => r.status !== 'completed');
      if (unfinished.length > 0) {
        throw new LabError('conflict', `Pre-training did not complete: ${unfinished.map((r) => `run ${r.id} is ${r.status}${r.error ? ` (${r.error})` : ''}`).join('; ')}. Resume those runs, then start the experiment again.`);
      }
      // a swept rate is known only now
      record = { ...record, recipes: this.recipes(record) };
      phase('measuring');
      const r = record.request;
      const pairs: TutorialPairFigures[] = [];
      for (const p of record.pairs) {
        const input = pairInput(this.deps.ctx, record.pretrainDataset.id, p.seed, p.gptRunId, p.bertRunId);
        pairs.push(await runTask('tutorial', { pair: input, options: { sites: r.sites, prompts: r.prompts, seed: p.seed } }, undefined, this.closing.signal));
        log(`Seed ${p.seed}: fill-in and continuations measured.`);
      }
      const objectives: ObjectiveFigures[] = record.pairs.map((p) => ({ seed: p.seed, gptLoss: this.finalLoss(p.gptRunId), bertLoss: this.finalLoss(p.bertRunId) }));
      phase('finetuning');
      const curve = await finetuneCompare(this.finetune, {
        parents: record.pairs.map((p) => ({ seed: p.seed, gpt: p.gptRunId, bert: p.bertRunId })), dataset: String(record.task.id),
        labels: r.labels, epochs: r.epochs, analyzer: r.analyzer, threads: r.threads, word2vec: r.word2vec,
      }, log, () => hooks.shouldStop?.() === true || this.closing.signal.aborted);
      record = {
        ...record, status: 'completed', phase: null, curve,
        rows: tutorialTable({ curve, pairs, objectives, maskProbability: record.recipes?.find((x) => x.family === 'bert')?.maskProbability ?? DEFAULT_MASK_PROBABILITY }),
        samples: pairs.flatMap((p) => p.samples.map((s) => ({ seed: p.seed, ...s }))), finishedAt: new Date().toISOString(),
      };
      this.save(record);
      return record;
    } catch (e) {
      record = { ...record, status: 'failed', error: e instanceof Error ? e.message : String(e), finishedAt: new Date().toISOString() };
      this.save(record);
      throw e;
    }
  }

  /** Each side's recipe as its first seed's run recorded it (every seed trains with the same one unless swept). */
  private recipes(record: FinetuneExperimentT): PretrainRecipeT[] {
    const pair = record.pairs[0];
    if (pair === undefined) return [];
    return ([['gpt', pair.gptRunId], ['bert', pair.bertRunId]] as const).map(([family, id]) => {
      const c = this.deps.runs.run(id).config as {
        model: { contextLength: number }; lrSweep?: unknown;
        training: { lr: number; warmupSteps: number; steps: number; batchSize: number; maskProbability?: number; lrSweep?: unknown };
      };
      const t = c.training;
      const mask = family === 'bert' ? t.maskProbability ?? DEFAULT_MASK_PROBABILITY : null;
      const tokens = t.batchSize * c.model.contextLength;
      return {
        family, lr: t.lr, warmupSteps: t.warmupSteps, steps: t.steps, batchSize: t.batchSize, contextLength: c.model.contextLength,
        maskProbability: mask, targetsPerStep: Math.round(mask === null ? tokens : tokens * mask), swept: c.lrSweep !== undefined || (t.lrSweep ?? null) !== null,
      };
    });
  }

  /** The loss a pre-training run ended on: validation when it measured one, else train. */
  private finalLoss(runId: number): number | null {
    const m = this.deps.runs.run(runId).metrics;
    return m['val/loss']?.last ?? m['train/loss']?.last ?? null;
  }

  private file(id: number): string {
    return path.join(this.deps.ctx.home, 'experiments', String(id), FILE);
  }

  private save(record: FinetuneExperimentT): void {
    const file = this.file(record.experimentId);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(`${file}.tmp`, `${JSON.stringify(record, null, 2)}\n`);
    fs.renameSync(`${file}.tmp`, file);
    this.deps.ctx.emit('experiments.changed', { id: record.experimentId });
  }

  /** A stored record; one left 'running' by a lab that closed is shown as failed with the reason. */
  private read(id: number): FinetuneExperimentT | null {
    const file = this.file(id);
    if (!fs.existsSync(file)) return null;
    const parsed = FinetuneExperiment.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
    if (!parsed.success) return null;
    const e = parsed.data;
    if (e.status === 'running' && !this.running.has(id)) {
      return { ...e, status: 'failed', error: 'The lab closed while this experiment ran; start it again (its pre-trained runs can be resumed: `attention-lab train --resume RUN`, or Resume on the run\'s page).' };
    }
    return e;
  }
}
