// Quality per minute: validation loss over training time for nanoGPT's CPU "baby GPT" on tinyshakespeare, ours vs
// PyTorch (bench/train/torch_quality.py, OMP_WAIT_POLICY=PASSIVE), measured in one run.
//
//   npx tsx bench/train/quality_bench.ts [--iters 2000] [--threads 2] [--target 1.88]
// Prints both curves (step, training seconds, val loss), the seconds each needed to reach the target val loss,
// and the ratio PyTorch time / our time (> 1 means we got there faster). Both sides measure the validation loss on
// the same text: every non-overlapping 64-token window of the validation split, so the curves differ only by training.
//   --init plain   both sides start the residual projections at N(0, 0.02) instead of nanoGPT's 0.02/sqrt(2L).
//   npx tsx bench/train/quality_bench.ts --small-minutes 10
// instead trains our `small` preset (batch 16) for that many minutes of training time and prints its best val loss.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { getKernels } from '../../native-kernels/index';
import { presetConfig, validateConfig } from '../../common/model-config';
import { GptModel } from '../../main/ml/gpt';
import type { TransformerModel } from '../../main/ml/model';
import { Trainer } from '../../main/ml/train';

const { values } = parseArgs({
  options: {
    iters: { type: 'string', default: '2000' },
    threads: { type: 'string', default: '2' },
    target: { type: 'string', default: '1.88' },
    'eval-every': { type: 'string', default: '250' },
    'small-minutes': { type: 'string' },
    init: { type: 'string', default: 'nanogpt' },
  },
});
const iters = Number(values.iters);
const threads = Number(values.threads);
const target = Number(values.target);
const evalEvery = Number(values['eval-every']);
const root = join(import.meta.dirname, '../..');
const textPath = join(root, '../shared/data/tinyshakespeare.txt');

interface Point { step: number; seconds: number; valLoss: number }

/** Char ids as torch_quality.py: the 64 first sorted characters (code point order), 90/10 split. */
function splits(): { train: Int32Array; val: Int32Array } {
  const text = readFileSync(textPath, 'utf8');
  const chars = [...new Set(text)].sort().slice(0, 64);
  const lookup = new Map(chars.map((c, i) => [c, i] as const));
  const ids = Int32Array.from(text, (c) => lookup.get(c) ?? 0);
  const n = Math.floor(0.9 * ids.length);
  return { train: ids.subarray(0, n), val: ids.subarray(n) };
}

/** Mean next-token loss over every non-overlapping T-token window of `ids` (as torch_quality.py's evaluate()). */
function windowLoss(model: TransformerModel, ids: Int32Array, T: number): number {
  const starts: number[] = [];
  for (let i = 0; i < ids.length - T; i += T) starts.push(i);
  let total = 0;
  for (let c = 0; c < starts.length; c += 64) {
    const chunk = starts.slice(c, c + 64);
    const tokens = new Int32Array(chunk.length * T);
    const targets = new Int32Array(chunk.length * T);
    chunk.forEach((s, b) => {
      tokens.set(ids.subarray(s, s + T), b * T);
      targets.set(ids.subarray(s + 1, s + T + 1), b * T);
    });
    total += model.forward({ B: chunk.length, T, tokens, targets }, { train: false }) * chunk.length;
  }
  return total / starts.length;
}

