// TokenizerService: the 'tokenizers.*' channels — train on a dataset's train split, store, inspect, import and export.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ChannelArgs, ChannelOutput } from '../../../common/api';
import { loadTokenizer, trainTokenizer, type TextTokenizer } from '../../data/tokenizers/index';
import { checkVocabSize, MAX_VOCAB_SIZE, SPECIAL_TOKENS } from '../../../common/tokenizers';
import { toTokenizer, type NewTokenizerRow, type TokenizerQueries, type TokenizerRow } from '../../store/tokenizers';
import type { DatasetQueries } from '../../store/datasets';
import type { LabContext } from '../app/context';
import { LabError } from '../../../common/errors';
import { DatasetService } from '../datasets/service';
import { exportTarget, writeFileAtomically } from '../app/export-target';
import { DEFAULT_SPLIT, defaultSplitNote } from '../datasets/default-split';
import { checkPathText } from '../../../common/path-text';

type VocabEntryT = ChannelOutput<'tokenizers.vocab'>['items'][number];

/** Training reads at most this many characters of the train split (and scores at most as many of validation). */
export const MAX_TRAINING_CHARS = 50_000_000;
/** The most a tokenizer.json file may weigh to be imported (a 65k-token BPE is about 3 MB). */
const MAX_IMPORT_BYTES = 64 * 1024 * 1024;
const PROGRESS_INTERVAL_MS = 200;

/** Special tokens of a tokenizer in id order: ours for trained ones, the file's special added tokens for imports. */
function specialTokensOf(json: object): string[] {
  const added = (json as { added_tokens?: { id: number; content: string; special?: boolean }[] }).added_tokens ?? [];
  return added.filter((t) => t.special).sort((a, b) => a.id - b.id).map((t) => t.content);
}

