// ScaleService: the 'scale.*' channels. Export gathers a run (or every run of an experiment) from the store — its
// model and training settings, its dataset's split texts as it trained on them, its tokenizer, its newest checkpoint —
// checks the folder and the checkpoint, and hands the bundle to a one-shot worker task (jobs/scale/export-task: it
// tokenizes and writes the project with main/scale's writer), so a large corpus never blocks the lab. Import scans
// what the exported project trained and records each run as an external run: metrics into SQLite (lab/reports'
// storeExternalRuns), checkpoints copied into the lab home and registered as artifacts, so the compare page, attention
// explorer, probes and ONNX export work on it.
import { cpSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { ChannelArgs, ChannelOutput, RunT } from '../../../common/api';
import { LabError } from '../../../common/errors';
import { parameterCount, validateConfig, type ModelConfig } from '../../../common/model-config';
import type { TrainingSettings } from '../../jobs/train/protocol';
import { runTask } from '../../jobs/job-process';
import type { ExportTextData, TorchExportTaskInput } from '../../jobs/scale/export-task';
import { checkExportFolder, checkRunCheckpoint, slugify, type ExportRun } from '../../scale/torch-export';
import { scanTorchExport, type EngineInfo, type TorchRunFound } from '../../scale/torch-import';
import type { LabContext } from '../app/context';
import { storeExternalRuns } from '../reports/external-runs';
import { runFolder, type RunService } from '../runs/service';
import type { JobScheduler } from '../runs/scheduler';
import type { TrainingDeps } from '../runs/training';
import { specialIdsFor, splitTexts } from '../runs/training-data';
import { checkPathText } from '../../../common/path-text';
import { checkWritablePlace } from '../../reports/output';

type ExportInput = ChannelArgs<'scale.exportTorch'>;
type ExportOutput = ChannelOutput<'scale.exportTorch'>;
type ImportOutput = ChannelOutput<'scale.importTorch'>;
type Engine = ImportOutput['runs'][number]['engine'];
/** an exported run, and whether its learning-rate sweep is still to come (the export trains without one) */
type GatheredRun = ExportRun & { sweepPending: boolean };
type Gathered = { bundle: Omit<TorchExportTaskInput['bundle'], 'runs'> & { runs: GatheredRun[] }; label: string };

/** BERT's training masking rate for a run recorded before training.maskProbability existed */
const DEFAULT_MASK_PROBABILITY = 0.15;

/** A shell word quoted only when it needs it. */
function sh(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}

export class ScaleService {
  private readonly runs: RunService;
  private readonly ctx: LabContext;
  /** ends an export's worker when the lab closes */
  private readonly closing = new AbortController();

  constructor(private readonly deps: TrainingDeps, private readonly scheduler: JobScheduler) {
    this.ctx = deps.ctx;
    this.runs = deps.runs;
  }

  close(): void {
    this.closing.abort();
  }

  async exportTorch(input: ExportInput): Promise<ExportOutput> {
    const { bundle, label } = input.run !== undefined ? this.runBundle(input.run, input.checkpoint) : await this.experimentBundle(input.experiment as number, input.checkpoint);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
    // refused here, before a worker starts, with their own error codes (the worker's would lose them): a path no file
    // system takes or a place that cannot be written, a busy folder, a checkpoint that does not fit
    const dir = checkWritablePlace(input.out ?? path.join(this.ctx.home, 'exports', `torch-${slugify(label)}-${stamp}`));
    checkExportFolder(dir, input.force);
    for (const r of bundle.runs) checkRunCheckpoint(r);
    const written = await runTask('torchExport', { dir, force: input.force, bundle }, this.scheduler.spawnWorker, this.closing.signal);
    const first = bundle.runs[0].slug;
    const run = (what: string): string => (bundle.runs.length === 1 ? `runs/${first}/${what}` : what);
    return {
      dir, kind: bundle.kind, runs: written.runs, bytes: written.bytes,
      notes: [...written.notes, ...bundle.runs.flatMap((r) => this.sweepNote(r))],
      commands: {
        oneNode: `cd ${sh(dir)} && bash ${run('launch.sh')}`,
        cpu: `cd ${sh(dir)} && bash ${bundle.runs.length === 1 ? run('launch_cpu.sh') : 'run_cpu.sh'}`,
        importBack: `attention-lab runs import-torch ${sh(dir)}`,
      },
    };
  }

  /** A run whose learning-rate sweep has not happened yet trains, exported, at its recipe's rate without one. */
  private sweepNote(r: GatheredRun): string[] {
    return r.sweepPending ? [`Run "${r.name}" has not run its learning-rate sweep yet; the export trains it at the recipe's rate ${r.training.lr.toExponential(1)} without a sweep.`] : [];
  }

  /** One run's model, settings and data; refuses runs the export cannot reproduce, naming what is missing. */
  private exportRun(run: RunT, withCheckpoint: boolean, data: Map<string, ExportTextData>): GatheredRun {
    if (run.family !== 'gpt' && run.family !== 'bert') {
      throw new LabError('invalid_input', `Run ${run.id} ("${run.name}") is a${run.family === 'rnn' ? 'n RNN' : ` ${run.family}`} run; only GPT and BERT runs can be exported to PyTorch.`, { field: 'run' });
    }
    const recorded = run.config as { model?: Record<string, unknown>; training?: TrainingSettings & { lrSweep?: unknown } };
    if (recorded.model === undefined || recorded.training === undefined) {
      throw new LabError('bad_file', `Run ${run.id} ("${run.name}") has no recorded model or training settings, so it cannot be exported.`, { field: 'run' });
    }
    if (run.datasetId === null || run.tokenizerId === null) {
      throw new LabError('not_found', `The ${run.datasetId === null ? 'dataset' : 'tokenizer'} of run ${run.id} ("${run.name}") is no longer in the lab, so its data cannot be exported; import it again or export another run.`, { field: 'run' });
    }
    let model: ModelConfig;
    try {
      model = validateConfig(recorded.model);
    } catch (e) {
      throw new LabError('bad_file', `The recorded model config of run ${run.id} ("${run.name}") is invalid: ${(e as Error).message}`, { field: 'run' });
    }
    const sweepPending = recorded.training.lrSweep !== undefined && recorded.training.lrSweep !== null;
    const training: TrainingSettings = { ...recorded.training, lrSweep: null };
    const { tokenizers } = this.deps;
    const tokenizer = tokenizers.load(run.tokenizerId);
    if (tokenizer.vocabSize !== model.vocabSize) {
      throw new LabError('conflict', `The tokenizer of run ${run.id} now has ${tokenizer.vocabSize} tokens but the model was built for ${model.vocabSize}; the run's data cannot be rebuilt.`, { field: 'run' });
    }
    const key = `${run.datasetId}-${run.tokenizerId}`;
    let d = data.get(key);
    if (d === undefined) {
      const train = splitTexts(this.ctx, run.datasetId, 'train');
      if (train.every((text) => text.trim() === '')) {
        throw new LabError('invalid_input', `The train split of dataset "${run.datasetName}" has no tokens, so run ${run.id} has nothing to train on.`, { field: 'run' });
      }
      d = {
        slug: slugify(`${run.datasetName ?? `dataset-${run.datasetId}`}-${run.tokenizerName ?? run.tokenizerId}`, 'data'),
        datasetName: run.datasetName ?? '', tokenizerName: run.tokenizerName ?? '', vocabSize: tokenizer.vocabSize,
        tokenizerJson: JSON.stringify(tokenizer.toJSON()), train, validation: splitTexts(this.ctx, run.datasetId, 'validation'),
      };
      // two datasets whose names fold to one slug keep apart
      if ([...data.values()].some((o) => o.slug === d?.slug)) d.slug = `${d.slug}-${data.size + 1}`;
      data.set(key, d);
    }
    const ckpt = withCheckpoint ? this.ctx.store.runs.latestCheckpoint(run.id, true) : null;
    return {
      slug: `${run.id}-${slugify(run.name)}`, name: run.name, labRunId: run.id, experimentId: run.experimentId, model, training,
      specials: specialIdsFor(model.family, tokenizer),
      maskProbability: training.maskProbability ?? DEFAULT_MASK_PROBABILITY, data: d.slug,
      checkpoint: ckpt === null || ckpt.step === null ? null : { dir: path.join(this.ctx.home, ckpt.path), step: ckpt.step },
      sweepPending,
    };
  }

  private runBundle(runId: number, withCheckpoint: boolean): Gathered {
    const run = this.runs.run(runId);
    const data = new Map<string, ExportTextData>();
    const r = this.exportRun(run, withCheckpoint, data);
    return { bundle: { kind: 'run', title: run.name, experimentId: run.experimentId, runs: [r], data: [...data.values()] }, label: r.slug };
  }

  private async experimentBundle(experimentId: number, withCheckpoint: boolean): Promise<Gathered> {
    const name = this.experimentName(experimentId);
    const members = (await this.runs.list({ experimentId, includeArchived: false })).filter((r) => r.origin !== 'external');
    const trainable = members.filter((r) => r.family === 'gpt' || r.family === 'bert');
    if (trainable.length === 0) {
      throw new LabError('invalid_input', `Experiment ${experimentId} ("${name}") has no GPT or BERT runs of its own to export.`, { field: 'experiment' });
    }
    const data = new Map<string, ExportTextData>();
    const runs = trainable.map((r) => this.exportRun(r, withCheckpoint, data));
    return { bundle: { kind: 'experiment', title: name, experimentId, runs, data: [...data.values()] }, label: `experiment-${experimentId}-${name}` };
  }

  private experimentName(id: number): string {
    const name = this.ctx.store.experiments.nameOf(id);
    if (name === undefined) throw new LabError('not_found', `There is no experiment with id ${id}; \`attention-lab compare --list\` or the Experiments page shows the experiments there are.`, { field: 'experiment' });
    return name;
  }

  async importTorch(input: ChannelArgs<'scale.importTorch'>): Promise<ImportOutput> {
    const dir = path.resolve(checkPathText(input.dir, { field: 'dir', what: 'The PyTorch export folder' }));
    if (input.experimentId !== undefined) this.experimentName(input.experimentId);
    const scan = await scanTorchExport(dir);
    const problems = scan.skipped.map((s) => `runs/${s.slug} was not imported: ${s.reason}`);
    const already = (await this.runs.list({ includeArchived: true })).filter((r) => r.origin === 'external' && r.originInfo?.engine === 'pytorch-ddp');
    const runs: ImportOutput['runs'] = [];
    for (const found of scan.runs) {
      problems.push(...found.problems.map((p) => `runs/${found.slug}: ${p}`));
      const step = found.engine?.step ?? lastStep(found);
      const twin = already.find((r) => r.originInfo?.path === found.dir && r.step === step);
      if (twin !== undefined) {
        problems.push(`runs/${found.slug} was not imported again: run ${twin.id} ("${twin.name}") already holds it at step ${step}; delete that run to import it anew.`);
        continue;
      }
      runs.push(this.importRun(found, step, input.experimentId, problems));
    }
    if (runs.length === 0 && problems.length > 0) {
      throw new LabError('invalid_input', `Nothing was imported from ${dir}: ${problems.join(' ')}`, { field: 'dir' });
    }
    return { dir, runs, problems };
  }

  /** One trained run as an external run with its metrics and checkpoints. */
  private importRun(found: TorchRunFound, step: number, experimentId: number | undefined, problems: string[]): ImportOutput['runs'][number] {
    const source = found.lab.runId === null ? null : this.sourceRun(found.lab.runId);
    const engine = engineOf(found.engine);
    const totalSteps = found.engine?.totalSteps ?? found.training.steps;
    const status = statusOf(found.engine, step, totalSteps);
    const experiment = experimentId ?? (found.lab.experimentId !== null && this.experimentExists(found.lab.experimentId) ? found.lab.experimentId : null);
    const metrics = found.metrics ?? { name: found.name, format: 'jsonl' as const, files: [], series: [] };
    const [runId] = storeExternalRuns(this.ctx, [metrics], {
      family: found.model.family, experimentId: experiment, name: `${found.name} (PyTorch DDP${engine.ranks === null ? '' : `, ${engine.ranks} rank${engine.ranks === 1 ? '' : 's'}`})`,
      config: {
        model: found.model, training: found.training, parameters: parameterCount(found.model),
        ...(source === null ? {} : { preset: source.config.preset, dataset: source.config.dataset, tokenizer: source.config.tokenizer }),
      },
      origin: {
        ...engine, path: found.dir, exportDir: path.dirname(path.dirname(found.dir)), slug: found.slug, sourceRunId: source?.id ?? null,
        status: found.engine?.status ?? null, reason: found.engine?.reason ?? null, startedFrom: found.engine?.startedFrom ?? null,
      },
      status, step, totalSteps, datasetId: source?.datasetId ?? null, tokenizerId: source?.tokenizerId ?? null,
      // every step is one global batch of batchSize windows of the context length, whatever the ranks
      seed: found.training.seed, tokensSeen: step * found.training.batchSize * found.model.contextLength,
    });
    let checkpoints = 0;
    for (const c of found.checkpoints) {
      const target = path.join(runFolder(this.ctx.home, runId), 'checkpoints', `step-${c.step}`);
      try {
        rmSync(target, { recursive: true, force: true });
        cpSync(c.dir, target, { recursive: true });
      } catch (e) {
        problems.push(`runs/${found.slug}: checkpoint step-${c.step} could not be copied into the lab home (${(e as Error).message}).`);
        continue;
      }
      const model = c.files.find((f) => f.name === 'model.safetensors');
      this.runs.addArtifact(runId, {
        kind: 'checkpoint', path: path.relative(this.ctx.home, target), sha256: model?.sha256 ?? '', bytes: c.files.reduce((n, f) => n + f.bytes, 0),
        step: c.step, meta: { resumable: false, importedFrom: c.dir, optimizer: c.resumable, files: c.files },
      });
      checkpoints += 1;
    }
    const run = this.runs.run(runId);
    this.ctx.emit('runs.changed', { id: runId, status: run.status, step: run.step, totalSteps: run.totalSteps, error: null, experimentId: run.experimentId });
    const points = metrics.series.reduce((n, s) => n + s.steps.length, 0);
    return { runId, name: run.name, slug: found.slug, status, step, totalSteps, engine, sourceRunId: source?.id ?? null, checkpoints, points };
  }

  private sourceRun(id: number): RunT | null {
    try {
      const r = this.runs.run(id);
      return r.origin === 'external' ? null : r;
    } catch (e) {
      if (e instanceof LabError && e.code === 'not_found') return null;
      throw e;
    }
  }

  private experimentExists(id: number): boolean {
    return this.ctx.store.experiments.nameOf(id) !== undefined;
  }
}

function lastStep(found: TorchRunFound): number {
  let last = 0;
  for (const s of found.metrics?.series ?? []) if (s.steps.length > 0) last = Math.max(last, s.steps[s.steps.length - 1]);
  for (const c of found.checkpoints) last = Math.max(last, c.step);
  return last;
}

/** engine.json's status when it says one; a run without it that stopped short of its steps is 'stopped'. */
function statusOf(e: EngineInfo | null, step: number, total: number): 'completed' | 'stopped' | 'failed' {
  if (e?.status === 'completed' || e?.status === 'failed' || e?.status === 'stopped') return e.status;
  return step >= total ? 'completed' : 'stopped';
}

function engineOf(e: EngineInfo | null): Engine {
  const ranks = e?.ranks ?? [];
  // "2 × cpu (node-a)", "8 × NVIDIA H100 80GB HBM3 (node-b)": ranks counted per device kind and host
  const counts = new Map<string, number>();
  for (const r of ranks) counts.set(`${r.device} (${r.host})`, (counts.get(`${r.device} (${r.host})`) ?? 0) + 1);
  const devices = [...counts].map(([d, n]) => `${n} × ${d}`);
  return {
    engine: e?.engine ?? 'pytorch-ddp', torch: e?.torch ?? null, backend: e?.backend ?? null,
    ranks: e?.worldSize ?? (ranks.length > 0 ? ranks.length : null), nodes: e?.nodes ?? null, devices, precision: e?.precision ?? null,
  };
}
