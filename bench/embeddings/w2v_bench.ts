// Word2Vec / FastText training speed: ours (native kernels, Hogwild threads) vs gensim 4.2 (Debian python3-gensim)
// and, for FastText, Facebook's fasttext CLI, on tinyshakespeare with the same settings, in interleaved rounds.
//
//   npx tsx bench/embeddings/w2v_bench.ts [--rounds 3] [--threads 2] [--cases word2vec-sg,word2vec-cbow,fasttext-sg]
//        [--corpus FILE] [--no-fasttext-cli] [--no-quality]
// Both sides read the same words: our pre-tokenizer (main/data/words.ts) writes the corpus once, one sentence per
// line, and gensim trains on those lines (test/fixtures/embeddings/gensim_train.py times train() alone). Settings:
// dim 100, window 5, negative 5, min-count 5, sample 1e-3, 5 epochs, alpha 0.025, each tool's defaults otherwise.
// words/s = corpus words (all tokens, before the min-count cut) x epochs / seconds of training, the same count for
// both; the fasttext CLI prints its own words/sec/thread (tokens incl. one end-of-line token per line), times threads.
// Each round runs ours and gensim (ours first in odd rounds); the ratio is the median of the per-round ratios.
// Quality at equal settings: Spearman correlation of cosine similarities over 10,000 random pairs of the 1,000 most
// frequent words (test/fixtures/embeddings/spearman_pairs.py), ours vs gensim beside gensim vs gensim (other seed).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { textSentences } from '../../main/data/words';
import { buildCorpus } from '../../main/ml/embeddings/corpus';
import { embeddingConfig, type PredictiveConfig } from '../../main/ml/embeddings/config';
import { exportW2vText } from '../../main/ml/embeddings/formats';
import { PredictiveTrainer } from '../../main/ml/embeddings/predictive';
import { WordVectors } from '../../main/ml/embeddings/store';
import { buildVocabulary, countWords } from '../../main/ml/embeddings/vocab';
import { getEmbeddingKernels } from '../../native-kernels/embeddings';
import { getKernels } from '../../native-kernels/index';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    threads: { type: 'string', default: '2' },
    cases: { type: 'string', default: 'word2vec-sg,word2vec-cbow,fasttext-sg' },
    corpus: { type: 'string' },
    'no-fasttext-cli': { type: 'boolean', default: false },
    'no-quality': { type: 'boolean', default: false },
  },
});
const rounds = Number(values.rounds);
const threads = Number(values.threads);
const EPOCHS = 5;
const fixtures = join(import.meta.dirname, '../../test/fixtures/embeddings');
const tmp = mkdtempSync(join(tmpdir(), 'w2v-bench-'));

// ../shared next to the repository (a checkout at /work/main), else /work/shared (a worktree elsewhere)
const corpusPath = values.corpus ?? [join(import.meta.dirname, '../../../shared/data/tinyshakespeare.txt'), '/work/shared/data/tinyshakespeare.txt']
  .find((p) => existsSync(p)) ?? 'tinyshakespeare.txt';
