// GloVe on a 200 MB corpus in bounded memory: co-occurrence counting with a fixed table that spills sorted runs and
// merges them, then one epoch of AdaGrad over the co-occurrence file read in blocks. Prints the time of each phase,
// the spills, the distinct pairs, records/s and the peak resident memory (VmHWM) beside the budget.
//
//   npx tsx bench/embeddings/glove_bench.ts [--mb 200] [--memory 512] [--threads 2] [--epochs 1]
// The corpus is synthetic (no 200 MB text ships with the lab): sentences of 8-30 words drawn from a Zipf law
// (exponent 1.05) over 200,000 word forms, about the vocabulary and frequency profile of English news text, written
// to a temporary file and read back through the word pre-tokenizer like any dataset.
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, statSync, writeSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { lineWords } from '../../main/data/words';
import { embeddingConfig, type GloveConfig } from '../../main/ml/embeddings/config';
import { buildCorpus } from '../../main/ml/embeddings/corpus';
import { countCooccurrences, RECORD_BYTES } from '../../main/ml/embeddings/glove/cooccur';
import { GloveTrainer } from '../../main/ml/embeddings/glove/trainer';
import { buildVocabulary, countWords } from '../../main/ml/embeddings/vocab';
import { mixSeed, Rng } from '../../main/ml/rng';
import { getEmbeddingKernels } from '../../native-kernels/embeddings';
import { getKernels } from '../../native-kernels/index';

const { values } = parseArgs({
  options: {
    mb: { type: 'string', default: '200' },
    memory: { type: 'string', default: '512' },
    threads: { type: 'string', default: '2' },
    epochs: { type: 'string', default: '1' },
  },
});
const targetBytes = Number(values.mb) * 1e6;
const memoryMB = Number(values.memory);
const threads = Number(values.threads);
const tmp = mkdtempSync(join(tmpdir(), 'glove-bench-'));
const mib = (b: number): string => `${(b / 1048576).toFixed(0)} MiB`;

function peakRss(): number {
  const status = readFileSync('/proc/self/status', 'utf8');
  const m = /VmHWM:\s+(\d+) kB/u.exec(status);
  return m ? Number(m[1]) * 1024 : process.memoryUsage().rss;
}

function timed<T>(what: string, f: () => T): T {
  const t0 = performance.now();
  const out = f();
  console.log(`${what}: ${((performance.now() - t0) / 1000).toFixed(1)} s (peak memory so far ${mib(peakRss())})`);
  return out;
}

// 1. a synthetic corpus file of ~targetBytes
const corpusPath = join(tmp, 'corpus.txt');
timed(`write a ${values.mb} MB corpus`, () => {
  const forms = 200_000;
  const cdf = new Float64Array(forms);
  let acc = 0;
  for (let r = 0; r < forms; r++) cdf[r] = acc += 1 / Math.pow(r + 1, 1.05);
  const words = Array.from({ length: forms }, (_, r) => `w${r.toString(36)}`);
  const rng = new Rng(mixSeed(15, 1));
  const draw = (): string => {
    const u = rng.next() * acc;
    let lo = 0, hi = forms - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return words[lo];
  };
  let bytes = 0, chunk = '';
  const file = openSync(corpusPath, 'w');
  while (bytes < targetBytes) {
    const n = 8 + rng.int(23);
    let line = draw();
    for (let i = 1; i < n; i++) line += ` ${draw()}`;
    chunk += `${line}\n`;
    if (chunk.length > 1 << 20) {
      writeSync(file, chunk);
      bytes += chunk.length;
      chunk = '';
    }
  }
  writeSync(file, chunk);
  closeSync(file);
});

/** The corpus's sentences, read in 4 MiB blocks each time they are asked for (the file is never one string, and no
 *  list of all sentences is kept: the engine reads the sentences twice, to count words and then to map them to ids,
 *  as the lab's job reads a dataset's documents). */
function* sentences(): Generator<string[]> {
  const fd = openSync(corpusPath, 'r');
  const block = Buffer.alloc(1 << 22);
  let rest = '';
  try {
    for (;;) {
      const got = readSync(fd, block, 0, block.length, null);
      const text = rest + block.subarray(0, got).toString('utf8');
      const lines = text.split('\n');
      rest = got === 0 ? '' : lines.pop()!;
      for (const line of lines) {
        const s = lineWords(line);
        if (s.length > 0) yield s;
      }
      if (got === 0) return;
    }
  } finally {
    closeSync(fd);
  }
}

void (() => {
  getKernels().setThreads(threads);
  const k = getEmbeddingKernels();
  const config = embeddingConfig({ method: 'glove', memoryMB, threads, epochs: Number(values.epochs) }) as GloveConfig;
  console.log(`corpus ${mib(statSync(corpusPath).size)}; GloVe window ${config.window}, dim ${config.dim}, memory budget ${memoryMB} MiB; ${threads} threads, ${k.backend}; load ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const vocab = timed('read, pre-tokenize and count words', () => buildVocabulary(countWords(sentences()), { minCount: config.minCount }));
  const corpus = timed('read, pre-tokenize and map to ids', () => buildCorpus(sentences(), vocab));
  console.log(`${corpus.rawWords} words, vocabulary ${vocab.words.length} (min-count ${config.minCount})`);
  const file = join(tmp, 'cooccurrence.bin');
  const res = timed('co-occurrence counting (table + sorted spills + merge)', () => countCooccurrences(k, corpus, file, {
    V: vocab.words.length, window: config.window, symmetric: true, distanceWeighting: true,
    memoryBytes: (memoryMB * 1048576) / 2, tmpDir: join(tmp, 'runs'),
  }));
  console.log(`${res.records} distinct pairs (${mib(res.records * RECORD_BYTES)} on disk), ${res.spills} spills of a ${res.capacity}-slot table`);
  const blockRecords = Math.floor((memoryMB * 1048576) / 2 / (RECORD_BYTES * 2));
  const t = new GloveTrainer(k, config, vocab.words.length, file, res.records, blockRecords);
  let records = 0, seconds = 0, loss = 0;
  const t1 = performance.now();
  for (let r = t.step(); r !== null; r = t.step()) {
    records += r.records;
    seconds += r.seconds;
    loss = r.loss;
  }
  const wall = (performance.now() - t1) / 1000;
  console.log(`training ${values.epochs} epoch(s): ${wall.toFixed(1)} s wall (${seconds.toFixed(1)} s in the kernel), ${(records / seconds / 1e6).toFixed(2)} M records/s, last loss ${loss.toFixed(4)}`);
  console.log(`peak resident memory of the whole run: ${mib(peakRss())} (budget for counting and blocks: ${memoryMB} MiB; the id corpus ${mib(corpus.words.byteLength)}, the vectors and AdaGrad sums ${mib(vocab.words.length * config.dim * 4 * 4)})`);
  rmSync(tmp, { recursive: true, force: true });
})();
