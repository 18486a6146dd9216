// Fine-tuning throughput: the lab's fine-tune (main/ml/finetune's FinetuneTrainer on a SequenceClassifier, native
// kernels) vs PyTorch doing the same fine-tune (bench/finetune/torch_finetune.py), in interleaved rounds.
//
//   npx tsx bench/finetune/finetune_bench.ts [--rounds 10] [--steps 8] [--threads 2] [--model bert|gpt|both] [--text FILE]
// The same work on both sides: the `small` preset body (4 layers, 4 heads, d_model 128, context 128, dropout 0.1,
// pre-LN), the family's default head (BERT: [CLS] through the tanh pooler; GPT: the last real token), 4 classes,
// batch 16, full fine-tuning with AdamW and clipping at 1.0, on the same examples: tinyshakespeare's speeches of its
// four most frequent speakers, labelled by speaker, encoded once with the lab's char tokenizer (so both sides pad the
// same lengths). Each round both sides train --steps optimizer steps on the next --steps × 16 examples, PyTorch first
// in odd rounds and ours first in even ones (a slow minute on this shared VM hits both). Ours is the trainer the
// fine-tune job runs (a fresh FinetuneTrainer per round, one epoch over that round's examples, no validation), timed
// around run() in wall-clock and process CPU time; PyTorch times its loop the same way. Prints every round, then per
// model the median examples/s of each side and the median / min / max of the per-round ratios, CPU-time ratios too.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { getKernels } from '../../native-kernels/index';
import { presetConfig, type ModelConfig } from '../../common/model-config';
import { trainTokenizer } from '../../main/data/tokenizers/train';
import { SequenceClassifier, type HeadKind } from '../../main/ml/finetune/classifier';
import { encodeExamples, type EncodedExample } from '../../main/ml/finetune/examples';
import { FinetuneTrainer } from '../../main/ml/finetune/train';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '10' },
    steps: { type: 'string', default: '8' },
    threads: { type: 'string', default: '2' },
    model: { type: 'string', default: 'both' },
    text: { type: 'string' },
  },
});
const rounds = wholeNumber('rounds', values.rounds);
const steps = wholeNumber('steps', values.steps);
const threads = wholeNumber('threads', values.threads);
if (!['gpt', 'bert', 'both'].includes(values.model)) throw new Error(`--model ${values.model} is not known; use gpt, bert or both.`);
const B = 16;
const K = 4;
const LR = 5e-5;
const WARMUP_STEPS = 3;
const root = join(import.meta.dirname, '../..');
// beside the repository (/work/main), or the shared copy when run from a worktree
const textPath = values.text ?? [join(root, '../shared/data/tinyshakespeare.txt'), '/work/shared/data/tinyshakespeare.txt'].find((p) => existsSync(p)) ?? 'tinyshakespeare.txt';

