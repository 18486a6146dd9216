// Training throughput benchmark: ours (fwd + bwd + AdamW) vs PyTorch on the reference config, measured in one run.
//
//   npx tsx bench/train/train_bench.ts [--steps 30] [--threads 2] [--model gpt|bert|both] [--backend native|js]
// Prints tokens/s for ours and for the PyTorch anchor (bench/train/torch_train.py, OMP_WAIT_POLICY=PASSIVE, same
// thread count), and their ratio. Reference config: char vocab 65, 4 layers, 4 heads, d_model 128, context 128,
// batch 16, GELU MLP 4×, pre-LN, tied head, AdamW.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { getKernels } from '../../native-kernels/index';
import { validateConfig, type ModelFamily } from '../../main/ml/config';
import { createModel } from '../../main/ml/checkpoint';
import { Trainer } from '../../main/ml/train';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '30' },
    threads: { type: 'string', default: '2' },
    model: { type: 'string', default: 'both' },
    backend: { type: 'string', default: 'native' },
  },
});
const steps = Number(values.steps);
const threads = Number(values.threads);
const warmup = 3;
const root = join(import.meta.dirname, '../..');
const textPath = join(root, '../shared/data/tinyshakespeare.txt');

/** Char-level ids exactly as torch_train.py builds them: the 64 first sorted characters, id 64 = [MASK]. */
function charTokens(): Int32Array {
  const text = readFileSync(textPath, 'utf8');
  const chars = [...new Set(text)].sort().slice(0, 64);
  const lookup = new Map(chars.map((c, i) => [c, i] as const));
  return Int32Array.from(text.slice(0, 500_000), (c) => lookup.get(c) ?? 0);
}

function torchAnchor(family: ModelFamily): number {
  const run = spawnSync('/usr/bin/python3', [join(root, 'bench/train/torch_train.py'), '--model', family,
    '--threads', String(threads), '--steps', String(steps), '--warmup', String(warmup), '--text', textPath],
  { env: { ...process.env, OMP_WAIT_POLICY: 'PASSIVE' }, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`PyTorch anchor failed: ${run.stderr}`);
  return (JSON.parse(run.stdout.trim().split('\n').pop() as string) as { tokens_per_s: number }).tokens_per_s;
}

async function ours(family: ModelFamily, tokens: Int32Array): Promise<{ tokensPerSecond: number; backend: string }> {
  const k = getKernels(values.backend === 'js' ? 'js' : 'native');
  k.setThreads(threads);
  const config = validateConfig({
    family, vocabSize: 65, nLayer: 4, nHead: 4, dModel: 128, dFF: 512, contextLength: 128,
    positions: 'learned', norm: 'pre', dropout: 0, typeVocabSize: 0, seed: 1337,
  });
  const model = createModel(k, config);
  let started = 0;
  const trainer = new Trainer(model, { train: [tokens], val: [] }, {
    steps: warmup + steps, batchSize: 16, lr: 3e-4, specials: { mask: 64 },
    onStep: (m) => { if (m.step === warmup) started = performance.now(); },
  });
  await trainer.run();
  const seconds = (performance.now() - started) / 1000;
  return { tokensPerSecond: (steps * 16 * 128) / seconds, backend: k.backend };
}

const families: ModelFamily[] = values.model === 'both' ? ['gpt', 'bert'] : [values.model as ModelFamily];
const tokens = charTokens();
console.log(`training tokens/s, reference config, ${threads} thread(s), ${steps} timed steps; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
console.log('model | ours (backend)            | PyTorch 1.13 (PASSIVE) | ratio');
for (const family of families) {
  const anchor = torchAnchor(family);
  const mine = await ours(family, tokens);
  console.log(`${family.padEnd(5)} | ${mine.tokensPerSecond.toFixed(0).padStart(7)} (${mine.backend.padEnd(15)}) | ${anchor.toFixed(0).padStart(22)} | ${(mine.tokensPerSecond / anchor).toFixed(2)}×`);
}
