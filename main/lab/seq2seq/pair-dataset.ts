// A seq2seq experiment's pairs from a sentence-pair dataset of the dataset manager (seq2seq.create pairsDataset): each
// document's text is the source, its second text (documents.text_b) the target, read from the dataset's own train /
// validation / test split — one with a test share is made when it has none, and the record says so. Documents without
// a second text are left out and counted; a dataset with no pairs, or a split with no held-out pairs, is refused with
// what to do. The pairs and their document ids are kept as <home>/seq2seq-pairs/dataset-<sha256>.json, so the held-out
// examples survive the dataset being split again or deleted, and the record says exactly which documents were used.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { DatasetT } from '../../../common/api';
import type { Seq2seqPairsDatasetInfoT, Seq2seqPairsDatasetT } from '../../../common/api/seq2seq';
import { LabError } from '../../../common/errors';
import type { PairSplits } from '../../data/pairs/tasks';
import type { DatasetQueries } from '../../store/datasets';
import type { DatasetService } from '../datasets/service';
import { resolveDatasetRef } from '../runs/training-data';

/** The split a pair dataset gets when it has none: a test share, since the arms are measured on held-out pairs. */
export const PAIRS_SPLIT = { train: 0.8, validation: 0.1, test: 0.1, seed: 42 } as const;

const PARTS = ['train', 'validation', 'test'] as const;
type Part = (typeof PARTS)[number];

/** What an experiment's record keeps about its pair dataset. */
export interface StoredPairDataset {
  info: Seq2seqPairsDatasetInfoT;
  /** the kept pairs and document ids, relative to the lab home */
  copy: string;
}

/** The kept copy: each part's pairs and, index-aligned, the documents they came from. */
export interface KeptDatasetPairs {
  splits: PairSplits;
  ids: Record<Part, number[]>;
}

const importHint = (name: string): string => 'Import the pairs with their second text: `attention-lab datasets import FILE --name NAME ' +
  '--text-column SOURCE --second-text-column TARGET` (JSONL: --text-field / --second-text-field), or in the import dialog ' +
  `choose the second text column; or give the experiment a pair file instead of "${name}".`;

/** The dataset by name or id; refused unless it holds sentence pairs. */
export async function pairDataset(datasets: DatasetService, ref: string): Promise<DatasetT> {
  const dataset = await resolveDatasetRef(datasets, ref).catch((e: unknown) => {
    throw e instanceof LabError ? new LabError(e.code, e.message, { field: 'pairsDataset.dataset' }) : e;
  });
  if (dataset.pairs === 0) {
    throw new LabError('invalid_input', `Dataset "${dataset.name}" has no sentence pairs (none of its ${dataset.stats.documents.toLocaleString('en')} documents has a ` +
      `second text), so it gives the experiment no targets. ${importHint(dataset.name)}`, { field: 'pairsDataset.dataset' });
  }
  return dataset;
}

/**
 * The pairs of a pair dataset per part of its split (made first when it has none, said through `log`), kept under
 * the lab home. Refuses a split without training or held-out pairs.
 */
export async function importPairDataset(home: string, datasets: DatasetService, queries: DatasetQueries, setup: Seq2seqPairsDatasetT,
  log: (line: string) => void): Promise<{ splits: PairSplits; info: Seq2seqPairsDatasetInfoT; stored: StoredPairDataset }> {
  let dataset = await pairDataset(datasets, setup.dataset);
  const madeSplit = dataset.split === null;
  if (madeSplit) {
    const s = PAIRS_SPLIT;
    await datasets.split({ id: dataset.id, train: s.train, validation: s.validation, test: s.test, seed: s.seed, stratify: true });
    dataset = await datasets.get({ id: dataset.id });
    const c = dataset.split?.counts;
    log(`Dataset "${dataset.name}" had no split, so one was made for the experiment (train ${s.train}, validation ${s.validation}, test ${s.test}, seed ${s.seed})` +
      `${c ? `: ${c.train} train, ${c.validation} validation and ${c.test} test documents` : ''}.`);
  }
  const split = dataset.split as NonNullable<DatasetT['split']>;
  const kept: KeptDatasetPairs = { splits: { train: [], validation: [], test: [] }, ids: { train: [], validation: [], test: [] } };
  let noSecondText = 0;
  for (const part of PARTS) {
    for (const row of queries.splitPairs.all(dataset.id, part)) {
      if (row.text_b === null || row.text_b.trim() === '' || row.text.trim() === '') {
        noSecondText++;
        continue;
      }
      kept.splits[part].push({ source: row.text, target: row.text_b });
      kept.ids[part].push(row.id);
    }
  }
  if (noSecondText > 0) log(`${noSecondText.toLocaleString('en')} document(s) of "${dataset.name}" have no second text (or an empty one) and were left out.`);
  const r = split.ratios;
  const how = `train ${r.train}, validation ${r.validation}, test ${r.test}, seed ${split.seed}`;
  const again = `split it again with a share for it — on the dataset's page, or \`attention-lab datasets split "${dataset.name}" --train 0.8 --validation 0.1 --test 0.1\``;
  if (kept.splits.test.length === 0) {
    throw new LabError('invalid_input', `The split of dataset "${dataset.name}" (${how}) has no test pairs, so nothing would be measured on held-out data; ${again}.`,
      { field: 'pairsDataset.dataset' });
  }
  if (kept.splits.train.length === 0) {
    throw new LabError('invalid_input', `The split of dataset "${dataset.name}" (${how}) has no training pairs; ${again}.`, { field: 'pairsDataset.dataset' });
  }
  const text = JSON.stringify(kept);
  const copy = path.join('seq2seq-pairs', `dataset-${createHash('sha256').update(text).digest('hex')}.json`);
  const abs = path.join(home, copy);
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  fs.writeFileSync(`${abs}.tmp`, text);
  fs.renameSync(`${abs}.tmp`, abs);
  const info: Seq2seqPairsDatasetInfoT = {
    id: dataset.id, name: dataset.name, sha256: dataset.sha256,
    split: { seed: split.seed, ratios: split.ratios, stratified: split.stratified, createdAt: split.createdAt }, madeSplit,
    pairs: { train: kept.splits.train.length, validation: kept.splits.validation.length, test: kept.splits.test.length }, noSecondText,
  };
  return { splits: kept.splits, info, stored: { info, copy } };
}

/** The kept pairs and document ids; null when the copy was removed by hand. */
export function readStoredDatasetPairs(home: string, stored: StoredPairDataset): KeptDatasetPairs | null {
  try {
    return JSON.parse(fs.readFileSync(path.join(home, stored.copy), 'utf8')) as KeptDatasetPairs;
  } catch {
    return null;
  }
}