/** A name that is safe as a file name on every platform. */
function fileSafe(name: string): string {
  return name.replace(/[\\/:*?"<>|\p{Cc}]/gu, '_').replace(/^\.+/, '_');
}

/** Calls `emit` at most every PROGRESS_INTERVAL_MS, except for the final call (force). */
function throttled(emit: (phase: string, done: number, total: number | null, message?: string) => void) {
  let last = 0;
  return (phase: string, done: number, total: number | null, force = false, message?: string): void => {
    const now = Date.now();
    if (!force && now - last < PROGRESS_INTERVAL_MS) return;
    last = now;
    emit(phase, done, total, message);
  };
}

export class TokenizerService {
  /** loaded tokenizers by id, with their frequencies and vocabulary listing once asked for */
  private readonly cache = new Map<number, { tokenizer: TextTokenizer; frequencies?: number[]; vocab?: VocabEntryT[] }>();

  private readonly q: TokenizerQueries;
  private readonly documents: DatasetQueries;

  constructor(private readonly ctx: LabContext) {
    this.q = ctx.store.tokenizers;
    this.documents = ctx.store.datasets;
  }

  async list(input: ChannelArgs<'tokenizers.list'>): Promise<ChannelOutput<'tokenizers.list'>> {
    const rows = input.datasetId === undefined ? this.q.all.all() : this.q.ofDataset.all(input.datasetId);
    return rows.map(toTokenizer);
  }

  async get(input: ChannelArgs<'tokenizers.get'>): Promise<ChannelOutput<'tokenizers.get'>> {
    return toTokenizer(this.row(input.id));
  }

  /**
   * Trains and stores a tokenizer. With `reuse` (a run's automatic `<dataset>-<kind>` tokenizer), a tokenizer of that
   * name, kind and dataset that exists already — or that another caller stores while this one trains — is returned
   * instead of refusing the name: the check and the insert are one transaction, so two runs started at once share one.
   */
  async train(input: ChannelArgs<'tokenizers.train'>, opts: { reuse?: boolean } = {}): Promise<ChannelOutput<'tokenizers.train'>> {
    checkVocabSize(input.kind, input.vocabSize);
    // a dataset without a split gets the default one, as a training run does, and the reply says so
    const splitNote = await this.splitIfNeeded(input.datasetId);
    const dataset = this.trainableDataset(input.datasetId);
    const reusable = (): number | undefined => (opts.reuse === true ? this.q.idOf.get(input.name, input.kind, dataset.id) : undefined);
    const early = reusable();
    if (early !== undefined) return toTokenizer(this.row(early));
    this.assertNameFree(input.name);

    const taskId = input.taskId ?? `tokenizer-${randomUUID()}`;
    const progress = throttled((phase, done, total, message) =>
      this.ctx.emit('task.progress', { taskId, kind: 'tokenizers.train', phase, done, total, ...(message === undefined ? {} : { message }) }),
    );
    const cap = { reached: false };
    const trained = trainTokenizer(input.kind, () => capped(this.documents.splitTexts.iterate(dataset.id, 'train'), cap), {
      vocabSize: input.vocabSize,
      lowercase: input.lowercase,
      onProgress: (phase, done, total) => progress(phase, done, total),
    });
    const { tokenizer, frequencies } = trained;
    const notes = [
      splitNote,
      cap.reached ? `Trained on the first ${MAX_TRAINING_CHARS.toLocaleString('en-US')} characters of the train split (the rest adds little to a tokenizer).` : undefined,
      trained.note,
    ].filter((n): n is string => n !== undefined);
    const note = notes.length > 0 ? notes.join(' ') : undefined;
    progress('scoring', 0, null, true);
    const score = this.scoreValidation(dataset.id, tokenizer);

    const json = JSON.stringify(tokenizer.toJSON());
    // IMMEDIATE: the write lock is taken before the look-up, so another process cannot insert between the two
    const stored = this.ctx.db.transaction((): { id: number; reused: boolean } => {
      const other = reusable();
      if (other !== undefined) return { id: other, reused: true };
      return {
        id: this.insert({
          name: input.name, kind: tokenizer.kind, datasetId: dataset.id, vocabSize: tokenizer.vocabSize, lowercase: tokenizer.lowercase,
          specialTokens: [...SPECIAL_TOKENS], json, frequencies, unkRate: score?.unkRate ?? null, tokensPerChar: score?.tokensPerChar ?? null,
        }),
        reused: false,
      };
    }).immediate();
    const id = stored.id;
    if (stored.reused) {
      progress('done', 1, 1, true);
      return toTokenizer(this.row(id));
    }
    this.cache.set(id, { tokenizer, frequencies });
    progress('done', 1, 1, true, note);
    this.ctx.emit('tokenizers.changed', { id });
    return { ...toTokenizer(this.row(id)), ...(note === undefined ? {} : { note }) };
  }

  /** Splits a ready dataset that has no split with the default ratios; returns the sentence that says so, or undefined. */
  private async splitIfNeeded(datasetId: number): Promise<string | undefined> {
    const row = this.documents.byId.get(datasetId);
    if (row === undefined || row.status !== 'ready' || (this.documents.countSplit.get(datasetId) ?? 0) > 0) return undefined;
    const s = DEFAULT_SPLIT;
    const done = await new DatasetService(this.ctx).split({ id: datasetId, train: s.train, validation: s.validation, test: s.test, seed: s.seed, stratify: true });
    return defaultSplitNote(row.name, done.counts);
  }

  /** The dataset, when it is ready and has training documents; otherwise a sentence saying what to do first. */
  private trainableDataset(datasetId: number): { id: number; name: string } {
    const dataset = this.documents.byId.get(datasetId);
    if (!dataset) throw new LabError('not_found', `There is no dataset with id ${datasetId}: \`attention-lab datasets list\` (or the Datasets page) shows the datasets there are.`, { field: 'datasetId' });
    if (dataset.status !== 'ready') {
      throw new LabError('conflict', `Dataset "${dataset.name}" is still ${dataset.status}: wait until it is ready, then train the tokenizer.`, { field: 'datasetId' });
    }
    if (this.documents.countInSplit.get(dataset.id, 'train') === 0) {
      const splitDone = (this.documents.countSplit.get(dataset.id) ?? 0) > 0;
      throw new LabError(
        'invalid_input',
        splitDone
          ? `Dataset "${dataset.name}" has an empty train split: split it again with a train share above 0 (\`attention-lab datasets split ${JSON.stringify(dataset.name)} --train 0.9 --validation 0.1 --test 0\`, or Split on the dataset's page).`
          : `Dataset "${dataset.name}" has no documents to train on; import text into it first.`,
        { field: 'datasetId' },
      );
    }
    return { id: dataset.id, name: dataset.name };
  }

  /** [UNK] share and tokens per character on the validation split; null when the dataset has none. */
  private scoreValidation(datasetId: number, tokenizer: TextTokenizer): { unkRate: number; tokensPerChar: number } | null {
    const rows = this.documents.splitTexts.iterate(datasetId, 'validation');
    const unk = tokenizer.specialId('[UNK]');
    let docs = 0;
    let chars = 0;
    let tokens = 0;
    let unknown = 0;
    for (const row of rows) {
      docs++;
      chars += row.chars;
      const ids = tokenizer.encode(row.text).ids;
      tokens += ids.length;
      for (const x of ids) if (x === unk) unknown++;
      if (chars >= MAX_TRAINING_CHARS) {
        rows.return?.();
        break;
      }
    }
    if (docs === 0) return null;
    return { unkRate: tokens === 0 ? 0 : unknown / tokens, tokensPerChar: chars === 0 ? 0 : tokens / chars };
  }

  async vocab(input: ChannelArgs<'tokenizers.vocab'>): Promise<ChannelOutput<'tokenizers.vocab'>> {
    const all = this.vocabEntries(input.id);
    const needle = input.search?.toLowerCase();
    let items = needle ? all.filter((e) => e.token.toLowerCase().includes(needle) || (e.text ?? '').toLowerCase().includes(needle)) : all;
    if (input.sort === 'frequency') items = [...items].sort((a, b) => b.frequency - a.frequency || a.id - b.id);
    return { total: items.length, items: items.slice(input.offset, input.offset + input.limit) };
  }

  /** Every vocabulary entry in id order, built once per tokenizer (the page asks for it on every scroll and keystroke). */
  private vocabEntries(id: number): VocabEntryT[] {
    const tokenizer = this.load(id);
    const entry = this.cache.get(id)!;
    if (entry.vocab) return entry.vocab;
    const frequencies = this.frequencies(id);
    const items: VocabEntryT[] = [];
    for (let i = 0; i < tokenizer.vocabSize; i++) {
      const token = tokenizer.idToToken(i);
      if (token === undefined) continue;
      // byte-level tokens are shown as the text they stand for ("Ġthe" -> " the")
      const text = tokenizer.kind === 'bpe' && !SPECIAL_TOKENS.includes(token) ? tokenizer.decode([i]) : token;
      items.push({ id: i, token, frequency: frequencies[i] ?? 0, ...(text === token ? {} : { text }) });
    }
    entry.vocab = items;
    return items;
  }

  async encode(input: ChannelArgs<'tokenizers.encode'>): Promise<ChannelOutput<'tokenizers.encode'>> {
    const tokenizer = this.load(input.id);
    const unk = tokenizer.tokenToId('[UNK]') ?? -1;
    const { ids, tokens, offsets } = tokenizer.encode(input.text);
    return { tokens: Array.from(ids, (id, i) => ({ id, token: tokens[i], start: offsets[i][0], end: offsets[i][1], unknown: id === unk })) };
  }

  async import(input: ChannelArgs<'tokenizers.import'>): Promise<ChannelOutput<'tokenizers.import'>> {
    const file = path.resolve(checkPathText(input.path, { what: 'The tokenizer file' }));
    const text = readTokenizerFile(file);
    let tokenizer: TextTokenizer;
    try {
      tokenizer = loadTokenizer(text);
    } catch (e) {
      if (e instanceof LabError) throw new LabError(e.code, `"${file}" cannot be imported. ${e.message}`, { field: 'path', cause: e });
      throw e;
    }
    if (tokenizer.vocabSize > MAX_VOCAB_SIZE) {
      throw new LabError('invalid_input', `"${file}" has ${tokenizer.vocabSize} tokens, more than the ${MAX_VOCAB_SIZE} the lab's models can embed: import a smaller tokenizer or train one here.`, { field: 'path' });
    }
    this.assertNameFree(input.name);
    const json = tokenizer.toJSON();
    const id = this.insert({
      name: input.name, kind: tokenizer.kind, datasetId: null, vocabSize: tokenizer.vocabSize, lowercase: tokenizer.lowercase,
      specialTokens: specialTokensOf(json), json: JSON.stringify(json), frequencies: [], unkRate: null, tokensPerChar: null,
    });
    this.cache.set(id, { tokenizer, frequencies: [] });
    this.ctx.emit('tokenizers.changed', { id });
    return toTokenizer(this.row(id));
  }

  async export(input: ChannelArgs<'tokenizers.export'>): Promise<ChannelOutput<'tokenizers.export'>> {
    const row = this.q.nameAndJson.get(input.id);
    if (!row) throw this.notFound(input.id);
    const target = exportTarget(this.ctx.home, input.path, { stem: fileSafe(row.name), ext: '.tokenizer.json' }, input.force === true);
    try {
      // pretty-printed like Hugging Face's own save(), so the file diffs and reads well
      writeFileAtomically(target, JSON.stringify(JSON.parse(row.tokenizer_json), null, 2) + '\n');
    } catch (e) {
      throw new LabError('bad_file', `The tokenizer could not be written to "${target}": ${(e as Error).message} (choose a folder you can write to).`, { field: 'path', cause: e });
    }
    return { path: target };
  }

  async delete(input: ChannelArgs<'tokenizers.delete'>): Promise<ChannelOutput<'tokenizers.delete'>> {
    const result = this.q.remove.run(input.id);
    if (result.changes === 0) throw this.notFound(input.id);
    // ids can be reused by SQLite after the highest row is deleted, so the cache must forget this one
    this.cache.delete(input.id);
    this.ctx.emit('tokenizers.changed', { id: input.id });
    return { ok: true };
  }

  /** The stored tokenizer, ready to encode (cached; trainers call this once per run). */
  load(id: number): TextTokenizer {
    const hit = this.cache.get(id);
    if (hit) return hit.tokenizer;
    const row = this.q.json.get(id);
    if (!row) throw this.notFound(id);
    const tokenizer = loadTokenizer(row.tokenizer_json);
    this.cache.set(id, { tokenizer });
    return tokenizer;
  }

  private frequencies(id: number): number[] {
    const entry = this.cache.get(id);
    if (entry?.frequencies) return entry.frequencies;
    const row = this.q.frequencies.get(id);
    if (!row) throw this.notFound(id);
    const frequencies = JSON.parse(row.frequencies_json) as number[];
    if (entry) entry.frequencies = frequencies;
    return frequencies;
  }

  private row(id: number): TokenizerRow {
    const row = this.q.byId.get(id);
    if (!row) throw this.notFound(id);
    return row;
  }

  private notFound(id: number): LabError {
    return new LabError('not_found', `There is no tokenizer with id ${id}: it may have been deleted (\`attention-lab tokenizers list\`, or the Tokenizers page, shows those there are).`, { field: 'id' });
  }

  private assertNameFree(name: string): void {
    const taken = this.q.nameTaken.get(name)?.name;
    if (taken !== undefined) {
      throw new LabError('conflict', `A tokenizer named "${taken}" already exists: choose another name or delete that one first.`, { field: 'name' });
    }
  }

  private insert(t: NewTokenizerRow): number {
    try {
      return this.q.insert(t);
    } catch (e) {
      // another caller took the name while this one was training
      if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') this.assertNameFree(t.name);
      throw e;
    }
  }
}

/** Stops a document stream once MAX_TRAINING_CHARS characters have been handed out, closing the statement. */
function* capped(rows: IterableIterator<{ text: string }>, cap: { reached: boolean }): Generator<string> {
  let chars = 0;
  for (const { text } of rows) {
    yield text;
    chars += text.length;
    if (chars >= MAX_TRAINING_CHARS) {
      cap.reached = true;
      rows.return?.();
      return;
    }
  }
}

function readTokenizerFile(file: string): string {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new LabError('not_found', `"${file}" does not exist: give the path of a tokenizer.json file.`, { field: 'path' });
  }
  if (stat.isDirectory()) {
    const inside = path.join(file, 'tokenizer.json');
    if (fs.existsSync(inside)) return readTokenizerFile(inside);
    throw new LabError('bad_file', `"${file}" is a folder without a tokenizer.json in it: give the path of the tokenizer.json file itself.`, { field: 'path' });
  }
  if (stat.size > MAX_IMPORT_BYTES) {
    throw new LabError('bad_file', `"${file}" is ${Math.round(stat.size / 1048576)} MB, too large for a tokenizer.json of at most ${MAX_VOCAB_SIZE} tokens.`, { field: 'path' });
  }
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new LabError('bad_file', `"${file}" could not be read: ${(e as Error).message} (check its permissions).`, { field: 'path', cause: e });
  }
}
