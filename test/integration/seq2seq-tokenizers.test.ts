// A pair file's sides cut by the lab's own tokenizers (seq2seq.create pairsFile.sourceTokenizer/targetTokenizer, CLI
// --source-tokenizer/--target-tokenizer) on a real lab home: a WordPiece tokenizer trained on a dataset of English dates
// cuts the source, characters the target; the model embeds only the pieces of the training split; the alignment view's
// source axis is the tokenizer's pieces; the experiment outlives the tokenizer. An unknown name and a tokenizer that
// cannot encode a side (Chinese targets, an English char tokenizer: every piece [UNK]) are refused, recording nothing.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenizerT } from '../../common/api';
import type { Seq2seqAlignmentT, Seq2seqExperimentT } from '../../common/api/seq2seq';
import { generatePairs, splitPairs, type Pair } from '../../main/data/pairs/tasks';
import { seq2seqRequest } from '../../main/cli/commands/seq2seq-compare';
import { createLab, type Lab } from '../../main/lab/index';
import { closeTempLab, openTempLab } from './temp-lab';

let home: string;
let dir: string;
let lab: Lab;
let wp: TokenizerT;
let created: Seq2seqExperimentT;
/** the shuffled pairs the experiment kept (its own copy under the home), split as its jobs split them */
let kept: Pair[];
const dates = generatePairs({ task: 'dates', pairs: 150, minLength: 10, maxLength: 24, language: 'en', seed: 4 }).pairs;

beforeAll(async () => {
  ({ home, dir, lab } = openTempLab('seq2seq-tok'));
  // the tokenizers' own text: other English dates, one per paragraph
  const text = generatePairs({ task: 'dates', pairs: 400, minLength: 10, maxLength: 24, language: 'en', seed: 9 }).pairs.map((p) => p.source);
  writeFileSync(join(dir, 'dates.txt'), text.join('\n\n'));
  const { dataset } = (await lab.call('datasets.import', { path: join(dir, 'dates.txt'), name: 'dates-text', mode: 'paragraphs' })) as { dataset: { id: number } };
  wp = (await lab.call('tokenizers.train', { datasetId: dataset.id, name: 'dates-wp', kind: 'wordpiece', vocabSize: 150, lowercase: false })) as TokenizerT;
  await lab.call('tokenizers.train', { datasetId: dataset.id, name: 'dates-char', kind: 'char', vocabSize: 80, lowercase: false });
  writeFileSync(join(dir, 'dates.jsonl'), dates.map((p) => JSON.stringify({ source: p.source, target: p.target })).join('\n'));
  created = (await lab.call('seq2seq.create', {
    pairsFile: { path: join(dir, 'dates.jsonl'), sourceTokenizer: 'dates-wp', targetTokens: 'chars' }, variants: ['dot'],
    sizes: { hidden: 16, embed: 16, attentionSize: 16 }, buckets: 2, snapshots: 1, budget: { steps: 12, batchSize: 16, evalEvery: 12 },
  })) as Seq2seqExperimentT;
  const copy = readdirSync(join(home, 'seq2seq-pairs')).find((f) => !f.startsWith('tokenizer-')) as string;
  kept = JSON.parse(readFileSync(join(home, 'seq2seq-pairs', copy), 'utf8')) as Pair[];
  await lab.jobs.scheduler.idle();
}, 240_000);

afterAll(() => closeTempLab({ home, dir, lab }));

