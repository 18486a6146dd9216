// Writes a self-contained PyTorch DDP project for one run or a whole experiment: the Python templates (model, train,
// data, optimizer, checkpoint and launch code), the dataset as token shards, tokenizer.json, each run's settings, the
// initial weights the lab draws from its seed, optionally its checkpoint to continue from, launch scripts and a README.
// Plain data in, files out: the service gathers the bundle from the store (lab/scale), tests build one directly.
//
// DIR/README.md  export.json  model.py train.py labdata.py labio.py labopt.py labckpt.py infer.py launch_cpu.py
//     run_cpu.sh (every run on 2 local CPU ranks)  slurm.sbatch (one array task per run)
//     data/<data>/index.json, *.bin, tokenizer.json
//     runs/<run>/run.json  init/model.safetensors  [checkpoint/ the lab's newest]  launch.sh  launch_cpu.sh
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TrainingSettings } from '../jobs/train/protocol';
import type { SpecialIds } from '../ml/batches';
import { createModel, readSafetensors, saveCheckpoint } from '../ml/checkpoint';
import { parameterSpecs } from '../ml/params';
import type { ModelConfig } from '../../common/model-config';
import type { Kernels } from '../../native-kernels/kernels';
import { LabError } from '../../common/errors';
import { writeTokenShards, DEFAULT_SHARD_TOKENS } from './token-shards';
import { exportReadme, runLaunchScripts, slurmArrayScript, cpuAllScript } from './torch-readme';

export const EXPORT_FORMAT = 'attention-lab-torch-export/1';
export const RUN_FORMAT = 'attention-lab-torch-run/1';
/** BERT's evaluation masking rate in the lab (main/ml/train.ts: evalMaskProbability), whatever the training rate */
const EVAL_MASK_PROBABILITY = 0.15;
/** The Python files every export carries (main/scale/templates/). */
export const TEMPLATE_FILES = ['model.py', 'train.py', 'labdata.py', 'labio.py', 'labopt.py', 'labckpt.py', 'infer.py', 'launch_cpu.py'] as const;
/** What an export owns at its top level: --force replaces these and leaves anything else in the folder alone. */
const OWNED = [...TEMPLATE_FILES, 'README.md', 'export.json', 'run_cpu.sh', 'slurm.sbatch', 'data', 'runs', '__pycache__'];

/** One dataset as one tokenizer encodes it (runs of an experiment share it). */
export interface ExportData {
  /** folder name under data/ */
  slug: string;
  datasetName: string;
  tokenizerName: string;
  vocabSize: number;
  tokenizerJson: string;
  train: Int32Array[];
  validation: Int32Array[];
}

export interface ExportRun {
  /** folder name under runs/ */
  slug: string;
  name: string;
  labRunId: number | null;
  experimentId: number | null;
  model: ModelConfig;
  training: TrainingSettings;
  specials: SpecialIds;
  /** BERT: the share of tokens masked in training (training.maskProbability, 0.15 when the run predates it);
   *  evaluation always masks 15% */
  maskProbability: number;
  /** slug of its ExportData */
  data: string;
  /** the lab's newest resumable checkpoint folder (absolute), copied as runs/<run>/checkpoint/, or null */
  checkpoint: { dir: string; step: number } | null;
}

export interface TorchExportBundle {
  kind: 'run' | 'experiment';
  title: string;
  experimentId: number | null;
  runs: ExportRun[];
  data: ExportData[];
}

export interface ExportOptions {
  force?: boolean;
  /** tokens per shard file (tests make several small shards) */
  shardTokens?: number;
}

export interface TorchExportResult {
  dir: string;
  runs: { slug: string; name: string; labRunId: number | null; checkpointStep: number | null }[];
  /** sentences for the person: what starts from scratch, what was left out */
  notes: string[];
  bytes: number;
}

/** The folder holding the Python templates next to this module (beside the bundled chunk in the app build). */
export function templateDir(): string {
  return fileURLToPath(new URL('./templates/', import.meta.url));
}

/** A file-system-safe folder name: lower-case letters, digits, '-', '.', '_'. */
export function slugify(text: string, fallback = 'run'): string {
  const s = text.normalize('NFKD').toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '').slice(0, 60);
  return s === '' ? fallback : s;
}

/** Refuses a file, or an existing non-empty folder unless force; true when there is something to replace. */
export function checkExportFolder(dir: string, force: boolean): boolean {
  if (!existsSync(dir)) return false;
  if (!statSync(dir).isDirectory()) {
    throw new LabError('conflict', `${dir} exists and is a file, not a folder; choose another --out.`, { field: 'out' });
  }
  const entries = readdirSync(dir);
  if (entries.length > 0 && !force) {
    throw new LabError('conflict', `The folder ${dir} already exists and is not empty (${entries.length} entries); choose another --out, or pass --force to replace the export files in it (other files stay).`, { field: 'out' });
  }
  return entries.length > 0;
}

