// Shared set-up of the PyTorch DDP tests: a small corpus, a char tokenizer, an export bundle for a GPT or BERT run,
// the lab's own training of that run (the job body the app runs), and the exported project's Python commands.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { getKernels } from '../../../native-kernels/index';
import { trainTokenizer, type TextTokenizer } from '../../../main/data/tokenizers/index';
import type { TrainingSettings } from '../../../main/jobs/train/protocol';
import { runTrainJob } from '../../../main/jobs/train/train-job';
import { presetConfig, type ModelConfig, type ModelFamily } from '../../../common/model-config';
import type { SpecialIds } from '../../../main/ml/batches';
import type { TorchExportBundle } from '../../../main/scale/torch-export';

/** Debian's Python with python3-torch (the pyenv python3 on PATH has no torch). */
export const PYTHON = process.env.ATTENTION_LAB_PYTHON ?? '/usr/bin/python3';

/** A few KB of simple English in paragraphs (deterministic). */
export function storyParagraphs(count = 40): string[] {
  const subjects = ['the cat', 'a dog', 'the king', 'my friend', 'the old man', 'a young girl'];
  const verbs = ['sees', 'loves', 'finds', 'follows', 'helps', 'calls'];
  const objects = ['the ball', 'a bird', 'the queen', 'her brother', 'the house', 'a tree'];
  let seed = 7;
  const pick = <T>(xs: T[]): T => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return xs[seed % xs.length];
  };
  return Array.from({ length: count }, () => Array.from({ length: 3 }, () => {
    const s = `${pick(subjects)} ${pick(verbs)} ${pick(objects)}.`;
    return s[0].toUpperCase() + s.slice(1);
  }).join(' '));
}

export interface Case {
  bundle: TorchExportBundle;
  tokenizer: TextTokenizer;
  model: ModelConfig;
  training: TrainingSettings;
  specials: SpecialIds;
  data: { train: Int32Array[]; val: Int32Array[] };
}

/** A run of `family` on the story corpus: tiny preset (overridable), 20 steps, batch 8, as the lab would record it. */
export function makeCase(family: ModelFamily, overrides: Partial<ModelConfig> = {}, training: Partial<TrainingSettings> = {}): Case {
  const paragraphs = storyParagraphs();
  const tokenizer = trainTokenizer('char', () => paragraphs, { vocabSize: 64 }).tokenizer;
  const docs = paragraphs.map((p) => tokenizer.encode(p).ids);
  const data = { train: docs.slice(0, 34), val: docs.slice(34) };
  const model = presetConfig('tiny', family, tokenizer.vocabSize, 1337, { contextLength: 32, ...overrides });
  const settings: TrainingSettings = {
    steps: 20, batchSize: 8, lr: 3e-3, minLr: 3e-4, warmupSteps: 2, weightDecay: 0.1, gradClip: 1, evalEvery: 10,
    evalBatches: 2, checkpointEvery: 100, seed: 1337, ...training,
  };
  const specials: SpecialIds = family === 'gpt'
    ? { eos: tokenizer.specialId('[EOS]') }
    : {
      mask: tokenizer.specialId('[MASK]'), cls: tokenizer.specialId('[CLS]'), pad: tokenizer.specialId('[PAD]'),
      others: (['[SEP]', '[BOS]', '[EOS]', '[UNK]'] as const).map((t) => tokenizer.specialId(t)),
    };
  const bundle: TorchExportBundle = {
    kind: 'run', title: `story ${family}`, experimentId: null,
    data: [{ slug: 'story-char', datasetName: 'story', tokenizerName: 'story-char', vocabSize: tokenizer.vocabSize,
      tokenizerJson: JSON.stringify(tokenizer.toJSON()), train: data.train, validation: data.val }],
    runs: [{ slug: `1-story-${family}`, name: `story-${family}`, labRunId: 1, experimentId: null, model, training: settings, specials,
      maskProbability: settings.maskProbability ?? 0.15, data: 'story-char', checkpoint: null }],
  };
  return { bundle, tokenizer, model, training: settings, specials, data };
}

export interface LabTraining {
  losses: number[];
  evals: { step: number; valLoss: number; accuracy: number }[];
  /** the final checkpoint folder */
  final: string;
}

/** The lab's own training of the case (runTrainJob, native kernels), into runDir. */
export async function labTrain(c: Case, runDir: string): Promise<LabTraining> {
  const losses: number[] = [];
  const evals: LabTraining['evals'] = [];
  let final = '';
  const result = await runTrainJob({
    runId: 1, model: c.model, training: c.training, data: c.data, specials: c.specials, tokenizerJson: JSON.stringify(c.tokenizer.toJSON()),
    runDir, resumeFrom: null, threads: 2, kernels: 'native',
  }, {
    post: (m) => {
      if (m.type === 'step') losses.push(m.loss);
      if (m.type === 'eval') evals.push({ step: m.step, valLoss: m.valLoss, accuracy: m.accuracy });
      if (m.type === 'checkpoint') final = m.dir;
    },
    shouldStop: () => false,
  });
  if (result.status !== 'completed') throw new Error(`lab training ended ${result.status}: ${result.reason}`);
  return { losses, evals, final };
}

export interface PyRun { code: number; stdout: string; stderr: string }

/** A Python command of the exported project, run in its folder. */
export function python(dir: string, args: string[], env: Record<string, string> = {}): Promise<PyRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, args, { cwd: dir, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** metrics.jsonl of an exported run's output: its records in order. */
export function readJsonl(text: string): Record<string, number | null>[] {
  return text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Record<string, number | null>);
}

export const kernels = getKernels;
export { join };
