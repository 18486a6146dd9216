// Reads what a PyTorch DDP export produced, for the lab to take back as external runs: each run's settings (run.json),
// where and how it ran (output/engine.json), its metrics (output/metrics.jsonl, read by the external-run JSONL reader
// of main/reports/import) and its checkpoints, each checked against the run's config. What is valid is returned; what
// is not is named in `problems` (a truncated checkpoint, a tensor of the wrong shape, a line that is not JSON), so
// the import keeps the rest. No database here: the scale service records the result (lab/scale).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import type { TrainingSettings } from '../jobs/train/protocol';
import { readSafetensors } from '../ml/checkpoint';
import { validateConfig, type ModelConfig } from '../../common/model-config';
import { parameterSpecs } from '../ml/params';
import { LabError } from '../../common/errors';
import { readJsonlRuns } from '../reports/import/jsonl';
import type { ExternalRunData } from '../reports/import/types';
import { RUN_FORMAT } from './torch-export';

export interface CheckpointFound {
  step: number;
  /** absolute folder */
  dir: string;
  /** optimizer.safetensors read back whole: training can continue from it */
  resumable: boolean;
  files: { name: string; bytes: number; sha256: string }[];
}

/** What train.py writes to output/engine.json. */
export interface EngineInfo {
  engine?: string;
  torch?: string;
  backend?: string;
  worldSize?: number;
  nodes?: number;
  ranks?: { rank: number; host: string; device: string }[];
  precision?: string;
  status?: string;
  reason?: string | null;
  step?: number;
  totalSteps?: number;
  startedAt?: string;
  updatedAt?: string;
  startedFrom?: string;
}

export interface TorchRunFound {
  slug: string;
  /** absolute run folder */
  dir: string;
  name: string;
  model: ModelConfig;
  training: TrainingSettings;
  lab: { runId: number | null; experimentId: number | null; name?: string };
  engine: EngineInfo | null;
  /** its metrics as an external run (the lab's keys: train/loss, val/loss, …), null when it has none */
  metrics: ExternalRunData | null;
  checkpoints: CheckpointFound[];
  /** sentences naming what was not imported and why */
  problems: string[];
}

export interface TorchImportScan {
  dir: string;
  runs: TorchRunFound[];
  /** run folders with nothing to import, and why */
  skipped: { slug: string; reason: string }[];
}

/** How many skipped metric lines are named one by one before the rest are counted. */
const NAMED_LINES = 3;

/** Scans an export folder (or one run folder of it, the one holding run.json). */
export async function scanTorchExport(dir: string): Promise<TorchImportScan> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new LabError('not_found', `${dir} is not a folder; give the folder \`attention-lab export-torch\` wrote (the one with export.json and runs/).`, { field: 'dir' });
  }
  let runDirs: string[];
  if (existsSync(join(dir, 'run.json'))) runDirs = [dir];
  else if (existsSync(join(dir, 'runs')) && statSync(join(dir, 'runs')).isDirectory()) {
    runDirs = readdirSync(join(dir, 'runs')).sort().map((d) => join(dir, 'runs', d)).filter((d) => existsSync(join(d, 'run.json')));
  } else {
    throw new LabError('bad_file', `${dir} is not a PyTorch export of Attention Lab: it has neither runs/ nor run.json. Give the folder \`attention-lab export-torch\` wrote.`, { field: 'dir' });
  }
  if (runDirs.length === 0) {
    throw new LabError('bad_file', `${dir} is not a PyTorch export of Attention Lab: its runs/ folder holds no run folder with a run.json. Give the folder \`attention-lab export-torch\` wrote.`, { field: 'dir' });
  }
  const scan: TorchImportScan = { dir, runs: [], skipped: [] };
  for (const runDir of runDirs) {
    const slug = basename(runDir);
    try {
      const found = await scanRun(dir, runDir);
      if (found.metrics === null && found.checkpoints.length === 0) {
        scan.skipped.push({ slug, reason: found.problems.join(' ') || `runs/${slug} has no metrics and no checkpoints (has it been trained?).` });
      } else {
        scan.runs.push(found);
      }
    } catch (e) {
      if (!(e instanceof LabError)) throw e;
      scan.skipped.push({ slug, reason: e.message });
    }
  }
  return scan;
}

function readJson(path: string, what: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new LabError('not_found', `Cannot read ${what} ${path}: ${(e as Error).message}.`, { field: basename(path) });
  }
  try {
    const v = JSON.parse(text) as unknown;
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('not a JSON object');
    return v as Record<string, unknown>;
  } catch (e) {
    throw new LabError('bad_file', `${path} is not valid JSON (${(e as Error).message}); it was not written by the export, or was cut short.`, { field: basename(path) });
  }
}

