// The label-budget comparison: for each budget and seed, the pre-trained GPT and BERT fine-tuned, the same
// architectures from scratch, and the TF-IDF + logistic-regression baseline, all on the same labels (the budget is
// drawn with the seed), each recorded as a run; the macro-F1 of each model and budget as mean ± sample std over seeds.
import type { FinetuneReportT } from '../../../common/api/finetune';
import { LabError } from '../../../common/errors';
import { meanStd } from '../../ml/finetune/metrics';
import type { FinetuneService } from './service';

export type CompareModel = 'gpt-pretrained' | 'gpt-scratch' | 'bert-pretrained' | 'bert-scratch' | 'tfidf-logreg';

export interface CompareOptions {
  gpt: number;
  bert: number;
  dataset: string;
  labels: number[];
  seeds: number;
  epochs: number;
  analyzer: 'word' | 'char_wb';
  threads?: number;
}

export interface CompareCell {
  model: CompareModel;
  labelsPerClass: number;
  macroF1: { mean: number; std: number; n: number };
  runIds: number[];
}

/** Runs every model at every budget and seed (seeds 1..n), in the foreground, and summarises macro-F1. */
export async function finetuneCompare(service: FinetuneService, o: CompareOptions, log: (line: string) => void = () => {}): Promise<CompareCell[]> {
  if (o.labels.length === 0) throw new LabError('invalid_input', 'Give at least one label budget, e.g. --labels 16,64.', { field: 'labels' });
  if (!Number.isInteger(o.seeds) || o.seeds < 1) throw new LabError('invalid_input', `--seeds is ${o.seeds}, but it must be a whole number of at least 1.`, { field: 'seeds' });
  const cells: CompareCell[] = [];
  for (const labelsPerClass of o.labels) {
    const scores = new Map<CompareModel, { f1: number[]; runs: number[] }>();
    const add = (m: CompareModel, r: FinetuneReportT | null, runId: number): void => {
      const e = scores.get(m) ?? { f1: [], runs: [] };
      if (r !== null) e.f1.push(r.macroF1);
      e.runs.push(runId);
      scores.set(m, e);
    };
    for (let seed = 1; seed <= o.seeds; seed++) {
      for (const [family, from] of [['gpt', o.gpt], ['bert', o.bert]] as const) {
        for (const scratch of [false, true]) {
          const out = await service.run({
            from, scratch, dataset: o.dataset, labelsPerClass, epochs: o.epochs, seed, freeze: false, batchSize: 16, warmupRatio: 0.1,
            patience: 3, classWeights: 'none', minSteps: 0, threads: o.threads,
          });
          add(`${family}-${scratch ? 'scratch' : 'pretrained'}`, out.report, out.runId);
          log(`${labelsPerClass} labels/class, seed ${seed}: ${family.toUpperCase()} ${scratch ? 'from scratch' : 'pre-trained'} macro-F1 ${out.report?.macroF1.toFixed(3) ?? '—'}`);
        }
      }
      const b = await service.baseline({ dataset: o.dataset, analyzer: o.analyzer, labelsPerClass, C: 1, classWeights: 'none', seed });
      add('tfidf-logreg', b, b.runId);
    }
    for (const [model, e] of scores) cells.push({ model, labelsPerClass, macroF1: meanStd(e.f1), runIds: e.runs });
  }
  return cells;
}
