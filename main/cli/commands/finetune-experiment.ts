// `attention-lab finetune-compare --pretrain-dataset NAME --task NAME`: the whole "pre-train + fine-tune, BERT vs GPT"
// experiment in the foreground — pre-training in workers (progress on stderr), the tutorial measurements, every
// fine-tune — then the label curve (macro-F1 mean ± std per model and budget) and the tutorial's table, measured.
// It goes through lab.call (finetune.experiment.start) and follows the experiment through lab.on events, as the page does.
import type { ChannelInput, EventPayload } from '../../../common/api';
import type { CurveModelT, FinetuneExperimentT } from '../../../common/api/finetune-experiment';
import { cellText, english, englishRows, recipeLines } from '../../../common/finetune/wording';
import { LabError } from '../../../common/errors';
import type { CommandContext, OptionValues } from '../command';
import { givenInput, numberOption, stringOption } from '../command';
import { fields, table } from '../format';
import { newTaskId } from '../progress';

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
  const recipe = recipeLines(e.recipes ?? [], english, e.request.preset);
  return [head, ...(recipe.length > 0 ? ['', english('recipe.title'), ...recipe.map((l) => `  ${l}`)] : []), '', 'Label curve', curve, '', 'The tutorial\'s BERT-vs-GPT table, measured', '', rows, '', 'Continuations (greedy; BERT by mask-predict):', ...samples].join('\n');
}

function list(values: OptionValues, name: string): number[] | undefined {
  const text = stringOption(values, name);
  return text === undefined ? undefined : text.split(',').map((x) => (x.trim() === '' ? Number.NaN : Number(x.trim())));
}

/** The request the flags make (unset flags are left to the API's defaults: the comparison's recipe, the sweep on). */
export function experimentInput(values: OptionValues, taskId: string): ChannelInput<'finetune.experiment.start'> {
  return givenInput<ChannelInput<'finetune.experiment.start'>>({
    pretrainDataset: stringOption(values, 'pretrain-dataset'), task: stringOption(values, 'task') ?? stringOption(values, 'dataset'),
    labels: list(values, 'labels'), seeds: numberOption(values, 'seeds'), preset: stringOption(values, 'preset'),
    pretrainSteps: numberOption(values, 'pretrain-steps'), epochs: numberOption(values, 'epochs'), analyzer: stringOption(values, 'analyzer'),
    lrSweep: values['no-lr-sweep'] === true ? false : values['lr-sweep'] === true ? true : undefined, sites: numberOption(values, 'sites'), prompts: numberOption(values, 'prompts'),
    threads: numberOption(values, 'threads'), word2vec: values['no-word2vec'] !== true, taskId,
  });
}

/** Runs the experiment from the command's flags; the inputs pass the API's zod schema at lab.call. */
export async function runFinetuneExperiment(ctx: CommandContext, values: OptionValues): Promise<number | undefined> {
  const taskId = newTaskId();
  const input = experimentInput(values, taskId);
  let stopping = false;
  const stopped = new Set<number>();
  const stop = (id: number): void => {
    if (stopped.has(id)) return;
    stopped.add(id);
    ctx.call('runs.stop', { id }).catch(() => undefined); // it finished meanwhile
  };
  void ctx.waitForStop().then(async () => {
    stopping = true;
    ctx.note('Stopping after the current step; pre-training runs keep resumable checkpoints…');
    const { running, queued } = await ctx.call('jobs.status', {});
    for (const id of [...running, ...queued]) stop(id);
  });
  // experiments.changed of this experiment wakes the wait below; one that came while the list was read is kept
  let experimentId: number | null = null;
  let moved = false;
  let wake: (() => void) | null = null;
  const lastLine = new Map<number, number>();
  const unsubscribe = ctx.lab().on((event, payload) => {
    if (event === 'runs.log') {
      const p = payload as EventPayload<'runs.log'>;
      if (p.taskId === taskId) ctx.note(p.line);
    } else if (event === 'experiments.changed') {
      if ((payload as EventPayload<'experiments.changed'>).id !== experimentId) return;
      moved = true;
      wake?.();
    } else if (event === 'runs.changed') {
      const p = payload as EventPayload<'runs.changed'>;
      // after Ctrl-C, the fine-tunes the experiment still queues are stopped as they come
      if (stopping && (p.status === 'queued' || p.status === 'running')) stop(p.id);
      if (p.status === 'running' && Date.now() - (lastLine.get(p.id) ?? 0) < 3000) return;
      lastLine.set(p.id, Date.now());
      ctx.note(`run ${p.id}: ${p.status}, step ${p.step}/${p.totalSteps ?? '?'}`);
    }
  });
  const changed = (): Promise<void> => new Promise<void>((resolve) => {
    if (moved) resolve();
    else wake = resolve;
  }).then(() => {
    moved = false;
    wake = null;
  });
  const started = Date.now();
  try {
    let e = await ctx.call('finetune.experiment.start', input);
    experimentId = e.experimentId;
    while (e.status === 'running') {
      await changed();
      e = (await ctx.call('finetune.experiment.list', {})).find((x) => x.experimentId === experimentId) ?? e;
    }
    if (e.status !== 'completed') throw new LabError('conflict', e.error ?? `Experiment ${e.experimentId} ended ${e.status}.`);
    ctx.note(`Done in ${((Date.now() - started) / 1000).toFixed(0)} s.`);
    ctx.result({ ...e, rows: englishRows(e.rows), recipeText: recipeLines(e.recipes ?? [], english, e.request.preset) }, () => experimentText(e));
  } finally {
    unsubscribe();
  }
  return undefined;
}