function wholeNumber(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} ${text} must be a whole number of at least 1.`);
  return n;
}

/** tinyshakespeare's speeches ("NAME:\nlines…" blocks) of its K most frequent speakers, labelled by speaker. */
function speeches(): { texts: string[]; labels: number[]; speakers: string[] } {
  const blocks = readFileSync(textPath, 'utf8').split(/\n\s*\n/).map((b) => /^([A-Z][A-Za-z ]+):\n([\s\S]+)$/.exec(b.trim())).filter((m) => m !== null);
  const counts = new Map<string, number>();
  for (const m of blocks) counts.set(m[1], (counts.get(m[1]) ?? 0) + 1);
  const speakers = [...counts].sort((a, b) => b[1] - a[1]).slice(0, K).map(([s]) => s);
  const chosen = blocks.filter((m) => speakers.includes(m[1]));
  return { texts: chosen.map((m) => m[2]), labels: chosen.map((m) => speakers.indexOf(m[1])), speakers };
}

interface Round { examplesPerS: number; cpuPerExample: number }
interface Side { run(n: number): Promise<Round>; close(): void }

async function torchSide(file: string): Promise<Side> {
  const child = spawn('/usr/bin/python3', [join(root, 'bench/finetune/torch_finetune.py'), '--examples', file, '--threads', String(threads), '--warmup', String(WARMUP_STEPS)],
    { env: { ...process.env, OMP_WAIT_POLICY: 'PASSIVE' }, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<Record<string, unknown>> => {
    const line = await lines.next();
    if (line.done === true) throw new Error(`The PyTorch fine-tune exited (code ${child.exitCode}) before answering; see its error above.`);
    const answer = JSON.parse(line.value) as Record<string, unknown>;
    if (typeof answer.error === 'string') throw new Error(`The PyTorch fine-tune refused a command: ${answer.error}`);
    return answer;
  };
  const ready = await next();
  console.log(`PyTorch ${String(ready.torch)}, ${threads} thread(s), OMP_WAIT_POLICY=PASSIVE`);
  return {
    async run(n) {
      child.stdin.write(`run ${n}\n`);
      const a = await next();
      return { examplesPerS: a.examples_per_s as number, cpuPerExample: (a.cpu_seconds as number) / (a.examples as number) };
    },
    close: () => child.stdin.end(),
  };
}

function labSide(config: ModelConfig, head: HeadKind, examples: EncodedExample[], padId: number): Side {
  const k = getKernels('native');
  k.setThreads(threads);
  const model = new SequenceClassifier(k, config, { head, numClasses: K, freeze: false });
  let at = 0;
  let seed = 1;
  const run = async (n: number): Promise<Round> => {
    const picked = Array.from({ length: n * B }, (_, i) => examples[(at + i) % examples.length]);
    at = (at + n * B) % examples.length;
    const trainer = new FinetuneTrainer(model, picked, [], padId, { epochs: 1, batchSize: B, lr: LR, warmupRatio: 0.1, weightDecay: 0.01, gradClip: 1, seed: seed++ });
    const cpu = process.cpuUsage();
    const wall = performance.now();
    const result = await trainer.run();
    const seconds = (performance.now() - wall) / 1000;
    const used = process.cpuUsage(cpu);
    if (result.steps !== n) throw new Error(`Our fine-tune ran ${result.steps} steps instead of ${n} (${result.status}: ${result.reason}).`);
    return { examplesPerS: (n * B) / seconds, cpuPerExample: (used.user + used.system) / 1e6 / (n * B) };
  };
  return { run, close: () => undefined };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function bench(family: 'gpt' | 'bert', data: ReturnType<typeof speeches>, dir: string): Promise<void> {
  const tokenizer = trainTokenizer('char', () => data.texts, { vocabSize: 96 }).tokenizer;
  const config = presetConfig('small', family, tokenizer.vocabSize, 1337);
  const head: HeadKind = family === 'bert' ? 'cls' : 'last';
  const { examples } = encodeExamples(family, tokenizer, data.texts, null, data.labels, config.contextLength, config.typeVocabSize);
  const padId = tokenizer.specialId('[PAD]');
  const file = join(dir, `${family}.json`);
  writeFileSync(file, JSON.stringify({ config, head, classes: K, padId, batchSize: B, lr: LR, examples: examples.map((e) => ({ tokens: Array.from(e.tokens), label: e.label })) }));
  const meanLen = examples.reduce((n, e) => n + e.tokens.length, 0) / examples.length;
  console.log(`\n${family.toUpperCase()} (head ${head}): ${config.nLayer} layers, ${config.nHead} heads, d_model ${config.dModel}, context ${config.contextLength}, dropout ${config.dropout}, vocab ${config.vocabSize}; `
    + `${examples.length} examples (${data.speakers.join(', ')}), mean ${meanLen.toFixed(1)} tokens; batch ${B}, ${steps} steps per round; load average ${loadavg()[0].toFixed(2)}`);
  const torch = await torchSide(file);
  const ours = labSide(config, head, examples, padId);
  await ours.run(WARMUP_STEPS);
  const rows: { ours: Round; torch: Round }[] = [];
  for (let r = 1; r <= rounds; r++) {
    let o: Round;
    let t: Round;
    if (r % 2 === 1) { t = await torch.run(steps); o = await ours.run(steps); } else { o = await ours.run(steps); t = await torch.run(steps); }
    rows.push({ ours: o, torch: t });
    console.log(`round ${String(r).padStart(2)}  ours ${o.examplesPerS.toFixed(1).padStart(6)} ex/s  PyTorch ${t.examplesPerS.toFixed(1).padStart(6)} ex/s  ratio ${(o.examplesPerS / t.examplesPerS).toFixed(2)}×  `
      + `CPU ms/example ours ${(o.cpuPerExample * 1000).toFixed(1)} PyTorch ${(t.cpuPerExample * 1000).toFixed(1)}`);
  }
  torch.close();
  const ratios = rows.map((x) => x.ours.examplesPerS / x.torch.examplesPerS);
  const cpuRatios = rows.map((x) => x.torch.cpuPerExample / x.ours.cpuPerExample);
  console.log(`${family.toUpperCase()} summary: ours ${median(rows.map((x) => x.ours.examplesPerS)).toFixed(1)} ex/s, PyTorch ${median(rows.map((x) => x.torch.examplesPerS)).toFixed(1)} ex/s (medians); `
    + `ratio median ${median(ratios).toFixed(2)}× (min ${Math.min(...ratios).toFixed(2)}, max ${Math.max(...ratios).toFixed(2)}); `
    + `CPU time per example PyTorch/ours median ${median(cpuRatios).toFixed(2)}×; load average ${loadavg()[0].toFixed(2)} at the end`);
}

const dir = mkdtempSync(join(tmpdir(), 'finetune-bench-'));
try {
  const data = speeches();
  for (const family of values.model === 'both' ? (['bert', 'gpt'] as const) : [values.model as 'gpt' | 'bert']) await bench(family, data, dir);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
