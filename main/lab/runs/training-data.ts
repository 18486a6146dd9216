// What a training run reads: the dataset (by name or id, split by default when it has no split yet), the tokenizer
// (by name, or the dataset's `<dataset>-<kind>` one, trained when missing) and the token ids of train and validation.
import type { DatasetT, TokenizerT } from '../../../common/api';
import { type TextTokenizer } from '../../data/tokenizers/index';
import { MAX_VOCAB_SIZE, type SpecialToken, type TokenizerKind } from '../../../common/tokenizers';
import type { SpecialIds } from '../../ml/batches';
import type { ModelFamily } from '../../../common/model-config';
import type { LabContext } from '../app/context';
import { DatasetService } from '../datasets/service';
import { isContinuousText } from '../../store/datasets';
import { LabError } from '../../../common/errors';
import { TokenizerService } from '../tokenizers/service';
import { DEFAULT_SPLIT, defaultSplitNote } from '../datasets/default-split';

export { DEFAULT_SPLIT } from '../datasets/default-split';
/** Vocabulary of a subword tokenizer trained for a run when none was named. */
export const DEFAULT_SUBWORD_VOCAB = 2000;

/** Looks a dataset up by exact name, then id, then name ignoring case; refuses one that is not ready. */
export async function resolveDatasetRef(datasets: DatasetService, ref: string): Promise<DatasetT> {
  const list = await datasets.list();
  const found = list.find((d) => d.name === ref)
    ?? (/^\d+$/.test(ref) ? list.find((d) => d.id === Number(ref)) : undefined)
    ?? list.find((d) => d.name.toLowerCase() === ref.toLowerCase());
  if (!found) {
    const hint = list.length === 0 ? 'import one first with `attention-lab datasets import FILE --name NAME`.' : `the datasets are ${list.map((d) => `"${d.name}"`).join(', ')}.`;
    throw new LabError('not_found', `There is no dataset called ${JSON.stringify(ref)}; ${hint}`, { field: 'dataset' });
  }
  return found;
}

/** The dataset with a split: the default one is made (and said through `log`) when it has none. */
export async function ensureSplit(datasets: DatasetService, dataset: DatasetT, log: (line: string) => void): Promise<DatasetT> {
  if (dataset.split !== null) return dataset;
  const s = DEFAULT_SPLIT;
  await datasets.split({ id: dataset.id, train: s.train, validation: s.validation, test: s.test, seed: s.seed, stratify: true });
  const split = await datasets.get({ id: dataset.id });
  const c = split.split?.counts;
  log(defaultSplitNote(dataset.name, c));
  return split;
}

export interface TokenizerChoice {
  /** a tokenizer name or id */
  name?: string;
  /** reuse or train `<dataset>-<kind>` */
  kind?: TokenizerKind;
}

/** The tokenizer a run uses: the named one, else `<dataset>-<kind>` (char when no kind is given), trained when missing. */
export async function resolveRunTokenizer(tokenizers: TokenizerService, dataset: DatasetT, choice: TokenizerChoice,
  log: (line: string) => void): Promise<TokenizerT> {
  const list = await tokenizers.list({});
  if (choice.name !== undefined) {
    const ref = choice.name;
    const found = list.find((t) => t.name === ref)
      ?? (/^\d+$/.test(ref) ? list.find((t) => t.id === Number(ref)) : undefined)
      ?? list.find((t) => t.name.toLowerCase() === ref.toLowerCase());
    if (!found) {
      throw new LabError('not_found', `There is no tokenizer called ${JSON.stringify(ref)}; train one with \`attention-lab tokenizers train\`, or pass --tokenizer-kind char|bpe|wordpiece to have one made.`, { field: 'tokenizer' });
    }
    return found;
  }
  const kind = choice.kind ?? 'char';
  const name = `${dataset.name}-${kind}`;
  const existing = list.find((t) => t.name.toLowerCase() === name.toLowerCase());
  if (existing) {
    log(`Using tokenizer "${existing.name}" (${existing.kind}, ${existing.vocabSize} tokens).`);
    return existing;
  }
  // char: room for every character of the dataset plus the 7 special tokens; subwords: a size that suits a few MB of text
  const vocabSize = kind === 'char' ? Math.min(MAX_VOCAB_SIZE, Math.max(16, dataset.stats.uniqueCharacters + 7)) : DEFAULT_SUBWORD_VOCAB;
  log(`Training a ${kind} tokenizer "${name}" (${vocabSize} tokens) on the train split of "${dataset.name}"…`);
  // get-or-create: a run started at the same moment may be training the same tokenizer; both end with one
  const trained = await tokenizers.train({ datasetId: dataset.id, name, kind, vocabSize, lowercase: false }, { reuse: true });
  if (trained.note !== undefined) log(trained.note);
  return trained;
}

/** Token ids of one split, in document order: splitTexts, each text encoded. */
export function tokenizeSplit(ctx: LabContext, datasetId: number, split: 'train' | 'validation' | 'test', tokenizer: TextTokenizer): Int32Array[] {
  return splitTexts(ctx, datasetId, split).map((t) => tokenizer.encode(t).ids);
}

/**
 * The texts of one split as training tokenizes them, in document order. Documents of a continuous text (a txt/md file
 * imported whole) are consecutive segments: runs of neighbouring segments are joined, so no boundary appears that the
 * file does not have. Other datasets give one text per document.
 */
export function splitTexts(ctx: LabContext, datasetId: number, split: 'train' | 'validation' | 'test'): string[] {
  const row = ctx.store.datasets.shape.get(datasetId);
  if (!row) throw new LabError('not_found', `There is no dataset with id ${datasetId}; it may have been deleted.`, { field: 'dataset' });
  const docs = ctx.store.datasets.splitTexts.iterate(datasetId, split);
  const texts: string[] = [];
  if (isContinuousText(row)) {
    let pieces: string[] = [];
    let lastIdx = Number.NaN;
    for (const d of docs) {
      if (pieces.length > 0 && d.idx !== lastIdx + 1) {
        texts.push(pieces.join(''));
        pieces = [];
      }
      pieces.push(d.text);
      lastIdx = d.idx;
    }
    if (pieces.length > 0) texts.push(pieces.join(''));
  } else {
    for (const d of docs) texts.push(d.text);
  }
  return texts;
}

/** The id of a special token, or undefined when an imported tokenizer lacks it. */
function optionalId(tokenizer: TextTokenizer, token: SpecialToken): number | undefined {
  try {
    return tokenizer.specialId(token);
  } catch {
    return undefined;
  }
}

/**
 * The special ids the batches need: GPT joins documents with [EOS] (when the tokenizer has one); BERT masks with
 * [MASK] (required: specialId names what is missing), starts with [CLS], pads with [PAD], never masks the others.
 */
export function specialIdsFor(family: ModelFamily, tokenizer: TextTokenizer): SpecialIds {
  if (family === 'gpt') return { eos: optionalId(tokenizer, '[EOS]') };
  const others = (['[SEP]', '[BOS]', '[EOS]', '[UNK]'] as const).map((t) => optionalId(tokenizer, t)).filter((id): id is number => id !== undefined);
  return { mask: tokenizer.specialId('[MASK]'), cls: optionalId(tokenizer, '[CLS]'), pad: optionalId(tokenizer, '[PAD]'), others };
}
