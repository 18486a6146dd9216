// `attention-lab finetune-compare --pretrain-dataset NAME --task NAME`: the whole "pre-train + fine-tune, BERT vs GPT"
// experiment in the foreground — pre-training in workers (progress on stderr), the tutorial measurements, every
// fine-tune — then the label curve (macro-F1 mean ± std per model and budget) and the tutorial's table, measured.
import { FinetuneExperimentRequest, type CurveModelT, type FinetuneExperimentT } from '../../../common/api/finetune-experiment';
import { cellText, englishRows } from '../../../common/finetune/wording';
import { LabError } from '../../../common/errors';
import { describeIssues } from '../../lab/boundary';
import { FinetuneExperimentService } from '../../lab/finetune/experiment';
import type { CommandContext, OptionValues } from '../command';
import { numberOption, stringOption } from '../command';
import { fields, table } from '../format';

const MODEL_NAMES: Record<CurveModelT, string> = {
  'bert-pretrained': 'BERT pre-trained', 'gpt-pretrained': 'GPT pre-trained', 'bert-scratch': 'BERT from scratch',
  'gpt-scratch': 'GPT from scratch', 'tfidf-logreg': 'TF-IDF + LR', 'w2v-logreg': 'mean Word2Vec + LR',
};

/** The experiment as a person reads it: what was trained, the label curve, the measured table, a few continuations. */
export function experimentText(e: FinetuneExperimentT): string {
  const budgets = [...new Set(e.curve.map((p) => p.labelsPerClass))].sort((a, b) => a - b);
  const models = (Object.keys(MODEL_NAMES) as CurveModelT[]).filter((m) => e.curve.some((p) => p.model === m));
  const head = fields([
    ['pre-training', `experiment ${e.experimentId} on "${e.pretrainDataset.name}", preset ${e.request.preset}, ${e.request.pretrainSteps} steps per model, seeds ${e.pairs.map((p) => p.seed).join(', ')}`],
    ['task', `"${e.task.name}" (${e.task.classes.join(' / ')}), ${e.request.epochs} epochs per fine-tune, test split`],
  ]);
  const curve = table(['test macro-F1 (mean ± std over seeds)', ...budgets.map((n) => `${n}/class`)], models.map((m) => [
    MODEL_NAMES[m], ...budgets.map((n) => {
      const p = e.curve.find((c) => c.model === m && c.labelsPerClass === n);
      return p === undefined ? '—' : cellText(p.macroF1, 'f1');
    }),
  ]));
  const rows = englishRows(e.rows).map((r) => [r.claim, r.measured.join('\n'), r.text].join('\n  ')).join('\n\n');
  const quoted = (s: string): string => JSON.stringify(s.length > 90 ? `${s.slice(0, 89)}…` : s);
  const samples = e.samples.slice(0, 2).map((s) => [`prompt (seed ${s.seed}): ${quoted(s.prompt)}`, `  GPT : ${quoted(s.gpt)}`, `  BERT: ${quoted(s.bert)}`, `  real: ${quoted(s.reference)}`].join('\n'));
  return [head, '', 'Label curve', curve, '', 'The tutorial\'s BERT-vs-GPT table, measured', '', rows, '', 'Continuations (greedy; BERT by mask-predict):', ...samples].join('\n');
}

function list(values: OptionValues, name: string): number[] | undefined {
  const text = stringOption(values, name);
  return text === undefined ? undefined : text.split(',').map((x) => (x.trim() === '' ? Number.NaN : Number(x.trim())));
}

/** Runs the experiment from the command's flags; the inputs pass the API's zod schema. */
export async function runFinetuneExperiment(ctx: CommandContext, values: OptionValues): Promise<number | undefined> {
  const raw = Object.fromEntries(Object.entries({
    pretrainDataset: stringOption(values, 'pretrain-dataset'), task: stringOption(values, 'task') ?? stringOption(values, 'dataset'),
    labels: list(values, 'labels'), seeds: numberOption(values, 'seeds'), preset: stringOption(values, 'preset'),
    pretrainSteps: numberOption(values, 'pretrain-steps'), epochs: numberOption(values, 'epochs'), analyzer: stringOption(values, 'analyzer'),
    lrSweep: values['lr-sweep'] === true ? true : undefined, sites: numberOption(values, 'sites'), prompts: numberOption(values, 'prompts'),
    threads: numberOption(values, 'threads'), word2vec: values['no-word2vec'] !== true,
  }).filter(([, v]) => v !== undefined));
  const parsed = FinetuneExperimentRequest.safeParse(raw);
  if (!parsed.success) throw new LabError('invalid_input', describeIssues(parsed.error.issues, raw));
  const lab = ctx.lab();
  let stopping = false;
  void ctx.waitForStop().then(() => {
    stopping = true;
    ctx.note('Stopping after the current step; pre-training runs keep resumable checkpoints…');
    const { running, queued } = lab.jobs.scheduler.snapshot();
    for (const id of [...running, ...queued]) {
      try {
        lab.jobs.scheduler.stop(id);
      } catch {
        // it finished meanwhile
      }
    }
  });
  const lastLine = new Map<number, number>();
  const unsubscribe = lab.on((event, payload) => {
    if (event !== 'runs.changed') return;
    const p = payload as { id: number; status: string; step: number; totalSteps: number | null };
    if (p.status === 'running' && Date.now() - (lastLine.get(p.id) ?? 0) < 3000) return;
    lastLine.set(p.id, Date.now());
    ctx.note(`run ${p.id}: ${p.status}, step ${p.step}/${p.totalSteps ?? '?'}`);
  });
  const started = Date.now();
  try {
    const service = new FinetuneExperimentService(lab.training, lab.finetune, lab.experiments, lab.jobs.scheduler);
    const e = await service.run(parsed.data, { log: (line) => ctx.note(line), shouldStop: () => stopping });
    ctx.note(`Done in ${((Date.now() - started) / 1000).toFixed(0)} s.`);
    ctx.result({ ...e, rows: englishRows(e.rows) }, () => experimentText(e));
  } finally {
    unsubscribe();
  }
  return undefined;
}
