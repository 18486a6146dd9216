// Seq2seqService: the 'seq2seq.*' channels — the "with vs without attention" experiment. Creating one generates the
// task's pairs once (same split for every arm), checks every variant's model against them, records one run per
// variant and seed (family 'seq2seq', in the runs table like any other) and queues each as a 'seq2seq' training job.
// Reading one gathers each arm's measured quality (<runDir>/quality.json, left by the job), the verdicts and a few
// held-out examples; the alignment view's matrices come from the runs' weight snapshots, computed in a worker.
import fs from 'node:fs';
import path from 'node:path';
import { availableParallelism } from 'node:os';
import type { ChannelArgs, ChannelOutput, RunT } from '../../../common/api';
import type { Seq2seqArmSeedT, Seq2seqArmT, Seq2seqCreateRequestT, Seq2seqExperimentT } from '../../../common/api/seq2seq';
import { LabError } from '../../../common/errors';
import { seq2seqParameterCount, type Seq2seqVariant } from '../../../common/seq2seq-config';
import { seq2seqVerdicts } from '../../../common/seq2seq/verdicts';
import { checkTaskOptions, generatePairs, splitPairs, type Pair, type PairSplits } from '../../data/pairs/tasks';
import { removeUpload, uploadedName } from '../app/uploads';
import { importPairFile, readStoredPairs, type StoredPairFile } from './pair-file';
import { importPairDataset, pairDataset, readStoredDatasetPairs, type StoredPairDataset } from './pair-dataset';
import { checkSideTokenizer, keepSideTokenizer, readSideTokenizer, sideTokenizerRefs, type StoredSideTokenizer } from './side-tokenizers';
import { runTask } from '../../jobs/job-process';
import { spreadExamples } from '../../jobs/seq2seq/job';
import { QUALITY_FILE, type Seq2seqJobSpec, type Seq2seqQualityFile } from '../../jobs/seq2seq/protocol';
import { preparePairs, variantConfig, type ArmSizes, type PreparedPairs } from '../../ml/seq2seq/experiment';
import type { LabTokenizerSide } from '../../ml/seq2seq/side-vocab';
import type { Seq2seqQueries } from '../../store/seq2seq';
import type { LabContext } from '../app/context';
import type { DatasetService } from '../datasets/service';
import { experimentStatus } from '../experiments/service';
import type { JobScheduler } from '../runs/scheduler';
import { runFolder, type RunService } from '../runs/service';

/** Seed i of K of every arm is BASE_SEED + i (model initialisation and batch order; the pairs keep the task's seed). */
const BASE_SEED = 1;

/** What an experiment's budget_json holds. */
interface Stored {
  setup: Seq2seqCreateRequestT;
  data: Seq2seqExperimentT['data'];
  /** the imported pair file (its pairs kept under the lab home), absent for a generated task */
  pairsFile?: StoredPairFile;
  /** the pair dataset (its pairs and document ids per split kept under the lab home), absent otherwise */
  pairsDataset?: StoredPairDataset;
  /** the lab tokenizers that cut a pair file's sides (their tokenizer.json kept under the lab home) */
  sideTokenizers?: { source?: StoredSideTokenizer; target?: StoredSideTokenizer };
}

type LabSides = { source?: LabTokenizerSide; target?: LabTokenizerSide };

/** The person's pairs: a file's (shuffled, split here) or a pair dataset's (split by the dataset). */
type OwnPairs = { pairs: Pair[] } | { splits: PairSplits };

/** The pairs of a setup, generated (or read from the kept copy of its file or dataset) and split exactly as its jobs do. */
function pairsOf(setup: Seq2seqCreateRequestT, own: OwnPairs | null, lab: LabSides = {}): { splits: PairSplits; sides: Seq2seqJobSpec['sides']; data: PreparedPairs } {
  let splits: PairSplits;
  let sides: Seq2seqJobSpec['sides'];
  const cut = setup.pairsDataset ?? setup.pairsFile;
  if (cut !== undefined && own !== null) {
    splits = 'splits' in own ? own.splits : splitPairs(own.pairs);
    sides = { source: lab.source ?? cut.sourceTokens, target: lab.target ?? cut.targetTokens };
  } else {
    const set = generatePairs(checkTaskOptions(setup.task));
    splits = splitPairs(set.pairs);
    sides = { source: set.info.source, target: set.info.target };
  }
  const data = preparePairs(splits, sides, { maxSrcLen: setup.maxSrcLen, maxTgtLen: setup.maxTgtLen, policy: setup.lengthPolicy });
  return { splits, sides, data };
}

