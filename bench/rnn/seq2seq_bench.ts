// Seq2seq training throughput: our RNN encoder-decoder with attention (fwd + bwd + clip + AdamW) vs the same model in
// PyTorch (bench/rnn/torch_seq2seq.py), in interleaved rounds.
//
//   npx tsx bench/rnn/seq2seq_bench.ts [--attention general|concat|dot|all] [--rounds 6] [--steps 5] [--threads 2]
//     [--embed 256] [--hidden 256] [--batch 64] [--length 40]
// Shape (defaults, the stated shape): GRU encoder and decoder, 1 layer, embedding and hidden 256, Luong
// attention (the alignment function given), batch 64, sources of exactly 40 symbols (the reverse task over 20 symbols),
// targets 41 tokens with [EOS], vocabulary 24 per side. The flags change E, H, B and S on both sides alike.
// A warmed-up PyTorch server (OMP_WAIT_POLICY=PASSIVE, same thread count) and our warmed-up trainer take turns,
// PyTorch first in odd rounds and ours first in even ones, so a slow minute of this shared VM hits both sides.
// Prints target tokens/s per round and side with their ratio, then the median tokens/s of each side, the median / min
// / max of the per-round ratios and the load average before and after; the same for tokens per CPU-second of each
// side's process (every thread), which moves less than wall-clock throughput on a machine shared with other work.
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { getKernels } from '../../native-kernels/index';
import { validateSeq2seqConfig } from '../../common/seq2seq-config';
import { generatePairs } from '../../main/data/pairs/tasks';
import { createSeq2seqModel } from '../../main/ml/seq2seq/experiment';
import { Seq2seqTrainer } from '../../main/ml/seq2seq/train';
import { PairVocab } from '../../main/ml/seq2seq/vocab';
import { shapeFlags } from './shape-flags';

const { attention, threads, B, S, E, H, own } = shapeFlags({ rounds: '6', steps: '5' });
const { rounds, steps } = own;
const attentions = attention === 'all' ? ['general', 'concat', 'dot'] : [attention];
for (const a of attentions) if (!['general', 'concat', 'dot'].includes(a)) throw new Error(`--attention ${a} is not benchmarked; use general, concat, dot or all.`);
const root = join(import.meta.dirname, '../..');
const warmup = 3;
if (S > 100) throw new Error(`--length ${S} is longer than the reverse task's 100 symbols; use at most 100.`);

/** One side's round: wall-clock tokens/s and tokens per CPU-second of its whole process. */
interface Round {
  tps: number;
  cpuTps: number;
}

interface Side {
  run(n: number): Promise<Round>;
  close(): void;
}