const text = readFileSync(corpusPath, 'utf8');
const sentences = [...textSentences(text)];
const corpusFile = join(tmp, 'corpus.txt');
writeFileSync(corpusFile, sentences.map((s) => s.join(' ')).join('\n') + '\n');
const vocab = buildVocabulary(countWords(sentences), { minCount: 5 });
const corpus = buildCorpus(sentences, vocab);
getKernels().setThreads(threads);
const kernels = getEmbeddingKernels();
console.log(`corpus ${corpusPath}: ${corpus.rawWords} words, ${sentences.length} sentences, vocabulary ${vocab.words.length} (min-count 5); ours on ${kernels.backend}, ${threads} threads; load ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);

interface Case {
  name: string;
  method: 'word2vec' | 'fasttext';
  sg: boolean;
}

function ours(c: Case, seed: number, out: string | null): number {
  const cfg = embeddingConfig({ method: c.method, sg: c.sg, threads, seed, epochs: EPOCHS }) as PredictiveConfig;
  const t = new PredictiveTrainer(kernels, cfg, vocab, corpus);
  const start = performance.now();
  while (t.step() !== null) { /* train */ }
  const seconds = (performance.now() - start) / 1000;
  if (out) exportW2vText(new WordVectors(c.method, vocab.words, vocab.counts, cfg.dim, t.wordVectors()), out);
  return (corpus.rawWords * EPOCHS) / seconds;
}

function gensim(c: Case, seed: number, out: string): number {
  const stdout = execFileSync('/usr/bin/python3', [join(fixtures, 'gensim_train.py'), '--corpus', corpusFile, '--out', out,
    '--method', c.method, '--sg', c.sg ? '1' : '0', '--workers', String(threads), '--seeds', String(seed),
    '--epochs', String(EPOCHS)], { encoding: 'utf8' });
  return (JSON.parse(stdout.trim().split('\n').pop()!) as { wordsPerSecond: number }).wordsPerSecond;
}

/** fastText's own words/sec/thread x threads (null when the CLI is missing). */
function fasttextCli(c: Case): number | null {
  const prefix = join(tmp, 'ft');
  const r = spawnSync('fasttext', [c.sg ? 'skipgram' : 'cbow', '-input', corpusFile, '-output', prefix, '-dim', '100',
    '-ws', '5', '-neg', '5', '-epoch', String(EPOCHS), '-minCount', '5', '-thread', String(threads), '-minn', '3',
    '-maxn', '6', '-lr', '0.025', '-t', '0.001', '-bucket', '2000000'], { encoding: 'utf8' });
  rmSync(`${prefix}.bin`, { force: true });
  rmSync(`${prefix}.vec`, { force: true });
  if (r.error) return null;
  const all = [...`${r.stdout}${r.stderr}`.matchAll(/words\/sec\/thread:\s+(\d+)/gu)];
  return all.length ? Number(all[all.length - 1][1]) * threads : null;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const k = (x: number): string => `${(x / 1000).toFixed(0)}k`;

const cases: Case[] = values.cases.split(',').map((name) => {
  const [method, mode] = name.split('-');
  if ((method !== 'word2vec' && method !== 'fasttext') || (mode !== 'sg' && mode !== 'cbow')) throw new Error(`unknown case ${name}`);
  return { name, method, sg: mode === 'sg' };
});

const summary: string[] = [];
for (const c of cases) {
  const ratios: number[] = [];
  const oursAll: number[] = [];
  const gensimAll: number[] = [];
  const cliAll: number[] = [];
  for (let r = 1; r <= rounds; r++) {
    const oursOut = join(tmp, `${c.name}-ours-${r}.txt`);
    const gensimOut = join(tmp, `${c.name}-gensim-${r}.txt`);
    let o = 0, g = 0;
    if (r % 2 === 1) {
      o = ours(c, r, oursOut);
      g = gensim(c, r, gensimOut);
    } else {
      g = gensim(c, r, gensimOut);
      o = ours(c, r, oursOut);
    }
    const cli = c.method === 'fasttext' && !values['no-fasttext-cli'] ? fasttextCli(c) : null;
    ratios.push(o / g);
    oursAll.push(o);
    gensimAll.push(g);
    if (cli !== null) cliAll.push(cli);
    console.log(`${c.name} round ${r}: ours ${k(o)} words/s, gensim ${k(g)} words/s, ratio ${(o / g).toFixed(2)}${cli !== null ? `; fasttext CLI ${k(cli)} (ours/CLI ${(o / cli).toFixed(2)})` : ''}`);
  }
  let quality = '';
  if (!values['no-quality'] && rounds >= 2) {
    const pairs = [`ours1_gensim1=${join(tmp, `${c.name}-ours-1.txt`)},${join(tmp, `${c.name}-gensim-1.txt`)}`,
      `ours2_gensim2=${join(tmp, `${c.name}-ours-2.txt`)},${join(tmp, `${c.name}-gensim-2.txt`)}`,
      `gensim1_gensim2=${join(tmp, `${c.name}-gensim-1.txt`)},${join(tmp, `${c.name}-gensim-2.txt`)}`];
    const q = JSON.parse(execFileSync('/usr/bin/python3', [join(fixtures, 'spearman_pairs.py'), '--corpus', corpusFile,
      ...pairs.flatMap((p) => ['--pair', p])], { encoding: 'utf8' })) as Record<string, number>;
    quality = `; Spearman ours-gensim ${q.ours1_gensim1.toFixed(3)}/${q.ours2_gensim2.toFixed(3)}, gensim-gensim ${q.gensim1_gensim2.toFixed(3)}`;
  }
  const line = `${c.name}: ours ${k(median(oursAll))} words/s, gensim ${k(median(gensimAll))}, median ratio ${median(ratios).toFixed(2)} (min ${Math.min(...ratios).toFixed(2)}, max ${Math.max(...ratios).toFixed(2)})` +
    (cliAll.length ? `; fasttext CLI ${k(median(cliAll))} words/s, ours/CLI ${(median(oursAll) / median(cliAll)).toFixed(2)}` : '') + quality;
  summary.push(line);
}
console.log(`\nsummary (${rounds} rounds, ${threads} threads; load ${loadavg().map((x) => x.toFixed(2)).join(' ')}):`);
for (const l of summary) console.log(`  ${l}`);
rmSync(tmp, { recursive: true, force: true });