function readQuality(file: string): Seq2seqQualityFile | null {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Seq2seqQualityFile;
  } catch {
    return null; // not measured yet (or the file was removed by hand)
  }
}

export class Seq2seqService {
  private readonly examples = new Map<number, Pair[]>();
  private readonly closing = new AbortController();

  constructor(private readonly ctx: LabContext, private readonly runs: RunService, private readonly scheduler: JobScheduler,
    private readonly datasets: DatasetService) {
    scheduler.onSettled((runId) => {
      const experimentId = this.experimentOf(runId);
      if (experimentId !== null) this.ctx.emit('seq2seq.changed', { id: experimentId });
    });
  }

  async create(input: ChannelArgs<'seq2seq.create'>, log: (line: string) => void = () => {}): Promise<ChannelOutput<'seq2seq.create'>> {
    const variants = input.variants;
    const twice = variants.find((v, i) => variants.indexOf(v) !== i);
    if (twice !== undefined) throw new LabError('invalid_input', `variants lists "${twice}" twice; give each variant once.`, { field: 'variants' });
    if (input.pairsFile !== undefined && input.pairsDataset !== undefined) {
      throw new LabError('invalid_input', `Give either a pair file (${uploadedName(this.ctx.home, input.pairsFile.path)}) or a pair dataset ("${input.pairsDataset.dataset}"), not both.`, { field: 'pairsDataset' });
    }
    // a side's tokenizer is found before the pairs are read (the dataset first: its name is in the messages), checked against them after
    const from = input.pairsDataset === undefined ? 'pairsFile' as const : 'pairsDataset' as const;
    const ofDataset = input.pairsDataset === undefined ? null : `dataset "${(await pairDataset(this.datasets, input.pairsDataset.dataset)).name}"`;
    const chosen = input.pairsDataset !== undefined ? sideTokenizerRefs(this.ctx, input.pairsDataset, ofDataset as string, from)
      : input.pairsFile === undefined ? {} : sideTokenizerRefs(this.ctx, input.pairsFile, uploadedName(this.ctx.home, input.pairsFile.path));
    const imported = input.pairsFile === undefined || input.pairsDataset !== undefined ? null : await importPairFile(this.ctx.home, input.pairsFile);
    if (imported !== null && imported.info.skipped > 0) log(`${imported.info.skipped} invalid line(s) of ${imported.info.name} were left out.`);
    if (imported !== null && imported.info.duplicates > 0) log(`${imported.info.duplicates} repeated pair(s) of ${imported.info.name} were dropped.`);
    const fromDataset = input.pairsDataset === undefined ? null
      : await importPairDataset(this.ctx.home, this.datasets, this.ctx.store.datasets, input.pairsDataset, log);
    const own: OwnPairs | null = fromDataset !== null ? { splits: fromDataset.splits } : imported;
    const ownInfo = fromDataset?.info ?? imported?.info ?? null;
    const ownName = ofDataset ?? imported?.info.name ?? '';
    const everyPair = fromDataset === null ? imported?.pairs ?? [] : [...fromDataset.splits.train, ...fromDataset.splits.validation, ...fromDataset.splits.test];
    const lab: LabSides = {};
    const keptTokenizers: NonNullable<Stored['sideTokenizers']> = {};
    for (const side of ['source', 'target'] as const) {
      const c = chosen[side];
      if (c === undefined || ownInfo === null) continue;
      const counts = checkSideTokenizer(c, everyPair, side, ownName, log, from);
      ownInfo[`${side}Tokenizer`] = { id: c.id, name: c.name, kind: c.kind, ...counts };
      lab[side] = { tokenizer: { name: c.name, json: c.json } };
      keptTokenizers[side] = keepSideTokenizer(this.ctx.home, c);
    }
    const { splits, sides, data } = pairsOf(input, own, lab);
    if (input.beam > data.target.vocabSize) {
      throw new LabError('invalid_input', `The beam width ${input.beam} is larger than the target vocabulary (${data.target.vocabSize} tokens); choose at most ${data.target.vocabSize}.`, { field: 'beam' });
    }
    if (data.lengths.truncated > 0) log(`${data.lengths.truncated} pair(s) were cut to the length limits (${input.maxSrcLen} source, ${input.maxTgtLen} target tokens).`);
    const sizes: ArmSizes = { ...input.sizes };
    const seeds = Array.from({ length: input.seeds }, (_, i) => BASE_SEED + i);
    // every variant's model is checked before anything is recorded (e.g. dot attention over a bidirectional encoder)
    const configs = new Map(variants.map((v) => [v, variantConfig(v, sizes, data, BASE_SEED)]));
    const stored: Stored = {
      setup: input,
      data: {
        train: data.train.src.length, validation: data.validation.src.length, test: data.test.src.length,
        sourceVocab: data.source.vocabSize, targetVocab: data.target.vocabSize, maxSrcLen: data.maxSrcLen, maxTgtLen: data.maxTgtLen,
        truncated: data.lengths.truncated, empty: data.lengths.empty,
      },
      ...(imported === null ? {} : { pairsFile: imported.stored }),
      ...(fromDataset === null ? {} : { pairsDataset: fromDataset.stored }),
      ...(Object.keys(keptTokenizers).length === 0 ? {} : { sideTokenizers: keptTokenizers }),
    };
    const task = input.task;
    const what = fromDataset !== null ? fromDataset.info.name : imported === null ? `${task.task} ${task.minLength}-${task.maxLength}` : imported.info.name;
    const name = this.uniqueName(input.name ?? `${what}: ${variants.join(', ')} (${input.budget.steps} steps)`);
    const about = fromDataset !== null ? `the pairs of dataset "${fromDataset.info.name}" (its own split)`
      : imported === null ? `generated ${task.task} pairs` : `${imported.info.pairs} pairs from ${imported.info.name}`;
    const id = this.queries().insert(name, `Seq2seq with vs without attention on ${about}, ${input.seeds} seed(s).`, JSON.stringify(stored));
    // a browser upload's copy has served its purpose: the pairs are kept in the lab home
    if (input.pairsFile !== undefined) removeUpload(this.ctx.home, input.pairsFile.path);
    const threads = Math.max(1, Math.floor(availableParallelism() / this.scheduler.concurrency));
    for (const seed of seeds) {
      for (const variant of variants) {
        const config = { ...(configs.get(variant) as ReturnType<typeof variantConfig>), seed };
        const parameters = seq2seqParameterCount(config);
        const runId = this.runs.create({
          name: `${name}-${variant}-seed${seed}`, family: 'seq2seq', datasetId: fromDataset?.info.id ?? null, tokenizerId: null, experimentId: id, seed,
          totalSteps: input.budget.steps, status: 'queued',
          config: { variant, model: config, training: input.budget, parameters, task: input.task, beam: input.beam, snapshots: input.snapshots },
        });
        const spec: Seq2seqJobSpec = {
          runId, variant, config, splits, sides, limits: { maxSrcLen: input.maxSrcLen, maxTgtLen: input.maxTgtLen, policy: input.lengthPolicy },
          budget: input.budget, evaluation: { beam: input.beam, buckets: input.buckets }, snapshots: input.snapshots,
          runDir: runFolder(this.ctx.home, runId), threads, kernels: 'native',
        };
        this.scheduler.enqueue({ kind: 'seq2seq', spec, runId, totalSteps: input.budget.steps, tokensPerStep: input.budget.batchSize * data.maxTgtLen });
      }
    }
    this.ctx.emit('seq2seq.changed', { id });
    return this.experiment(id);
  }

