// The lab tokenizers that cut the sides of a pair file or pair dataset (seq2seq.create's pairsFile / pairsDataset
// .sourceTokenizer / targetTokenizer): found
// by name or id among the lab's tokenizers, checked against the pairs — one that turns more than 5% of a side's pieces
// into [UNK] is refused with the count and the pieces it gave up on — and kept as <home>/seq2seq-pairs/tokenizer-<sha256>.json
// beside the pairs' copy, so the experiment's held-out examples survive the tokenizer being deleted or retrained.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { LabError } from '../../../common/errors';
import type { Pair } from '../../data/pairs/tasks';
import { loadTokenizer } from '../../data/tokenizers/index';
import { countUnknown, type LabTokenizerSide } from '../../ml/seq2seq/side-vocab';
import type { LabContext } from '../app/context';

/** The largest share of a side's pieces a tokenizer may turn into [UNK]. */
export const MAX_UNKNOWN_SHARE = 0.05;

type Side = 'source' | 'target';
/** which request object named the tokenizer (the error's field) */
export type PairsFrom = 'pairsFile' | 'pairsDataset';

/** A side's tokenizer as the experiment's record keeps it. */
export interface StoredSideTokenizer {
  name: string;
  /** its tokenizer.json, relative to the lab home */
  copy: string;
}

export interface ChosenSideTokenizer {
  id: number;
  name: string;
  kind: string;
  json: object;
}

const flag = (side: Side): string => `--${side}-tokens chars|words`;

/** The tokenizer a side names (exact name, id, then name in any case); an unknown one is refused naming those there are. */
export function findSideTokenizer(ctx: LabContext, ref: string, side: Side, fileName: string, from: PairsFrom = 'pairsFile'): ChosenSideTokenizer {
  const list = ctx.store.tokenizers.all.all();
  const found = list.find((t) => t.name === ref)
    ?? (/^\d+$/.test(ref) ? list.find((t) => t.id === Number(ref)) : undefined)
    ?? list.find((t) => t.name.toLowerCase() === ref.toLowerCase());
  if (found === undefined) {
    const have = list.length === 0 ? 'the lab has none yet' : `the lab has: ${list.map((t) => `${t.name} (${t.kind})`).join(', ')}`;
    throw new LabError('not_found', `There is no tokenizer called ${JSON.stringify(ref)} to cut the ${side} side of ${fileName}; ${have}. ` +
      `Train or import one on the Tokenizers page (CLI: \`attention-lab tokenizers train\`), or cut the side into characters or words (${flag(side)}).`,
    { field: `${from}.${side}Tokenizer` });
  }
  const row = ctx.store.tokenizers.json.get(found.id);
  if (row === undefined) throw new LabError('not_found', `The tokenizer "${found.name}" was deleted meanwhile; choose another for the ${side} side.`, { field: `${from}.${side}Tokenizer` });
  return { id: found.id, name: found.name, kind: found.kind, json: JSON.parse(row.tokenizer_json) as object };
}

/**
 * Counts the pieces of a side the tokenizer cannot encode over every pair; more than MAX_UNKNOWN_SHARE refuses the
 * experiment, fewer (but some) is said in a log line. Returns the counts for the experiment's record.
 */
export function checkSideTokenizer(chosen: ChosenSideTokenizer, pairs: Pair[], side: Side, fileName: string, log: (line: string) => void,
  from: PairsFrom = 'pairsFile'): { tokens: number; unknown: number } {
  const count = countUnknown(loadTokenizer(chosen.json), pairs.map((p) => p[side]));
  if (count.unknown === 0) return { tokens: count.tokens, unknown: 0 };
  const share = count.unknown / Math.max(1, count.tokens);
  const pct = `${(100 * share).toFixed(1)}%`;
  const examples = count.examples.map((e) => JSON.stringify(e)).join(', ');
  const counted = `${count.unknown.toLocaleString('en')} of its ${count.tokens.toLocaleString('en')} pieces (${pct}) become [UNK], e.g. ${examples}`;
  if (share > MAX_UNKNOWN_SHARE) {
    throw new LabError('invalid_input', `The tokenizer "${chosen.name}" (${chosen.kind}) cannot encode the ${side} side of ${fileName}: ${counted}; ` +
      `at most ${100 * MAX_UNKNOWN_SHARE}% may be lost. Choose a tokenizer trained on text like that side, or cut it into characters or words (${flag(side)}).`,
    { field: `${from}.${side}Tokenizer`, details: { tokens: count.tokens, unknown: count.unknown, examples: count.examples } });
  }
  log(`The tokenizer "${chosen.name}" cuts the ${side} side of ${fileName} with some loss: ${counted}.`);
  return { tokens: count.tokens, unknown: count.unknown };
}

/** Keeps the tokenizer.json under the lab home (content-addressed, so experiments share a copy). */
export function keepSideTokenizer(home: string, chosen: ChosenSideTokenizer): StoredSideTokenizer {
  const text = JSON.stringify(chosen.json);
  const copy = path.join('seq2seq-pairs', `tokenizer-${createHash('sha256').update(text).digest('hex')}.json`);
  const abs = path.join(home, copy);
  if (!fs.existsSync(abs)) {
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(`${abs}.tmp`, text);
    fs.renameSync(`${abs}.tmp`, abs);
  }
  return { name: chosen.name, copy };
}

/** A kept tokenizer as a side's cutting rule; null when the copy was removed by hand. */
export function readSideTokenizer(home: string, stored: StoredSideTokenizer): LabTokenizerSide | null {
  try {
    return { tokenizer: { name: stored.name, json: JSON.parse(fs.readFileSync(path.join(home, stored.copy), 'utf8')) as object } };
  } catch {
    return null;
  }
}

/** The side references of a pair file's or pair dataset's setup, checked before the pairs are read (an unknown name
 *  costs no reading). */
export function sideTokenizerRefs(ctx: LabContext, setup: { sourceTokenizer?: string; targetTokenizer?: string }, fileName: string,
  from: PairsFrom = 'pairsFile'): Partial<Record<Side, ChosenSideTokenizer>> {
  const out: Partial<Record<Side, ChosenSideTokenizer>> = {};
  if (setup.sourceTokenizer !== undefined) out.source = findSideTokenizer(ctx, setup.sourceTokenizer, 'source', fileName, from);
  if (setup.targetTokenizer !== undefined) out.target = findSideTokenizer(ctx, setup.targetTokenizer, 'target', fileName, from);
  return out;
}
