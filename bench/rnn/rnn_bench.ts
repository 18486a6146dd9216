// RNN language-model training throughput: ours (fwd + bwd + AdamW on the native kernels) vs PyTorch 1.13 nn.GRU /
// nn.LSTM at the shape, in interleaved rounds.
//
//   npx tsx bench/rnn/rnn_bench.ts [--rounds 6] [--steps 8] [--threads 2] [--cell gru|lstm|both] [--backend native|js]
//     [--text path/to/tinyshakespeare.txt]
// Per cell, a warmed-up PyTorch server (bench/rnn/torch_rnn.py --serve, OMP_WAIT_POLICY=PASSIVE, same thread count)
// and our warmed-up Trainer take turns: each round both sides train --steps steps, PyTorch first in odd rounds and
// ours first in even ones, so a slow minute on this shared VM hits both sides. Prints tokens/s per round and side with
// their ratio, then the medians, the median / min / max of the per-round ratios, the load average at start and end,
// and the ratios over the full-speed rounds only (PyTorch within 10% of its 90th-percentile round). Each side also
// reports its process CPU time over the round (every thread), so tokens per CPU-second and their ratio are printed too:
// on a machine shared with other work that figure moves less than wall-clock throughput.
// Shape: char vocabulary 65, embedding 256, 2 layers of 256 units, T 128, batch 32, no dropout, AdamW (lr 2e-3,
// betas 0.9/0.95, decay 0.1 on matrices), global-norm clip 1.0 — the same in torch_rnn.py.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { getKernels } from '../../native-kernels/index';
import { validateRnnConfig, type RnnFamily } from '../../common/rnn-config';
import { RnnLanguageModel } from '../../main/ml/rnn/lm';
import { Trainer } from '../../main/ml/train';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '6' },
    steps: { type: 'string', default: '8' },
    threads: { type: 'string', default: '2' },
    cell: { type: 'string', default: 'both' },
    backend: { type: 'string', default: 'native' },
    text: { type: 'string', default: '' },
  },
});
const rounds = wholeNumber('rounds', values.rounds);
const steps = wholeNumber('steps', values.steps);
const threads = wholeNumber('threads', values.threads);
if (!['gru', 'lstm', 'both'].includes(values.cell)) throw new Error(`--cell ${values.cell} is not known; use gru, lstm or both.`);
if (!['native', 'js'].includes(values.backend)) throw new Error(`--backend ${values.backend} is not known; use native or js.`);
const warmup = 3;
const [B, T, H, E] = [32, 128, 256, 256];
const root = join(import.meta.dirname, '../..');
// The shared test text beside the checkout (/work/main -> /work/shared); a worktree elsewhere passes --text.
const textPath = values.text !== '' ? values.text : join(root, '../shared/data/tinyshakespeare.txt');

