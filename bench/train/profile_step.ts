// Where one training step of the reference config spends its time: every kernel call timed through a Proxy around the
// kernels, summed per kernel (and per GEMM shape), averaged over the timed steps.
//
//   npx tsx bench/train/profile_step.ts [--model gpt|bert] [--steps 30] [--threads 2] [--hot]
// Prints tokens/s, ms per step, the kernels' ms per step, slowest first, and a best case (each call site's fastest time,
// summed). Timing each call adds a little overhead; compare rows within one run, not across machines. --hot also runs
// every GEMM a second time at once and prints its best case as called vs repeated (the step's own totals then include
// the repeats).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { getKernels } from '../../native-kernels/index';
import type { Kernels } from '../../native-kernels/kernels';
import { validateConfig, type ModelFamily } from '../../common/model-config';
import { createModel } from '../../main/ml/checkpoint';
import { Trainer } from '../../main/ml/train';

const { values } = parseArgs({ options: { model: { type: 'string', default: 'gpt' }, steps: { type: 'string', default: '30' }, threads: { type: 'string', default: '2' }, hot: { type: 'boolean', default: false } } });
const family = values.model as ModelFamily;
const steps = Number(values.steps);
const warmup = 3;
const raw = getKernels('native');
raw.setThreads(Number(values.threads));

const totals = new Map<string, { ms: number; calls: number }>();
let timing = false;
/** Index of the kernel call within the current step, and each call site's fastest time over the timed steps: on a VM
 *  whose speed drifts, the sum of those minima says what a step costs when nothing interferes. */
let callIndex = 0;
const bestBySite = new Map<number, { key: string; ms: number }>();
/** --hot: each GEMM call runs a second time right after itself, its inputs now in cache; that repeat's fastest time per
 *  call site. Cold (first) minus hot is what a GEMM loses to inputs last touched a layer or a pass earlier. */
const hotBySite = new Map<number, { key: string; ms: number }>();
/** The kernels with every call timed while `timing` is on; GEMM calls are keyed by their (rows, in, out) shape. */
const k = new Proxy(raw, {
  get(target, prop) {
    const value: unknown = Reflect.get(target, prop);
    if (typeof value !== 'function') return value;
    return (...args: unknown[]): unknown => {
      if (!timing) return (value as (...a: unknown[]) => unknown).apply(target, args);
      const started = performance.now();
      const result = (value as (...a: unknown[]) => unknown).apply(target, args);
      const name = String(prop);
      // (BT, C, OC) sit at 4..6 in matmulForward's arguments and at 6..8 in matmulBackward's
      const at = name === 'matmulForward' ? 4 : name === 'matmulBackward' ? 6 : -1;
      const key = at < 0 ? name : `${name} ${String(args[at])}x${String(args[at + 1])}->${String(args[at + 2])}`;
      const entry = totals.get(key) ?? { ms: 0, calls: 0 };
      const ms = performance.now() - started;
      entry.ms += ms;
      const best = bestBySite.get(callIndex);
      if (best === undefined || ms < best.ms) bestBySite.set(callIndex, { key, ms });
      if (values.hot && at >= 0) {
        // The repeat writes the same output; a backward's weight gradients accumulate twice (the curve changes, the
        // timing does not).
        const again = performance.now();
        (value as (...a: unknown[]) => unknown).apply(target, args);
        const hotMs = performance.now() - again;
        const hot = hotBySite.get(callIndex);
        if (hot === undefined || hotMs < hot.ms) hotBySite.set(callIndex, { key, ms: hotMs });
      }
      callIndex += 1;
      entry.calls += 1;
      totals.set(key, entry);
      return result;
    };
  },
}) as Kernels;

const text = readFileSync(join(import.meta.dirname, '../../../shared/data/tinyshakespeare.txt'), 'utf8');
const chars = [...new Set(text)].sort().slice(0, 64);
const lookup = new Map(chars.map((c, i) => [c, i] as const));
const tokens = Int32Array.from(text.slice(0, 500_000), (c) => lookup.get(c) ?? 0);
const config = validateConfig({
  family, vocabSize: 65, nLayer: 4, nHead: 4, dModel: 128, dFF: 512, contextLength: 128,
  positions: 'learned', norm: 'pre', dropout: 0, typeVocabSize: 0, seed: 1337,
});
let started = 0;
await new Trainer(createModel(k, config), { train: [tokens], val: [] }, {
  steps: warmup + steps, batchSize: 16, lr: 3e-4, specials: { mask: 64 },
  onStep: (m) => {
    callIndex = 0;
    if (m.step === warmup) {
      started = performance.now();
      timing = true;
    }
  },
}).run();
const perStep = (performance.now() - started) / steps;
const kernels = [...totals.values()].reduce((sum, e) => sum + e.ms, 0) / steps;
console.log(`${family}: ${((16 * 128) / (perStep / 1000)).toFixed(0)} tokens/s, ${perStep.toFixed(1)} ms/step, kernels ${kernels.toFixed(1)} ms/step (${k.backend}, ${raw.getThreads()} threads)`);
for (const [key, e] of [...totals].sort((a, b) => b[1].ms - a[1].ms)) {
  console.log(`${(e.ms / steps).toFixed(2).padStart(7)} ms  ${String(Math.round(e.calls / steps)).padStart(3)}x  ${key}`);
}

const bestTotals = new Map<string, number>();
for (const { key, ms } of bestBySite.values()) bestTotals.set(key, (bestTotals.get(key) ?? 0) + ms);
console.log(`best case: ${[...bestTotals.values()].reduce((a, b) => a + b, 0).toFixed(1)} ms of kernels per step (each call site's fastest of ${steps} steps)`);
for (const [key, ms] of [...bestTotals].sort((a, b) => b[1] - a[1]).slice(0, 12)) {
  console.log(`${ms.toFixed(2).padStart(7)} ms  ${key}`);
}

if (values.hot) {
  // Per GEMM shape: the best case of the first call (inputs as the step left them) against its immediate repeat.
  const cold = new Map<string, number>(), hot = new Map<string, number>();
  for (const [site, h] of hotBySite) {
    hot.set(h.key, (hot.get(h.key) ?? 0) + h.ms);
    cold.set(h.key, (cold.get(h.key) ?? 0) + (bestBySite.get(site)?.ms ?? 0));
  }
  const sum = (m: Map<string, number>): number => [...m.values()].reduce((a, b) => a + b, 0);
  console.log(`GEMMs per step, best case: ${sum(cold).toFixed(1)} ms as called, ${sum(hot).toFixed(1)} ms when repeated at once (inputs in cache)`);
  for (const [key, ms] of [...cold].sort((a, b) => b[1] - a[1]).filter(([, ms]) => ms > 0.5)) {
    console.log(`${ms.toFixed(2).padStart(7)} ms as called, ${(hot.get(key) ?? 0).toFixed(2).padStart(6)} ms repeated  ${key}`);
  }
}