  async list(): Promise<ChannelOutput<'seq2seq.list'>> {
    return this.queries().list().map((row) => {
      const { setup, pairsFile, pairsDataset } = JSON.parse(row.budget_json) as Stored;
      return {
        id: row.id, name: row.name, status: experimentStatus(this.runsOf(row.id)), task: setup.task.task, pairsFile: pairsFile?.info.name ?? null,
        pairsDataset: pairsDataset?.info.name ?? null, variants: setup.variants,
        seeds: setup.seeds, steps: setup.budget.steps, createdAt: row.created_at,
      };
    });
  }

  async get(input: ChannelArgs<'seq2seq.get'>): Promise<ChannelOutput<'seq2seq.get'>> {
    return this.experiment(input.id);
  }

  /** Stops every queued or running arm (each ends 'stopped'; a stopped arm is measured as it stands). */
  async stop(input: ChannelArgs<'seq2seq.stop'>): Promise<ChannelOutput<'seq2seq.stop'>> {
    this.row(input.id);
    for (const r of this.runsOf(input.id)) {
      if (r.status === 'queued' || r.status === 'running') {
        try {
          this.scheduler.stop(r.id);
        } catch {
          // it finished meanwhile
        }
      }
    }
    return this.experiment(input.id);
  }

  async alignment(input: ChannelArgs<'seq2seq.alignment'>): Promise<ChannelOutput<'seq2seq.alignment'>> {
    const runs = input.runIds.map((id) => this.seq2seqRun(id));
    for (const run of runs) {
      if ((run.config as { variant?: string }).variant === 'none') {
        throw new LabError('invalid_input', `Run ${run.id} ("${run.name}") has no attention (its decoder sees the source only through the encoder's last state), so there is no alignment matrix to show; pick one of the attention variants.`, { field: 'runIds' });
      }
    }
    // an arm still waiting for its first snapshot (queued, or early in training) comes back with no frames, so the
    // arms that have one can be compared meanwhile; only when none has a snapshot is it refused, with the reason
    const ready = runs.map((r) => ({ runId: r.id, checkpoints: this.snapshotList(r) })).filter((r) => r.checkpoints.length > 0);
    if (ready.length === 0) this.snapshots(runs[0]); // refuses, saying when the first snapshot comes
    const out = await runTask('seq2seqAlignment', { runs: ready, source: input.source, reference: input.reference },
      this.scheduler.spawnWorker, this.closing.signal);
    return runs.map((r) => ({ runId: r.id, variant: (r.config as { variant: Seq2seqVariant }).variant, frames: out.find((o) => o.runId === r.id)?.frames ?? [] }));
  }

