// Old code vs new code, whole training steps, in one process: two checkouts of this repository (each with its own
// built addon) each give a Trainer on the reference config, and the two take turns in chunks of steps, alternating
// which goes first. This VM's speed drifts by 20-40% within a minute, so separate processes cannot see a 2% change;
// two Trainers side by side see the same drift. How session 4 checked its kernel and engine changes step by step.
//
//   git worktree add /tmp/old <commit>; ln -s "$PWD/node_modules" /tmp/old/node_modules
//   (cd /tmp/old && npx node-gyp rebuild -C native-kernels)   # or copy an old attention_kernels.node into place
//   npx tsx bench/train/compare_trees.ts --old /tmp/old [--new .] [--model bert|gpt] [--rounds 60] [--chunk 5] [--baby]
// --baby uses the quality benchmark's shape (context 64, batch 12) instead of the reference one (context 128, batch 16).
// Prints each side's median chunk-median step time, the fastest, and the median over rounds of old / new (above 1:
// the new code is faster). Run it in both orders (--old and --new swapped), or with --old . against itself, to see
// its own noise: 1-2% here. --by-speed also lists every round's pair sorted by the old side's time, which shows
// whether a change pays in the VM's fast phases, its slow ones, or both (session 5's thread pool: only the slow).
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    old: { type: 'string' },
    new: { type: 'string', default: '.' },
    model: { type: 'string', default: 'bert' },
    rounds: { type: 'string', default: '60' },
    chunk: { type: 'string', default: '5' },
    baby: { type: 'boolean', default: false },
    'by-speed': { type: 'boolean', default: false },
  },
});
if (values.old === undefined) throw new Error('Give the old checkout with --old DIR (a git worktree of the old commit, its addon built).');
if (values.model !== 'bert' && values.model !== 'gpt') throw new Error(`--model ${values.model} must be gpt or bert.`);
const rounds = Number(values.rounds), chunk = Number(values.chunk);
if (!Number.isInteger(rounds) || rounds < 2) throw new Error(`--rounds ${values.rounds} is not an integer >= 2.`);
if (!Number.isInteger(chunk) || chunk < 1) throw new Error(`--chunk ${values.chunk} is not a positive integer.`);
const family = values.model;

const text = readFileSync(join(import.meta.dirname, '../../../shared/data/tinyshakespeare.txt'), 'utf8');
const chars = [...new Set(text)].sort().slice(0, 64);
const lookup = new Map(chars.map((c, i) => [c, i] as const));
const tokens = Int32Array.from(text.slice(0, 500_000), (c) => lookup.get(c) ?? 0);

interface Stepper { trainStep(): unknown }

/** A Trainer built entirely from the checkout at root: its kernels (and addon), config, model and training loop. */
async function trainerFrom(root: string): Promise<Stepper> {
  const dir = resolve(root);
  const { getKernels } = await import(join(dir, 'native-kernels/index.ts')) as typeof import('../../native-kernels/index');
  // the config moved to common/ (issue 13); older checkouts keep it in main/ml/config.ts
  const configFile = existsSync(join(dir, 'common/model-config.ts')) ? 'common/model-config.ts' : 'main/ml/config.ts';
  const { validateConfig } = await import(join(dir, configFile)) as typeof import('../../common/model-config');
  const { createModel } = await import(join(dir, 'main/ml/checkpoint.ts')) as typeof import('../../main/ml/checkpoint');
  const { Trainer } = await import(join(dir, 'main/ml/train.ts')) as typeof import('../../main/ml/train');
  const k = getKernels('native');
  k.setThreads(2);
  const config = validateConfig({
    family, vocabSize: 65, nLayer: 4, nHead: 4, dModel: 128, dFF: 512, contextLength: values.baby ? 64 : 128,
    positions: 'learned', norm: 'pre', dropout: 0, typeVocabSize: 0, seed: 1337,
  });
  return new Trainer(createModel(k, config), { train: [tokens], val: [] }, {
    steps: 1_000_000, batchSize: values.baby ? 12 : 16, lr: 3e-4, specials: { mask: 64 },
  });
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
/** Median step time of one chunk. */
function chunkMs(t: Stepper): number {
  const times: number[] = [];
  for (let i = 0; i < chunk; i++) {
    const started = performance.now();
    t.trainStep();
    times.push(performance.now() - started);
  }
  return median(times);
}

const older = await trainerFrom(values.old);
const newer = await trainerFrom(values.new);
for (let i = 0; i < 5; i++) {
  older.trainStep();
  newer.trainStep();
}
const oldMs: number[] = [], newMs: number[] = [], ratios: number[] = [];
for (let r = 0; r < rounds; r++) {
  let o: number, n: number;
  if (r % 2 === 0) {
    o = chunkMs(older);
    n = chunkMs(newer);
  } else {
    n = chunkMs(newer);
    o = chunkMs(older);
  }
  oldMs.push(o);
  newMs.push(n);
  ratios.push(o / n);
}
if (values['by-speed']) {
  console.log('old ms/step | new ms/step | old / new   (rounds sorted by the old side\'s time)');
  for (const r of [...oldMs.keys()].sort((a, b) => oldMs[a] - oldMs[b])) {
    console.log(`${oldMs[r].toFixed(2).padStart(11)} | ${newMs[r].toFixed(2).padStart(11)} | ${ratios[r].toFixed(3)}`);
  }
}
console.log(`${family}${values.baby ? ' (baby shape)' : ''}, ${rounds} rounds of ${chunk} steps per side: `
  + `old ${median(oldMs).toFixed(2)} ms/step (fastest ${Math.min(...oldMs).toFixed(2)}), `
  + `new ${median(newMs).toFixed(2)} ms/step (fastest ${Math.min(...newMs).toFixed(2)}); `
  + `old / new per round, median ${median(ratios).toFixed(4)}`);