async function scanRun(root: string, runDir: string): Promise<TorchRunFound> {
  const rel = (p: string): string => relative(root, p) || basename(p);
  const run = readJson(join(runDir, 'run.json'), 'the run settings');
  if (run.format !== RUN_FORMAT) {
    throw new LabError('bad_file', `${rel(join(runDir, 'run.json'))} has format ${JSON.stringify(run.format)}, not "${RUN_FORMAT}"; it was not written by this version of the export.`, { field: 'run.json' });
  }
  let model: ModelConfig;
  try {
    model = validateConfig(run.model as Record<string, unknown>);
  } catch (e) {
    throw new LabError('bad_file', `The model config in ${rel(join(runDir, 'run.json'))} is invalid: ${(e as Error).message}`, { field: 'model' });
  }
  const out = join(runDir, 'output');
  const problems: string[] = [];
  const engine = existsSync(join(out, 'engine.json')) ? readJson(join(out, 'engine.json'), 'the engine record') as EngineInfo : null;
  const metricsPath = join(out, 'metrics.jsonl');
  let metrics: ExternalRunData | null = null;
  if (existsSync(metricsPath)) metrics = await readMetrics(metricsPath, rel(metricsPath), problems);
  else problems.push(`${rel(metricsPath)} is missing, so this run brings no metrics (was it trained?).`);
  const checkpoints: CheckpointFound[] = [];
  const ckRoot = join(out, 'checkpoints');
  if (existsSync(ckRoot)) {
    for (const name of readdirSync(ckRoot)) {
      const m = /^step-(\d+)$/.exec(name);
      if (m === null) continue;
      const found = checkCheckpoint(join(ckRoot, name), Number(m[1]), model, rel(join(ckRoot, name)), problems);
      if (found !== null) checkpoints.push(found);
    }
    checkpoints.sort((a, b) => a.step - b.step);
  }
  const lab = (run.lab ?? {}) as TorchRunFound['lab'];
  return {
    slug: basename(runDir), dir: runDir, name: typeof run.name === 'string' ? run.name : basename(runDir), model,
    training: run.training as TrainingSettings, lab: { runId: lab.runId ?? null, experimentId: lab.experimentId ?? null, name: lab.name },
    engine, metrics, checkpoints, problems,
  };
}

/** metrics.jsonl as one external run; skipped lines are named in problems (the first few one by one). */
async function readMetrics(path: string, shown: string, problems: string[]): Promise<ExternalRunData | null> {
  let read;
  try {
    read = await readJsonlRuns(path);
  } catch (e) {
    if (!(e instanceof LabError)) throw e;
    problems.push(`${shown} brings no metrics: ${e.message}`);
    return null;
  }
  const named = read.problems.slice(0, NAMED_LINES).map((p) => `${p.where} ${p.message}`);
  if (read.problems.length > 0) {
    const more = read.problems.length > NAMED_LINES ? `; and ${read.problems.length - NAMED_LINES} more` : '';
    problems.push(`In ${shown}, ${named.join('; ')}${more} (a crash can cut the last line).`);
  }
  // one file, one run: the reader names it after the file; the service names it after the run
  return read.runs[0] ?? null;
}

function describe(dir: string): CheckpointFound['files'] {
  return readdirSync(dir).sort().filter((n) => statSync(join(dir, n)).isFile()).map((name) => {
    const bytes = readFileSync(join(dir, name));
    return { name, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
  });
}

/** A checkpoint folder that reads back whole and fits the model config, or null with the reason in problems. */
function checkCheckpoint(dir: string, step: number, model: ModelConfig, shown: string, problems: string[]): CheckpointFound | null {
  let weights: ReturnType<typeof readSafetensors>;
  try {
    weights = readSafetensors(join(dir, 'model.safetensors'));
  } catch (e) {
    problems.push(`Checkpoint ${shown} was not imported: ${(e as Error).message}`);
    return null;
  }
  for (const spec of parameterSpecs(model).specs) {
    const t = weights.tensors.get(spec.name);
    if (t === undefined) {
      problems.push(`Checkpoint ${shown} was not imported: its model.safetensors has no tensor "${spec.name}", which the run's ${model.family.toUpperCase()} config needs.`);
      return null;
    }
    if (t.shape.join(',') !== spec.shape.join(',')) {
      problems.push(`Checkpoint ${shown} was not imported: tensor "${spec.name}" has shape [${t.shape.join(', ')}], but the run's config expects [${spec.shape.join(', ')}].`);
      return null;
    }
  }
  let resumable = false;
  if (existsSync(join(dir, 'optimizer.safetensors'))) {
    try {
      const opt = readSafetensors(join(dir, 'optimizer.safetensors'));
      const n = parameterSpecs(model).total;
      resumable = opt.tensors.get('m')?.data.length === n && opt.tensors.get('v')?.data.length === n && opt.metadata.rng !== undefined;
      if (!resumable) problems.push(`Checkpoint ${shown}: optimizer.safetensors does not fit the model, so training cannot continue from it (its weights were imported).`);
    } catch (e) {
      problems.push(`Checkpoint ${shown}: optimizer.safetensors is unreadable (${(e as Error).message}), so training cannot continue from it (its weights were imported).`);
    }
  }
  return { step, dir, resumable, files: describe(dir) };
}