  async decoderSteps(input: ChannelArgs<'seq2seq.decoderSteps'>): Promise<ChannelOutput<'seq2seq.decoderSteps'>> {
    const run = this.seq2seqRun(input.runId);
    const all = this.snapshots(run);
    const at = input.step === null ? all[all.length - 1] : all.find((c) => c.step === input.step);
    if (at === undefined) {
      throw new LabError('not_found', `Run ${run.id} has no weight snapshot at step ${input.step}; it has ${all.map((c) => c.step).join(', ')}.`, { field: 'step' });
    }
    const out = await runTask('seq2seqDecoderSteps', { step: at.step, dir: at.dir, source: input.source }, this.scheduler.spawnWorker, this.closing.signal);
    return { runId: run.id, ...out };
  }

  close(): void {
    this.closing.abort();
  }

  // ---------- internals ----------

  private queries(): Seq2seqQueries {
    return this.ctx.store.seq2seq;
  }

  private row(id: number): { row: NonNullable<ReturnType<Seq2seqQueries['byId']>>; stored: Stored } {
    const row = this.queries().byId(id);
    if (!row) throw new LabError('not_found', `There is no seq2seq experiment with id ${id}; \`seq2seq.list\` (or \`attention-lab seq2seq-compare --list\`) shows those there are.`, { field: 'id' });
    return { row, stored: JSON.parse(row.budget_json) as Stored };
  }

  private runsOf(experimentId: number): RunT[] {
    return this.ctx.store.runs.idsOfExperiment(experimentId).map((id) => this.runs.run(id));
  }

  private experimentOf(runId: number): number | null {
    try {
      const run = this.runs.run(runId);
      return run.family === 'seq2seq' ? run.experimentId : null;
    } catch {
      return null; // deleted
    }
  }

