// What a fine-tune (or its baseline) reads: a labelled dataset's train / validation / test texts with their classes,
// split stratified with a fixed seed when the dataset has no split yet, a label budget per class drawn with the run's
// seed, and the refusals a person can act on (one class only, unlabelled documents, a budget larger than a class).
import type { DatasetT } from '../../../common/api';
import { LabError } from '../../../common/errors';
import { Rng } from '../../ml/rng';
import type { DatasetQueries } from '../../store/datasets';
import type { DatasetService } from '../datasets/service';
import { resolveDatasetRef } from '../runs/training-data';

/** The split a labelled dataset gets when it has none: stratified, with a test part for the final figures. */
export const CLASSIFICATION_SPLIT = { train: 0.8, validation: 0.1, test: 0.1, seed: 42 } as const;

export interface LabelledSplit {
  texts: string[];
  /** the second text of each example of a sentence-pair task (index-aligned with texts; null: not a pair) */
  textsB: Array<string | null>;
  /** class index per text */
  labels: number[];
}

export interface LabelledData {
  dataset: DatasetT;
  /** class names, sorted (index = class) */
  classes: string[];
  train: LabelledSplit;
  validation: LabelledSplit;
  test: LabelledSplit;
  /** train examples per class before the budget */
  trainCounts: Record<string, number>;
  /** documents without a label, left out */
  unlabelled: number;
}

/** The dataset by name or id with a split (a stratified one is made when it has none, and said through `log`). */
export async function labelledDataset(datasets: DatasetService, ref: string, log: (line: string) => void): Promise<DatasetT> {
  const dataset = await resolveDatasetRef(datasets, ref);
  if (Object.keys(dataset.stats.labels).length === 0) {
    throw new LabError('invalid_input', `Dataset "${dataset.name}" has no labels, so there is nothing to classify; import one with a label column (CSV/TSV/JSONL) or a folder per label, or a labelled sample (spam, names, sotu).`, { field: 'dataset' });
  }
  if (dataset.split !== null) return dataset;
  const s = CLASSIFICATION_SPLIT;
  await datasets.split({ id: dataset.id, train: s.train, validation: s.validation, test: s.test, seed: s.seed, stratify: true });
  const split = await datasets.get({ id: dataset.id });
  log(`Dataset "${dataset.name}" had no split, so a stratified one was made (train ${s.train}, validation ${s.validation}, test ${s.test}, seed ${s.seed}).`);
  return split;
}

/**
 * The labelled splits of a dataset, classes from the train split; with labelsPerClass, that many train examples of
 * each class drawn with `seed` (the same draw for every model given the same seed, so they train on the same labels).
 */
export function readLabelledSplits(datasets: DatasetQueries, dataset: DatasetT, opts: { labelsPerClass?: number; seed: number }, log: (line: string) => void): LabelledData {
  type Row = { text: string; label: string | null; text_b: string | null };
  const rows = (split: string): Row[] => datasets.splitLabelled.all(dataset.id, split);
  const raw = { train: rows('train'), validation: rows('validation'), test: rows('test') };
  let unlabelled = 0;
  for (const part of Object.values(raw)) for (const r of part) if (r.label === null || r.label.trim() === '') unlabelled++;
  const counts: Record<string, number> = {};
  for (const r of raw.train) if (r.label !== null && r.label.trim() !== '') counts[r.label] = (counts[r.label] ?? 0) + 1;
  const classes = Object.keys(counts).sort();
  if (classes.length < 2) {
    throw new LabError('invalid_input', classes.length === 0
      ? `The train split of "${dataset.name}" has no labelled documents; label them (a label column or a folder per label) or split the dataset again.`
      : `The train split of "${dataset.name}" has one class only ("${classes[0]}", ${counts[classes[0]]} documents); a classifier needs at least two. Check the label column.`, { field: 'dataset' });
  }
  if (unlabelled > 0) log(`${unlabelled} document${unlabelled === 1 ? '' : 's'} of "${dataset.name}" ha${unlabelled === 1 ? 's' : 've'} no label and ${unlabelled === 1 ? 'is' : 'are'} left out.`);
  const index = new Map(classes.map((c, i) => [c, i]));
  const toSplit = (part: Row[], name: string): LabelledSplit => {
    const out: LabelledSplit = { texts: [], textsB: [], labels: [] };
    let unseen = 0;
    let empty = 0;
    for (const r of part) {
      if (r.label === null || r.label.trim() === '') continue;
      const c = index.get(r.label);
      if (c === undefined) { unseen++; continue; }
      if (r.text.trim() === '') { empty++; continue; }
      out.texts.push(r.text);
      out.textsB.push(r.text_b);
      out.labels.push(c);
    }
    if (unseen > 0) log(`${unseen} ${name} document${unseen === 1 ? '' : 's'} carry a label the train split never has; left out.`);
    if (empty > 0) log(`${empty} ${name} document${empty === 1 ? ' has' : 's have'} an empty text; left out.`);
    return out;
  };
  let train = toSplit(raw.train, 'train');
  const validation = toSplit(raw.validation, 'validation');
  const test = toSplit(raw.test, 'test');
  if (opts.labelsPerClass !== undefined) train = budget(train, classes, opts.labelsPerClass, opts.seed, dataset.name);
  return { dataset, classes, train, validation, test, trainCounts: counts, unlabelled };
}

/** labelsPerClass train examples of every class, drawn with the seed; refuses a budget a class cannot meet. */
function budget(train: LabelledSplit, classes: string[], n: number, seed: number, name: string): LabelledSplit {
  const byClass = classes.map(() => [] as number[]);
  train.labels.forEach((c, i) => byClass[c].push(i));
  const short = classes.map((c, k) => [c, byClass[k].length] as const).filter(([, m]) => m < n);
  if (short.length > 0) {
    const [c, m] = short[0];
    throw new LabError('invalid_input', `A label budget of ${n} per class is larger than class "${c}" has in the train split of "${name}" (${m}); choose at most ${Math.min(...byClass.map((b) => b.length))} per class.`, { field: 'labelsPerClass' });
  }
  const rng = new Rng((seed ^ 0x5eed1abe) >>> 0);
  const picked: number[] = [];
  for (const members of byClass) {
    const order = members.slice();
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    picked.push(...order.slice(0, n));
  }
  picked.sort((a, b) => a - b);
  return { texts: picked.map((i) => train.texts[i]), textsB: picked.map((i) => train.textsB[i]), labels: picked.map((i) => train.labels[i]) };
}

/** Whether a split holds sentence pairs (any example with a second text). */
export function isPairSplit(s: LabelledSplit): boolean {
  return s.textsB.some((t) => t !== null);
}

/** One text per example for models that read a single text (TF-IDF, the misclassified-examples browser): a pair's two
 *  texts on two lines. */
export function joinedTexts(s: LabelledSplit): string[] {
  return s.texts.map((t, i) => (s.textsB[i] === null ? t : `${t}\n${s.textsB[i]}`));
}