async function torchSide(attention: string): Promise<Side> {
  const child = spawn('/usr/bin/python3', [join(root, 'bench/rnn/torch_seq2seq.py'), '--serve', '--attention', attention,
    '--threads', String(threads), '--embed', String(E), '--hidden', String(H), '--batch', String(B), '--length', String(S),
    '--warmup', String(warmup)], { env: { ...process.env, OMP_WAIT_POLICY: 'PASSIVE' }, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const answer = async (): Promise<Record<string, unknown>> => {
    const line = await lines.next();
    if (line.done === true) throw new Error(`The PyTorch server exited (code ${child.exitCode}) before answering; see its error above.`);
    const a = JSON.parse(line.value) as Record<string, unknown>;
    if (typeof a.error === 'string') throw new Error(`The PyTorch server refused a command: ${a.error}`);
    return a;
  };
  await answer();
  return {
    async run(n) {
      child.stdin.write(`run ${n}\n`);
      const a = await answer();
      return { tps: Number(a.tokens_per_s), cpuTps: (n * B * (S + 1)) / Number(a.cpu_seconds) };
    },
    close: () => child.stdin.end(),
  };
}

function ourSide(attention: string): Side {
  const k = getKernels('native');
  k.setThreads(threads);
  const set = generatePairs({ task: 'reverse', pairs: 20_000, minLength: S, maxLength: S, symbols: 20, seed: 1 });
  const sv = PairVocab.build(set.pairs.map((p) => p.source), 'words');
  const tv = PairVocab.build(set.pairs.map((p) => p.target), 'words');
  const data = { src: set.pairs.map((p) => Int32Array.from(sv.encode(p.source))), tgt: set.pairs.map((p) => Int32Array.from(tv.encode(p.target))) };
  const config = validateSeq2seqConfig({ arch: 'rnn', cell: 'gru', attention, embed: E, hidden: H, layers: 1, bidirectional: false,
    attentionSize: H, dropout: 0, srcVocab: sv.vocabSize, tgtVocab: tv.vocabSize, maxSrcLen: S, maxTgtLen: S + 1, seed: 1 });
  const model = createSeq2seqModel(k, config);
  const trainer = new Seq2seqTrainer(model, { train: data, val: { src: [], tgt: [] } }, { steps: 1_000_000, batchSize: B, lr: 1e-3, gradClip: 1 });
  for (let i = 0; i < warmup; i++) trainer.trainStep();
  return {
    async run(n) {
      const t0 = performance.now();
      const cpu = process.cpuUsage();
      for (let i = 0; i < n; i++) trainer.trainStep();
      const used = process.cpuUsage(cpu);
      return { tps: (n * B * (S + 1)) / ((performance.now() - t0) / 1000), cpuTps: (n * B * (S + 1)) / ((used.user + used.system) / 1e6) };
    },
    close: () => undefined,
  };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

for (const attention of attentions) {
  const loadBefore = loadavg()[0];
  const torch = await torchSide(attention);
  const ours = ourSide(attention);
  const rows: { torch: Round; ours: Round }[] = [];
  for (let r = 1; r <= rounds; r++) {
    let t: Round, o: Round;
    if (r % 2 === 1) {
      t = await torch.run(steps);
      o = await ours.run(steps);
    } else {
      o = await ours.run(steps);
      t = await torch.run(steps);
    }
    rows.push({ torch: t, ours: o });
    console.log(`${attention} round ${r}: PyTorch ${t.tps.toFixed(0)} tok/s, ours ${o.tps.toFixed(0)} tok/s, ratio ${(o.tps / t.tps).toFixed(2)}; `
      + `PyTorch ${t.cpuTps.toFixed(0)} tok/CPU-s, ours ${o.cpuTps.toFixed(0)} tok/CPU-s, CPU ratio ${(o.cpuTps / t.cpuTps).toFixed(2)}`);
  }
  torch.close();
  const ratios = rows.map((x) => x.ours.tps / x.torch.tps);
  const cpuRatios = rows.map((x) => x.ours.cpuTps / x.torch.cpuTps);
  console.log(`${attention}: GRU seq2seq 1x${H}, E ${E}, B ${B}, S ${S}, T ${S + 1}, ${threads} threads: PyTorch median ${median(rows.map((x) => x.torch.tps)).toFixed(0)} tok/s, ours ${median(rows.map((x) => x.ours.tps)).toFixed(0)} tok/s; ratio median ${median(ratios).toFixed(2)} (min ${Math.min(...ratios).toFixed(2)}, max ${Math.max(...ratios).toFixed(2)}); load ${loadBefore.toFixed(2)} -> ${loadavg()[0].toFixed(2)}`);
  console.log(`${attention} CPU time: PyTorch median ${median(rows.map((x) => x.torch.cpuTps)).toFixed(0)} tok/CPU-s, ours ${median(rows.map((x) => x.ours.cpuTps)).toFixed(0)} tok/CPU-s; ratio median ${median(cpuRatios).toFixed(2)} (min ${Math.min(...cpuRatios).toFixed(2)}, max ${Math.max(...cpuRatios).toFixed(2)})`);
}