/** checkExportFolder, then with force removes only what an export owns there. */
function prepareDir(dir: string, force: boolean): void {
  if (checkExportFolder(dir, force)) for (const name of OWNED) rmSync(join(dir, name), { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
}

function writeExecutable(path: string, text: string): void {
  writeFileSync(path, text);
  chmodSync(path, 0o755);
}

function folderBytes(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    n += e.isDirectory() ? folderBytes(p) : statSync(p).size;
  }
  return n;
}

/**
 * The lab checkpoint an export carries must fit the run's recorded config (train.py would stop on it on every rank);
 * a missing tensor or a shape that differs is named, before anything is written.
 */
export function checkRunCheckpoint(r: ExportRun): void {
  if (r.checkpoint === null) return;
  const where = `The checkpoint of run "${r.name}" (step ${r.checkpoint.step}, ${r.checkpoint.dir})`;
  const instead = 'Export the run without it (--no-checkpoint: training starts from the initial weights) or export another run.';
  let weights: ReturnType<typeof readSafetensors>;
  try {
    weights = readSafetensors(join(r.checkpoint.dir, 'model.safetensors'));
  } catch (e) {
    throw new LabError('bad_file', `${where} cannot be read: ${(e as Error).message} ${instead}`, { field: 'checkpoint' });
  }
  for (const spec of parameterSpecs(r.model).specs) {
    const t = weights.tensors.get(spec.name);
    if (t === undefined) {
      throw new LabError('bad_file', `${where} has no tensor "${spec.name}", which the run's ${r.model.family.toUpperCase()} config needs. ${instead}`, { field: 'checkpoint' });
    }
    if (t.shape.join(',') !== spec.shape.join(',')) {
      throw new LabError('bad_file', `${where} holds tensor "${spec.name}" with shape [${t.shape.join(', ')}], but the run's config expects [${spec.shape.join(', ')}]. ${instead}`, { field: 'checkpoint' });
    }
  }
}

/** Writes the project; the kernels are used only to draw each run's initial weights exactly as the lab draws them. */
export function writeTorchProject(k: Kernels, dir: string, bundle: TorchExportBundle, opts: ExportOptions = {}): TorchExportResult {
  if (bundle.runs.length === 0) throw new LabError('invalid_input', `${bundle.title} has no runs to export.`, { field: 'run' });
  const slugs = new Set<string>();
  for (const r of bundle.runs) {
    if (slugs.has(r.slug)) throw new LabError('internal', `Two exported runs share the folder name "${r.slug}".`);
    slugs.add(r.slug);
    if (!bundle.data.some((d) => d.slug === r.data)) throw new LabError('internal', `Run "${r.name}" names data "${r.data}", which the bundle lacks.`);
  }
  for (const r of bundle.runs) checkRunCheckpoint(r);
  prepareDir(dir, opts.force === true);
  const notes: string[] = [];
  const templates = templateDir();
  for (const f of TEMPLATE_FILES) cpSync(join(templates, f), join(dir, f));
  chmodSync(join(dir, 'train.py'), 0o755);
  chmodSync(join(dir, 'launch_cpu.py'), 0o755);
  chmodSync(join(dir, 'infer.py'), 0o755);

  for (const d of bundle.data) {
    const dataDir = join(dir, 'data', d.slug);
    writeTokenShards(dataDir, { train: d.train, validation: d.validation }, d.vocabSize, opts.shardTokens ?? DEFAULT_SHARD_TOKENS);
    writeFileSync(join(dataDir, 'tokenizer.json'), d.tokenizerJson);
  }

  for (const r of bundle.runs) {
    const runDir = join(dir, 'runs', r.slug);
    mkdirSync(runDir, { recursive: true });
    // the lab's own draw from the model seed: the exported run starts where the lab's run started
    saveCheckpoint(join(runDir, 'init'), createModel(k, r.model));
    let checkpoint: string | null = null;
    if (r.checkpoint !== null) {
      cpSync(r.checkpoint.dir, join(runDir, 'checkpoint'), { recursive: true });
      checkpoint = 'checkpoint';
    } else {
      notes.push(`Run "${r.name}" has no checkpoint yet, so the export trains it from scratch (the initial weights the lab draws from seed ${r.model.seed}).`);
    }
    const runJson = {
      format: RUN_FORMAT, name: r.name, slug: r.slug,
      lab: { runId: r.labRunId, experimentId: r.experimentId, name: r.name },
      model: r.model, training: r.training, specials: r.specials, maskProbability: r.maskProbability, evalMaskProbability: EVAL_MASK_PROBABILITY,
      seqLen: r.model.contextLength, data: `../../data/${r.data}`, tokenizer: `../../data/${r.data}/tokenizer.json`,
      init: 'init/model.safetensors', checkpoint, checkpointStep: r.checkpoint?.step ?? null,
    };
    writeFileSync(join(runDir, 'run.json'), `${JSON.stringify(runJson, null, 2)}\n`);
    const scripts = runLaunchScripts(r.slug);
    writeExecutable(join(runDir, 'launch.sh'), scripts.torchrun);
    writeExecutable(join(runDir, 'launch_cpu.sh'), scripts.cpu);
  }

  writeExecutable(join(dir, 'run_cpu.sh'), cpuAllScript(bundle.runs.map((r) => r.slug)));
  writeFileSync(join(dir, 'slurm.sbatch'), slurmArrayScript(bundle.runs.map((r) => r.slug)));
  writeFileSync(join(dir, 'README.md'), exportReadme(bundle));
  const manifest = {
    format: EXPORT_FORMAT, kind: bundle.kind, title: bundle.title, experimentId: bundle.experimentId,
    createdAt: new Date().toISOString(),
    runs: bundle.runs.map((r) => ({ slug: r.slug, name: r.name, labRunId: r.labRunId, family: r.model.family, data: r.data, checkpointStep: r.checkpoint?.step ?? null })),
    data: bundle.data.map((d) => ({ slug: d.slug, dataset: d.datasetName, tokenizer: d.tokenizerName, vocabSize: d.vocabSize })),
    notes,
  };
  writeFileSync(join(dir, 'export.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return {
    dir, notes, bytes: folderBytes(dir),
    runs: bundle.runs.map((r) => ({ slug: r.slug, name: r.name, labRunId: r.labRunId, checkpointStep: r.checkpoint?.step ?? null })),
  };
}