  private seq2seqRun(runId: number): RunT {
    const run = this.runs.run(runId);
    if (run.family !== 'seq2seq') throw new LabError('invalid_input', `Run ${runId} ("${run.name}") is a ${run.family} run, not a seq2seq arm; pick a run of a seq2seq experiment.`, { field: 'runId' });
    return run;
  }

  /** The run's weight snapshots, oldest first, as absolute folders (none yet: empty). */
  private snapshotList(run: RunT): { step: number; dir: string }[] {
    const seen = new Set<number>();
    return this.ctx.store.runs.checkpoints(run.id).filter((a) => a.step !== null && !seen.has(a.step) && seen.add(a.step))
      .map((a) => ({ step: a.step as number, dir: path.join(this.ctx.home, a.path) })).sort((a, b) => a.step - b.step);
  }

  /** The run's weight snapshots; a run with none yet is refused with when its first one is due. */
  private snapshots(run: RunT): { step: number; dir: string }[] {
    const list = this.snapshotList(run);
    if (list.length === 0) {
      const first = Math.round(run.totalSteps === null ? 0 : run.totalSteps / Math.max(1, (run.config as { snapshots?: number }).snapshots ?? 5));
      throw new LabError('not_found', `Run ${run.id} ("${run.name}") has no weight snapshot yet (it is ${run.status} at step ${run.step}); the alignment view can show it once it has one${first > 0 ? ` (about step ${first})` : ''}.`, { field: 'runId' });
    }
    return list;
  }

  private experiment(id: number): Seq2seqExperimentT {
    const { row, stored } = this.row(id);
    const { setup } = stored;
    const runs = this.runsOf(id);
    const arms: Seq2seqArmT[] = setup.variants.map((variant) => ({
      variant,
      seeds: runs.filter((r) => (r.config as { variant?: string }).variant === variant).map((r) => this.armSeed(r)),
    }));
    return {
      id, name: row.name, status: experimentStatus(runs), setup, data: stored.data, pairsFile: stored.pairsFile?.info ?? null,
      pairsDataset: stored.pairsDataset?.info ?? null, arms, verdicts: seq2seqVerdicts(arms, 'bleu'), metric: 'bleu',
      examples: this.examplesOf(id, stored), createdAt: row.created_at,
    };
  }

  private armSeed(r: RunT): Seq2seqArmSeedT {
    const q = readQuality(path.join(runFolder(this.ctx.home, r.id), QUALITY_FILE));
    return {
      seed: r.seed, runId: r.id, status: r.status, step: r.step, parameters: Number((r.config as { parameters?: number }).parameters ?? 0),
      trainSeconds: q?.trainSeconds ?? null, tokensPerSecond: q?.tokensPerSecond ?? null, overall: q?.overall ?? null, buckets: q?.buckets ?? [],
    };
  }

  /** Held-out pairs from the shortest source to the longest (the alignment view's picks); generated once per experiment. */
  private examplesOf(id: number, stored: Stored): Pair[] {
    let list = this.examples.get(id);
    if (list === undefined) {
      const file: OwnPairs | null = stored.pairsDataset !== undefined ? readStoredDatasetPairs(this.ctx.home, stored.pairsDataset)
        : stored.pairsFile === undefined ? null : readStoredPairs(this.ctx.home, stored.pairsFile);
      if ((stored.pairsFile !== undefined || stored.pairsDataset !== undefined) && file === null) return []; // the kept copy was removed by hand
      const lab: LabSides = {};
      for (const side of ['source', 'target'] as const) {
        const kept = stored.sideTokenizers?.[side];
        if (kept === undefined) continue;
        const read = readSideTokenizer(this.ctx.home, kept);
        if (read === null) return []; // the kept tokenizer was removed by hand
        lab[side] = read;
      }
      const { data } = pairsOf(stored.setup, file, lab);
      list = spreadExamples(data.testPairs);
      this.examples.set(id, list);
    }
    return list;
  }

  private uniqueName(base: string): string {
    const taken = this.queries().lowerNames();
    if (!taken.has(base.toLowerCase())) return base;
    for (let n = 2; ; n++) if (!taken.has(`${base} #${n}`.toLowerCase())) return `${base} #${n}`;
  }
}