function torchCurve(): Point[] {
  const run = spawnSync('/usr/bin/python3', ['torch_quality.py', '--threads', String(threads), '--iters', String(iters),
    '--eval-every', String(evalEvery), '--text', textPath, '--init', values.init as string], { cwd: join(root, 'bench/train'), env: { ...process.env, OMP_WAIT_POLICY: 'PASSIVE' }, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`PyTorch anchor failed: ${run.stderr}`);
  return run.stdout.trim().split('\n').map((line) => {
    const p = JSON.parse(line) as { step: number; seconds: number; val_loss: number };
    return { step: p.step, seconds: p.seconds, valLoss: p.val_loss };
  });
}

async function ourCurve(): Promise<{ points: Point[]; backend: string }> {
  const k = getKernels('native');
  k.setThreads(threads);
  const config = validateConfig({
    family: 'gpt', vocabSize: 65, nLayer: 4, nHead: 4, dModel: 128, dFF: 512, contextLength: 64,
    positions: 'learned', norm: 'pre', dropout: 0, typeVocabSize: 0, seed: 1337,
  });
  const { train, val } = splits();
  const points: Point[] = [];
  let seconds = 0;
  const model = new GptModel(k, config);
  if (values.init === 'plain') {
    // undo the 1/sqrt(2L) scaling of the residual projections: N(0, 0.02) like every other matrix
    for (const s of model.params.table.specs) {
      if (s.name.endsWith('c_proj.weight')) k.scale(model.params.view(s.name), Math.sqrt(2 * config.nLayer), s.size);
    }
  }
  // The trainer's own evaluation is cut to one batch: the curve uses windowLoss on the whole validation split.
  const trainer = new Trainer(model, { train: [train], val: [val] }, {
    steps: iters, batchSize: 12, lr: 1e-3, minLr: 1e-4, warmupSteps: 100, beta2: 0.99, weightDecay: 0.1, gradClip: 1,
    evalEvery, evalBatches: 1,
    onStep: (m) => { seconds += (12 * 64) / m.tokensPerSecond; },
    onEval: (m) => points.push({ step: m.step, seconds, valLoss: windowLoss(model, val, 64) }),
  });
  await trainer.run();
  return { points, backend: k.backend };
}

/** Our `small` preset trained for a fixed budget of training time; returns its evaluations. */
async function smallPresetCurve(minutes: number): Promise<Point[]> {
  const k = getKernels('native');
  k.setThreads(threads);
  const config = presetConfig('small', 'gpt', 65, 1337);
  const { train, val } = splits();
  const points: Point[] = [];
  let seconds = 0;
  const B = 16;
  await new Trainer(new GptModel(k, config), { train: [train], val: [val] }, {
    steps: 1_000_000, batchSize: B, lr: 1e-3, minLr: 1e-4, warmupSteps: 100, beta2: 0.99, evalEvery, evalBatches: 20,
    onStep: (m) => { seconds += (B * config.contextLength) / m.tokensPerSecond; },
    onEval: (m) => { points.push({ step: m.step, seconds, valLoss: m.valLoss }); console.log(`step ${m.step}  ${seconds.toFixed(0)} s  val ${m.valLoss.toFixed(3)}`); },
    shouldStop: () => seconds >= minutes * 60,
  }).run();
  return points;
}

function timeToTarget(points: Point[]): number | null {
  return points.find((p) => p.valLoss <= target)?.seconds ?? null;
}

if (values['small-minutes'] !== undefined) {
  const minutes = Number(values['small-minutes']);
  console.log(`small preset (${threads} thread(s)) for ${minutes} min of training; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const points = await smallPresetCurve(minutes);
  console.log(`best val loss of the small preset in ${minutes} min: ${Math.min(...points.map((p) => p.valLoss)).toFixed(3)}`);
  process.exit(0);
}

console.log(`baby GPT on tinyshakespeare, ${iters} iterations, ${threads} thread(s); load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
const anchor = torchCurve();
const mine = await ourCurve();
console.log(`step  | ours s  val    (${mine.backend}) | PyTorch s  val`);
for (let i = 0; i < Math.max(anchor.length, mine.points.length); i++) {
  const a = anchor[i];
  const o = mine.points[i];
  console.log(`${String(o?.step ?? a?.step).padEnd(5)} | ${o ? `${o.seconds.toFixed(1).padStart(7)} ${o.valLoss.toFixed(3)}` : ''.padEnd(13)}               | ${a ? `${a.seconds.toFixed(1).padStart(9)} ${a.valLoss.toFixed(3)}` : ''}`);
}
const ours = timeToTarget(mine.points);
const theirs = timeToTarget(anchor);
const fmt = (s: number | null): string => (s === null ? `not reached` : `${s.toFixed(1)} s`);
console.log(`time to val loss <= ${target}: ours ${fmt(ours)}, PyTorch ${fmt(theirs)}${ours !== null && theirs !== null ? `, ratio ${(theirs / ours).toFixed(2)}×` : ''}`);
console.log(`best val loss: ours ${Math.min(...mine.points.map((p) => p.valLoss)).toFixed(3)}, PyTorch ${Math.min(...anchor.map((p) => p.valLoss)).toFixed(3)}`);
