// A seq2seq experiment's own pairs: the person's TSV/CSV/JSONL file read and checked once (main/data/pairs/file.ts),
// shuffled by the setup's seed (files are often sorted, and the split cuts in order) and kept under the lab home as
// <home>/seq2seq-pairs/<sha256 of the pairs>.json, so the experiment's held-out examples survive the original file
// being edited, moved or (for a browser upload) removed.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Seq2seqPairsFileInfoT, Seq2seqPairsFileT } from '../../../common/api/seq2seq';
import { LabError } from '../../../common/errors';
import { readPairFile, type PairFile } from '../../data/pairs/file';
import type { Pair } from '../../data/pairs/tasks';
import { mulberry32 } from '../../data/splits';
import { uploadedName } from '../app/uploads';

/** What an experiment's record keeps about its pair file. */
export interface StoredPairFile {
  info: Seq2seqPairsFileInfoT;
  /** the kept pairs, relative to the lab home */
  copy: string;
}

function shuffled(pairs: Pair[], seed: number): Pair[] {
  const out = [...pairs];
  const rand = mulberry32(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

export async function importPairFile(home: string, setup: Seq2seqPairsFileT): Promise<{ pairs: Pair[]; info: Seq2seqPairsFileInfoT; stored: StoredPairFile }> {
  // a browser upload is read from its copy (<home>/uploads/<hex>-name): messages and the record use the person's name
  const base = path.basename(setup.path);
  const shown = uploadedName(home, setup.path);
  let file: PairFile;
  try {
    file = await readPairFile(setup.path, {
      format: setup.format, sourceField: setup.sourceField, targetField: setup.targetField, header: setup.header,
      encoding: setup.encoding, maxChars: setup.maxChars, skipInvalid: setup.skipInvalid,
    });
  } catch (e) {
    if (e instanceof LabError && shown !== base) e.message = e.message.split(base).join(shown);
    throw e;
  }
  const pairs = shuffled(file.pairs, setup.seed);
  const text = JSON.stringify(pairs);
  const copy = path.join('seq2seq-pairs', `${createHash('sha256').update(text).digest('hex')}.json`);
  const abs = path.join(home, copy);
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  fs.writeFileSync(`${abs}.tmp`, text);
  fs.renameSync(`${abs}.tmp`, abs);
  const info: Seq2seqPairsFileInfoT = {
    name: shown, format: file.format, encoding: file.encoding, sha256: file.sha256, pairs: pairs.length,
    duplicates: file.duplicates, skipped: file.skippedCount,
  };
  return { pairs, info, stored: { info, copy } };
}

/** The kept pairs, in their shuffled order; null when the copy was removed by hand. */
export function readStoredPairs(home: string, stored: StoredPairFile): { pairs: Pair[] } | null {
  try {
    return { pairs: JSON.parse(fs.readFileSync(path.join(home, stored.copy), 'utf8')) as Pair[] };
  } catch {
    return null;
  }
}