function wholeNumber(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} ${text} must be a whole number of at least 1.`);
  return n;
}

/** Char-level ids exactly as torch_rnn.py builds them: the 64 first sorted characters. */
function charTokens(): Int32Array {
  const text = readFileSync(textPath, 'utf8');
  const chars = [...new Set(text)].sort().slice(0, 64);
  const lookup = new Map(chars.map((c, i) => [c, i] as const));
  return Int32Array.from(text.slice(0, 500_000), (c) => lookup.get(c) ?? 0);
}

/** One side's round: wall-clock tokens/s and tokens per CPU-second of its whole process. */
interface Round {
  tps: number;
  cpuTps: number;
}

interface Side {
  runSteps(n: number): Promise<Round>;
  close(): void;
}

async function torchSide(cell: RnnFamily): Promise<Side & { version: string }> {
  const child = spawn('/usr/bin/python3', [join(root, 'bench/rnn/torch_rnn.py'), '--serve', '--cell', cell,
    '--threads', String(threads), '--warmup', String(warmup), '--text', textPath],
  { env: { ...process.env, OMP_WAIT_POLICY: 'PASSIVE' }, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const nextAnswer = async (): Promise<Record<string, unknown>> => {
    const line = await lines.next();
    if (line.done === true) throw new Error(`The PyTorch server for ${cell} exited (code ${child.exitCode}) before answering; see its error above.`);
    const answer = JSON.parse(line.value) as Record<string, unknown>;
    if (typeof answer.error === 'string') throw new Error(`The PyTorch server for ${cell} refused a command: ${answer.error}`);
    return answer;
  };
  const ready = await nextAnswer();
  return {
    version: String(ready.torch),
    async runSteps(n) {
      child.stdin.write(`run ${n}\n`);
      const answer = await nextAnswer();
      return { tps: answer.tokens_per_s as number, cpuTps: (n * B * T) / (answer.cpu_seconds as number) };
    },
    close() {
      child.stdin.end();
    },
  };
}

/** Our model and one Trainer over all rounds (AdamW state and the LR schedule run on), run in slices. */
async function ourSide(cell: RnnFamily, tokens: Int32Array): Promise<Side & { backend: string }> {
  const k = getKernels(values.backend === 'js' ? 'js' : 'native');
  k.setThreads(threads);
  const config = validateRnnConfig({ family: cell, vocabSize: 65, nLayer: 2, dModel: H, dEmbed: E, contextLength: T, dropout: 0, seed: 1337 });
  let stopAt = warmup;
  const trainer: Trainer<RnnLanguageModel> = new Trainer(new RnnLanguageModel(k, config), { train: [tokens], val: [] }, {
    steps: warmup + rounds * steps, batchSize: B, lr: 2e-3, beta2: 0.95, weightDecay: 0.1, gradClip: 1,
    shouldStop: (): boolean => trainer.step >= stopAt,
  });
  const slice = async (n: number): Promise<Round> => {
    stopAt = trainer.step + n;
    const started = performance.now();
    const cpu = process.cpuUsage();
    const result = await trainer.run();
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    if (result.status === 'diverged') throw new Error(`Our ${cell} run diverged: ${result.reason ?? ''}`);
    return { tps: (n * B * T) / seconds, cpuTps: (n * B * T) / ((used.user + used.system) / 1e6) };
  };
  await slice(warmup);
  return { backend: k.backend, runSteps: slice, close: () => undefined };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const load = (): string => loadavg().map((x) => x.toFixed(2)).join(' ');
const cellText = (x: number, width: number): string => x.toFixed(0).padStart(width);

async function compare(cell: RnnFamily, tokens: Int32Array): Promise<void> {
  const loadStart = load();
  const torch = await torchSide(cell);
  const mine = await ourSide(cell, tokens);
  const oursTps: number[] = [];
  const torchTps: number[] = [];
  const ratios: number[] = [];
  const cpuRatios: number[] = [];
  const oursCpu: number[] = [];
  const torchCpu: number[] = [];
  console.log(`\n${cell}: ours on ${mine.backend}, PyTorch ${torch.version}`);
  console.log('round | first | ours tok/s | torch tok/s | ratio | ours tok/CPU-s | torch tok/CPU-s | CPU ratio');
  try {
    for (let r = 1; r <= rounds; r++) {
      const torchFirst = r % 2 === 1;
      let a: Round;
      let t: Round;
      if (torchFirst) {
        t = await torch.runSteps(steps);
        a = await mine.runSteps(steps);
      } else {
        a = await mine.runSteps(steps);
        t = await torch.runSteps(steps);
      }
      oursTps.push(a.tps);
      torchTps.push(t.tps);
      ratios.push(a.tps / t.tps);
      oursCpu.push(a.cpuTps);
      torchCpu.push(t.cpuTps);
      cpuRatios.push(a.cpuTps / t.cpuTps);
      console.log(`${String(r).padStart(5)} | ${(torchFirst ? 'torch' : 'ours').padEnd(5)} | ${cellText(a.tps, 10)} | ${cellText(t.tps, 11)} | ${(a.tps / t.tps).toFixed(2)}× | `
        + `${cellText(a.cpuTps, 14)} | ${cellText(t.cpuTps, 15)} | ${(a.cpuTps / t.cpuTps).toFixed(2)}×`);
    }
  } finally {
    torch.close();
  }
  console.log(`${cell} summary: median ours ${median(oursTps).toFixed(0)} tok/s, median torch ${median(torchTps).toFixed(0)} tok/s, `
    + `ratio median ${median(ratios).toFixed(2)}× (min ${Math.min(...ratios).toFixed(2)}×, max ${Math.max(...ratios).toFixed(2)}×); `
    + `load average ${loadStart} at start, ${load()} at end`);
  console.log(`${cell} CPU time: median ours ${median(oursCpu).toFixed(0)} tok/CPU-s, median torch ${median(torchCpu).toFixed(0)} tok/CPU-s, `
    + `ratio median ${median(cpuRatios).toFixed(2)}× (min ${Math.min(...cpuRatios).toFixed(2)}×, max ${Math.max(...cpuRatios).toFixed(2)}×)`);
  const fast = [...torchTps].sort((a, b) => a - b)[Math.floor(0.9 * (torchTps.length - 1))];
  const quiet = ratios.filter((_, i) => torchTps[i] >= 0.9 * fast);
  console.log(`${cell} full-speed rounds (PyTorch within 10% of its 90th-percentile round, ${cellText(fast, 0)} tok/s): ${quiet.length} of ${rounds}, `
    + `ratio median ${median(quiet).toFixed(2)}× (min ${Math.min(...quiet).toFixed(2)}×, max ${Math.max(...quiet).toFixed(2)}×)`);
}

const cells: RnnFamily[] = values.cell === 'both' ? ['gru', 'lstm'] : [values.cell as RnnFamily];
const tokens = charTokens();
console.log(`RNN LM training tokens/s (ours / PyTorch, OMP_WAIT_POLICY=PASSIVE), V 65, E ${E}, 2 x ${H} units, T ${T}, batch ${B}, `
  + `${threads} thread(s), ${rounds} interleaved rounds of ${steps} steps per side after ${warmup} warmup steps`);
for (const cell of cells) await compare(cell, tokens);
