// The label-budget comparison: for each budget and seed, the pre-trained GPT and BERT fine-tuned, the same
// architectures from scratch, and the TF-IDF + logistic-regression baseline, all on the same labels (the budget is
// drawn with the seed), each recorded as a run; the macro-F1 of each model and budget over the seeds (a curve point).
import type { CurveModelT, CurvePointT } from '../../../common/api/finetune-experiment';
import type { FinetuneReportT } from '../../../common/api/finetune';
import { LabError } from '../../../common/errors';
import type { FinetuneService } from './service';
import { seedCell } from './tutorial-table';

export interface CompareOptions {
  /** the pre-trained pair each seed fine-tunes (one pair for every seed, or a pair pre-trained with that seed) */
  parents: Array<{ seed: number; gpt: number; bert: number }>;
  dataset: string;
  labels: number[];
  epochs: number;
  analyzer: 'word' | 'char_wb';
  threads?: number;
  /** also the mean-of-Word2Vec-vectors + LR baseline on the same labels */
  word2vec?: boolean;
}

/** Runs every model at every budget and seed in the scheduler's job workers (a seed's four fine-tunes queued together), and summarises
 *  macro-F1 per model and budget. */
export async function finetuneCompare(service: FinetuneService, o: CompareOptions, log: (line: string) => void = () => {},
  shouldStop: () => boolean = () => false): Promise<CurvePointT[]> {
  if (o.labels.length === 0) throw new LabError('invalid_input', 'Give at least one label budget, e.g. --labels 16,64.', { field: 'labels' });
  if (o.parents.length === 0) throw new LabError('invalid_input', 'Give at least one seed.', { field: 'seeds' });
  const points: CurvePointT[] = [];
  for (const labelsPerClass of o.labels) {
    const scores = new Map<CurveModelT, { f1: number[]; runs: number[] }>();
    const add = (m: CurveModelT, r: FinetuneReportT | null, runId: number): void => {
      const e = scores.get(m) ?? { f1: [], runs: [] };
      if (r !== null) e.f1.push(r.macroF1);
      e.runs.push(runId);
      scores.set(m, e);
    };
    for (const { seed, gpt, bert } of o.parents) {
      if (shouldStop()) throw new LabError('conflict', 'The comparison was stopped before every fine-tune had run.');
      // the four fine-tunes of a seed are queued together: a scheduler that runs several jobs at once runs them side by side
      const models = ([['gpt', gpt], ['bert', bert]] as const).flatMap(([family, from]) => [false, true].map((scratch) => ({ family, from, scratch })));
      const outs = await Promise.all(models.map(({ from, scratch }) => service.runInWorker({
        from, scratch, dataset: o.dataset, labelsPerClass, epochs: o.epochs, seed, freeze: false, batchSize: 16, warmupRatio: 0.1,
        patience: 3, classWeights: 'none', minSteps: 0, threads: o.threads,
      }, { shouldStop })));
      if (shouldStop()) throw new LabError('conflict', 'The comparison was stopped before every fine-tune had run.');
      models.forEach(({ family, scratch }, k) => {
        const out = outs[k];
        if (out.status !== 'completed') {
          throw new LabError('conflict', `Fine-tune ${out.runId} ("${out.name}") ended ${out.status}${out.error ? `: ${out.error}` : ''}; the comparison needs every fine-tune to finish.`);
        }
        add(`${family}-${scratch ? 'scratch' : 'pretrained'}`, out.report, out.runId);
        log(`${labelsPerClass} labels/class, seed ${seed}: ${family.toUpperCase()} ${scratch ? 'from scratch' : 'pre-trained'} macro-F1 ${out.report?.macroF1.toFixed(3) ?? '—'}`);
      });
      const b = await service.baseline({ dataset: o.dataset, method: 'tfidf-logreg', analyzer: o.analyzer, labelsPerClass, C: 1, classWeights: 'none', seed });
      add('tfidf-logreg', b, b.runId);
      if (o.word2vec === true) {
        const w = await service.baseline({ dataset: o.dataset, method: 'w2v-logreg', analyzer: o.analyzer, labelsPerClass, C: 1, classWeights: 'none', seed }, log);
        add('w2v-logreg', w, w.runId);
      }
    }
    for (const [model, e] of scores) points.push({ model, labelsPerClass, macroF1: seedCell(e.f1), runIds: e.runs });
  }
  return points;
}
