// UI messages: English and Chinese have the same keys, every key the renderer uses exists, and each message compiles.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createI18n } from 'vue-i18n';
import en from '../../../renderer/i18n/en';
import zhCN from '../../../renderer/i18n/zh-CN';

const rendererDir = fileURLToPath(new URL('../../../renderer', import.meta.url));

function flatten(obj: object, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of flatten(v as object, key)) out.set(kk, vv);
  }
  return out;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'i18n' ? [] : sourceFiles(p);
    return /\.(vue|ts)$/.test(name) ? [p] : [];
  });
}

/** "{from}–{to} of {total}" → ["from", "to", "total"] (sorted) */
function placeholders(message: string): string[] {
  return [...message.matchAll(/\{([a-zA-Z]+)\}/g)].map((m) => m[1]).sort();
}

const enKeys = flatten(en);
const zhKeys = flatten(zhCN);

describe('i18n messages', () => {
  it('has the same keys in English and Chinese', () => {
    expect([...zhKeys.keys()].sort()).toEqual([...enKeys.keys()].sort());
  });

  it('translates into Chinese (most messages contain CJK characters)', () => {
    const cjk = [...zhKeys.values()].filter((v) => /[\u4e00-\u9fff]/.test(v));
    // brand and format names (CSV, Markdown…) stay as they are; everything else is translated
    expect(cjk.length / zhKeys.size).toBeGreaterThan(0.85);
  });

  it('defines every key the renderer uses', () => {
    const used = new Set<string>();
    const prefixes = new Set<string>();
    for (const file of sourceFiles(rendererDir)) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\bt\('([a-zA-Z]+(?:\.[a-zA-Z]+)+)'/g)) used.add(m[1]);
      // dynamic keys like t(`splits.${p}`): their prefix must be a group of messages
      for (const m of text.matchAll(/\bt\(`([a-zA-Z.]+)\.\$\{/g)) prefixes.add(m[1]);
    }
    expect(used.size).toBeGreaterThan(100);
    expect([...used].filter((k) => !enKeys.has(k))).toEqual([]);
    for (const p of prefixes) expect([...enKeys.keys()].some((k) => k.startsWith(`${p}.`))).toBe(true);
  });

  it('keeps the same placeholders in both languages', () => {
    for (const [key, enText] of enKeys) {
      expect(placeholders(zhKeys.get(key) ?? ''), key).toEqual(placeholders(enText));
    }
  });

  it('compiles and fills in every message in both languages', () => {
    const i18n = createI18n({ legacy: false, locale: 'en', messages: { en, 'zh-CN': zhCN }, missingWarn: false, fallbackWarn: false });
    const params: Record<string, string | number> = { from: 11, to: 50, total: 1234, n: 3, name: 'news', lines: '2, 5', path: '/tmp/x.jsonl',
      id: 7, sum: 95, seed: 4242, stratified: 'yes', parts: 'Test', train: 8, validation: 19, test: 21, tokens: 4, chars: 12, files: 10,
      labels: 2, detected: 'utf-8', dir: '/tmp/ddp-export', nodes: 2,
      // the attention explorer's messages
      producer: 'onnxruntime', opset: 17, inputs: 'input_ids', outputs: 6, attention: 2, label: 'gpt-tiny', family: 'GPT', T: 18,
      L: 2, NH: 2, C: 64, layer: 1, head: 0, position: 8, token: 'dog', step: 120, kind: 'learned', d: '1e-7',
      // the seq2seq pair file's line
      pairs: 400, duplicates: 6, skipped: 5,
      // the seq2seq pair dataset's line
      date: '2026-12-05 18:30', trainPairs: 120, validationPairs: 15, testPairs: 16,
      // the comparison table's messages
      layers: 4, heads: 5, dModel: 96, context: 128, norm: 'pre', gpt: '41.2%', bert: '55.0%', figures: 'GPT 1, BERT 2', winner: 'BERT',
      by: '13.8 points', fill: 'GPT', next: 'neither', gptWins: 6, bertWins: 9, gap: '0.25', percent: 42, loser: 'GPT', ratio: '1.75',
      list: 'perplexity',
      // the comparison's GRU/LSTM third model (issue 17)
      hidden: 128, embed: 64,
      // the wizard's custom model size
      field: 'Layers', min: 1, max: 64, nHead: 3, divisors: '2, 4', batch: 16, gptMemory: '3.1 MiB', bertMemory: '3.2 MiB', free: '9 GiB',
      need: '30 GiB', ff: 256, t: 64, memory: '3.1 MiB',
      // the reports pages
      size: '1.2 MB', browser: '/usr/bin/chromium (Chrome/156)', ids: '3, 9',
      // the runs compare page (issue 14)
      metrics: 'val/loss', objectives: 'next-token prediction / masked-token prediction',
      // the comparison's notes and baseline (issue 14)
      rows: 'single-token blanks', lr: '3e-3', trials: '1e-3 → 3.100', edge: '', steps: 200,
      // the embedding projector (issue 15)
      dim: 64, iteration: 250, i: 2, kl: '1.234', k: 10, method: 'UMAP', metric: 'Cosine', query: 'bank', seconds: '1.25',
      values: '31.9% + 8.9%', value: '76.2%',
      // training word embeddings (issue 15a)
      tool: 'word2vec.c / gensim', vocabulary: '1,096', words: '23,697', word: 'romeward',
      // the fine-tuning page (issue 18)
      split: 'test', f1: '0.698', p: '0.91',
      // the seq2seq pages and verdicts (issue 17)
      variant: 'RNN + dot', first: '90.0%', last: '12.0%', firstLo: 3, firstHi: 6, lastLo: 17, lastHi: 20, lo: 17, hi: 20, with: '80.0%',
      without: '5.0%', runnerUp: 'RNN + general', runnerValue: '70.0%', transformer: '95.0%', rnn: '80.0%', fastest: 'RNN',
      fastestSpeed: 9000, slowest: 'Transformer', slowestSpeed: 3000, fastestParams: 14030, slowestParams: 52000, source: 'c a d b',
      target: 'b d a c', maxSrc: 20, w: '0.412', text: 'b d a c',
      // the pre-train + fine-tune experiment and its measured tutorial table (issue 18)
      pretrain: 'shakespeare', task: 'spam', preset: 'small', seeds: 3, mask: '15%', helped: 1, hurt: 0, beatBaseline: 'BERT', sites: 300,
      distinct: 'GPT', nll: 'BERT', budgets: 3,
      threshold: 0.25, degenerateGpt: '0%', degenerateBert: '100%', both: '0.109', unigram: '0.109', unigramToken: '"\\n"',
      modalToken: '"\\n"', modalShare: '100%', sameGuess: '100%',
      // the pre-training recipes of the experiment (issue 18)
      targets: 2048, warmup: 60,
      // a run page's own actions (issue 14)
      file: 'run-1-step-3.onnx', logits: '2.1e-7', status: 'running' };
    for (const locale of ['en', 'zh-CN'] as const) {
      i18n.global.locale.value = locale;
      for (const [key, raw] of locale === 'en' ? enKeys : zhKeys) {
        const out = i18n.global.t(key, params);
        expect(out, `${locale} ${key}`).not.toBe(key);
        // every placeholder is known to this test and really filled in
        for (const name of placeholders(raw)) {
          expect(params, `${locale} ${key}: unknown placeholder {${name}}`).toHaveProperty(name);
          expect(out, `${locale} ${key}`).toContain(String(params[name]));
        }
      }
    }
    i18n.global.locale.value = 'zh-CN';
    expect(i18n.global.t('common.range', { from: 1, to: 20, total: 300 })).toBe('第 1–20 条，共 300 条');
  });
});
