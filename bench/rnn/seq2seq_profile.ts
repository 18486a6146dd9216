// Where a seq2seq training step spends its time: the bench's model (bench/rnn/seq2seq_bench.ts' shape and flags) run
// for --steps steps with every kernel call timed (performance.now around each call of the native kernels), summed
// per kernel and per size signature (the encoder's and the decoder's GRU calls differ in T), beside the whole step;
// what is left over is JavaScript between the kernels (batching, transposes, copies).
//
//   npx tsx bench/rnn/seq2seq_profile.ts [--attention general] [--steps 20] [--threads 2] [--embed 256] [--hidden 256]
//     [--batch 64] [--length 40]
// Not a benchmark (no anchor): run it under /work/tools/cpu-bench to see the split, and seq2seq_bench.ts for the ratio.
import { getKernels } from '../../native-kernels/index';
import type { Kernels } from '../../native-kernels/kernels';
import { validateSeq2seqConfig } from '../../common/seq2seq-config';
import { generatePairs } from '../../main/data/pairs/tasks';
import { createSeq2seqModel } from '../../main/ml/seq2seq/experiment';
import { Seq2seqTrainer } from '../../main/ml/seq2seq/train';
import { PairVocab } from '../../main/ml/seq2seq/vocab';
import { shapeFlags } from './shape-flags';

const { attention, threads, B, S, E, H, own } = shapeFlags({ steps: '20' });
const steps = own.steps;

const totals = new Map<string, { ms: number; calls: number }>();
const base = getKernels('native');
base.setThreads(threads);
// Every function of the kernels object, timed; the key is the name and the integer arguments (dimensions).
const timed = new Proxy(base, {
  get(target, prop, receiver) {
    const v = Reflect.get(target, prop, receiver) as unknown;
    if (typeof v !== 'function' || typeof prop !== 'string') return v;
    return (...args: unknown[]) => {
      const t0 = performance.now();
      const r = (v as (...a: unknown[]) => unknown).apply(target, args);
      const ms = performance.now() - t0;
      const dims = args.filter((a) => typeof a === 'number' && Number.isInteger(a)).join(',');
      const key = `${prop}(${dims})`;
      const e = totals.get(key) ?? { ms: 0, calls: 0 };
      e.ms += ms;
      e.calls += 1;
      totals.set(key, e);
      return r;
    };
  },
}) as Kernels;

const set = generatePairs({ task: 'reverse', pairs: 20_000, minLength: S, maxLength: S, symbols: 20, seed: 1 });
const sv = PairVocab.build(set.pairs.map((p) => p.source), 'words');
const tv = PairVocab.build(set.pairs.map((p) => p.target), 'words');
const data = { src: set.pairs.map((p) => Int32Array.from(sv.encode(p.source))), tgt: set.pairs.map((p) => Int32Array.from(tv.encode(p.target))) };
const config = validateSeq2seqConfig({ arch: 'rnn', cell: 'gru', attention: attention, embed: E, hidden: H, layers: 1,
  bidirectional: false, attentionSize: H, dropout: 0, srcVocab: sv.vocabSize, tgtVocab: tv.vocabSize, maxSrcLen: S, maxTgtLen: S + 1, seed: 1 });
const trainer = new Seq2seqTrainer(createSeq2seqModel(timed, config), { train: data, val: { src: [], tgt: [] } },
  { steps: 1_000_000, batchSize: B, lr: 1e-3, gradClip: 1 });
for (let i = 0; i < 3; i++) trainer.trainStep();
totals.clear();
const t0 = performance.now();
for (let i = 0; i < steps; i++) trainer.trainStep();
const stepMs = (performance.now() - t0) / steps;
let kernelMs = 0;
for (const e of totals.values()) kernelMs += e.ms / steps;
console.log(`${attention}, GRU 1x${H}, E ${E}, B ${B}, S ${S}: ${stepMs.toFixed(1)} ms per step, ${((B * (S + 1)) / stepMs * 1000).toFixed(0)} tok/s`);
for (const [key, e] of [...totals.entries()].sort((a, b) => b[1].ms - a[1].ms)) {
  const ms = e.ms / steps;
  if (ms < 0.05) continue;
  console.log(`${(ms).toFixed(2).padStart(8)} ms ${((100 * ms) / stepMs).toFixed(1).padStart(5)}%  ${(e.calls / steps).toFixed(0).padStart(4)}x  ${key}`);
}
console.log(`${(stepMs - kernelMs).toFixed(2).padStart(8)} ms ${((100 * (stepMs - kernelMs)) / stepMs).toFixed(1).padStart(5)}%        JavaScript between the kernels`);