describe('seq2seq pair file sides cut by lab tokenizers', () => {
  it('cuts the source with the WordPiece tokenizer: its pieces of the training split are the vocabulary', async () => {
    const tokenizer = lab.training.tokenizers.load(wp.id);
    const tokens = dates.reduce((n, p) => n + tokenizer.encode(p.source).ids.length, 0);
    expect(created.pairsFile?.sourceTokenizer).toEqual({ id: wp.id, name: 'dates-wp', kind: 'wordpiece', tokens, unknown: 0 });
    expect(created.pairsFile?.targetTokenizer).toBeUndefined();
    const train = splitPairs(kept).train;
    const pieces = new Set(train.flatMap((p) => Array.from(tokenizer.encode(p.source).ids)));
    expect(created.data.sourceVocab).toBe(4 + pieces.size);
    const chars = new Set(train.flatMap((p) => Array.from(p.target)));
    expect(created.data.targetVocab).toBe(4 + chars.size);
    const e = (await lab.call('seq2seq.get', { id: created.id })) as Seq2seqExperimentT;
    expect(e.status).toBe('completed');
    expect(e.arms[0].seeds[0].overall?.pairs).toBe(e.data.test);
    // the alignment view's source axis: the tokenizer's pieces of the held-out source
    const x = e.examples[e.examples.length - 1];
    const [view] = (await lab.call('seq2seq.alignment', { runIds: [e.arms[0].seeds[0].runId as number], source: x.source })) as Seq2seqAlignmentT[];
    const enc = tokenizer.encode(x.source);
    const want = enc.tokens.map((t, i) => (pieces.has(enc.ids[i]) ? t : '[UNK]'));
    expect(view.frames[0].sourceTokens).toEqual(want);
    expect(want.length).toBeLessThan(Array.from(x.source).length); // pieces, not characters
  });

  it('keeps its held-out examples after the tokenizer is deleted', async () => {
    await lab.call('tokenizers.delete', { id: wp.id });
    lab.close();
    lab = createLab({ home, mode: 'cli', jobs: { concurrency: 1 } });
    const e = (await lab.call('seq2seq.get', { id: created.id })) as Seq2seqExperimentT;
    expect(e.examples.length).toBeGreaterThan(0);
    for (const x of e.examples) expect(kept.some((p) => p.source === x.source && p.target === x.target)).toBe(true);
  });

  it('refuses an unknown tokenizer and one that cannot encode a side, recording nothing', async () => {
    const zh = generatePairs({ task: 'number-words-zh', pairs: 40, minLength: 1, maxLength: 4, seed: 3 }).pairs;
    writeFileSync(join(dir, 'zh.tsv'), ['source\ttarget', ...zh.map((p) => `${p.source}\t${p.target}`)].join('\n'));
    const before = ((await lab.call('runs.list', {})) as unknown[]).length;
    await expect(lab.call('seq2seq.create', { pairsFile: { path: join(dir, 'zh.tsv'), sourceTokenizer: 'nope' }, variants: ['dot'] })).rejects.toThrow(
      'There is no tokenizer called "nope" to cut the source side of zh.tsv; the lab has: dates-char (char). Train or import one on the Tokenizers page ' +
      '(CLI: `attention-lab tokenizers train`), or cut the side into characters or words (--source-tokens chars|words).');
    // every target character is Chinese, none of them in an English char tokenizer
    const pieces = zh.reduce((n, p) => n + Array.from(p.target).length, 0);
    const err = await lab.call('seq2seq.create', { pairsFile: { path: join(dir, 'zh.tsv'), sourceTokens: 'chars', targetTokenizer: 'dates-char' }, variants: ['dot'] })
      .then(() => null, (x: Error) => x);
    expect(err?.message).toMatch(new RegExp(`^The tokenizer "dates-char" \\(char\\) cannot encode the target side of zh\\.tsv: ${pieces} of its ${pieces} pieces \\(100\\.0%\\) ` +
      'become \\[UNK\\], e\\.g\\. "[^"]+"(, "[^"]+"){4}; at most 5% may be lost\\. Choose a tokenizer trained on text like that side, or cut it into characters or words ' +
      '\\(--target-tokens chars\\|words\\)\\.$'));
    expect(((await lab.call('runs.list', {})) as unknown[]).length).toBe(before);
  });

  it('`seq2seq-compare --source-tokenizer` passes the name to the service; with --target-tokens too it is refused', async () => {
    // the request the command sends, built from its flags (a spawned CLI costs ~20 s of start-up at this machine's load)
    const file = join(dir, 'dates.jsonl');
    const request = seq2seqRequest({ 'pairs-file': file, 'source-tokenizer': 'dates-wp', variants: 'dot' });
    expect(request.pairsFile).toMatchObject({ sourceTokenizer: 'dates-wp', sourceTokens: undefined });
    await expect(lab.call('seq2seq.create', request)).rejects.toThrow('There is no tokenizer called "dates-wp" to cut the source side of dates.jsonl; the lab has: dates-char (char).');
    expect(() => seq2seqRequest({ 'pairs-file': file, 'target-tokens': 'chars', 'target-tokenizer': 'dates-char' }))
      .toThrow('Give either --target-tokens (characters or words) or --target-tokenizer (a lab tokenizer) for the target side, not both.');
    expect(() => seq2seqRequest({ 'target-tokenizer': 'dates-char' })).toThrow('--target-tokenizer reads your own pairs: give them with --pairs-file PATH or --pairs-dataset NAME.');
  });
});
