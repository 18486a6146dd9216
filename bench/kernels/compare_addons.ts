// Old build vs new build of the native addon, kernel by kernel, in one process: both .node files are loaded side by
// side and called in alternating order, so this VM's speed drift hits both alike. For checking a kernel change before
// keeping it (copy build/Release/attention_kernels.node away before rebuilding).
//
//   npx tsx bench/kernels/compare_addons.ts --old /tmp/old.node [--new native-kernels/build/Release/attention_kernels.node]
//       [--threads 2] [--rounds 20] [--only gelu|matmul|attention]
// Prints, per kernel on the reference config's shapes (B·T = 2048, d_model 128, 4 heads, MLP 512), the best and median
// call time of each build and new/old speed-up of the medians.
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    old: { type: 'string' },
    new: { type: 'string', default: 'native-kernels/build/Release/attention_kernels.node' },
    threads: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '20' },
    only: { type: 'string' },
  },
});
if (values.old === undefined) throw new Error('Give the old build with --old PATH (a copy of attention_kernels.node made before rebuilding).');
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 2) throw new Error(`--rounds ${values.rounds} is not an integer >= 2.`);

// The raw addon: the same argument order as the Kernels contract (native-kernels/native.ts adapts only dropout).
type Addon = Record<string, (...args: unknown[]) => unknown>;
const load = (path: string): Addon => createRequire(import.meta.url)(resolve(path)) as Addon;
const builds: [string, Addon][] = [['old', load(values.old)], ['new', load(values.new)]];
for (const [, a] of builds) {
  a.setAvx2(true);
  a.setThreads(Number(values.threads));
}

const rand = (n: number, scale = 1): Float32Array => Float32Array.from({ length: n }, () => (Math.random() - 0.5) * scale);
const BT = 2048, C = 128, F = 512, B = 16, T = 128, NH = 4;
const cases: [string, string, (a: Addon) => unknown][] = [];
{
  const x = rand(BT * F, 6), d = rand(BT * F), out = new Float32Array(BT * F);
  cases.push(['gelu', `geluForward ${BT}x${F}`, (a) => a.geluForward(out, x, BT * F)]);
  cases.push(['gelu', `geluBackward ${BT}x${F}`, (a) => a.geluBackward(out, x, d, BT * F)]);
}
for (const [cin, oc] of [[C, 3 * C], [C, C], [C, F], [F, C]]) {
  const inp = rand(BT * cin), w = rand(oc * cin), bias = rand(oc), dout = rand(BT * oc);
  const out = new Float32Array(BT * oc), dinp = new Float32Array(BT * cin), dw = new Float32Array(oc * cin), db = new Float32Array(oc);
  cases.push(['matmul', `matmulForward ${BT}x${cin}->${oc}`, (a) => a.matmulForward(out, inp, w, bias, BT, cin, oc)]);
  cases.push(['matmul', `matmulBackward ${BT}x${cin}->${oc}`, (a) => a.matmulBackward(dinp, dw, db, dout, inp, w, BT, cin, oc)]);
}
for (const causal of [false, true]) {
  const qkv = rand(BT * 3 * C, 2), dout = rand(BT * C), out = new Float32Array(BT * C), dqkv = new Float32Array(BT * 3 * C);
  const att = new Float32Array(B * NH * T * T);
  const name = causal ? 'causal (GPT)' : 'bidirectional (BERT)';
  cases.push(['attention', `attentionForward ${name}`, (a) => a.attentionForward(out, null, att, qkv, null, causal, B, T, C, NH)]);
  // the probabilities the backward reads: one forward, shared (both builds compute them alike)
  const probs = new Float32Array(B * NH * T * T);
  builds[0][1].attentionForward(new Float32Array(BT * C), null, probs, qkv, null, causal, B, T, C, NH);
  cases.push(['attention', `attentionBackward ${name}`, (a) => a.attentionBackward(dqkv, dout, qkv, probs, B, T, C, NH)]);
}

const median = (v: number[]): number => [...v].sort((p, q) => p - q)[v.length >> 1];
console.log(`old ${values.old} vs new ${values.new}, ${values.threads} thread(s), ${rounds} alternating rounds of 10 calls`);
console.log('kernel                                  | old best / median ms | new best / median ms | speed-up');
for (const [group, name, run] of cases) {
  if (values.only !== undefined && values.only !== group) continue;
  const times: Record<string, number[]> = { old: [], new: [] };
  for (let r = 0; r < rounds; r++) {
    for (const [label, addon] of r % 2 === 0 ? builds : [...builds].reverse()) {
      run(addon);
      const started = performance.now();
      for (let i = 0; i < 10; i++) run(addon);
      times[label].push((performance.now() - started) / 10);
    }
  }
  const cell = (v: number[]): string => `${Math.min(...v).toFixed(3)} / ${median(v).toFixed(3)}`.padStart(20);
  console.log(`${name.padEnd(39)} | ${cell(times.old)} | ${cell(times.new)} | ${(median(times.old) / median(times.new)).toFixed(3)}×`);
}
