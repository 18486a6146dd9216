// `attention-lab runs …`: list the tracked runs, show one (settings, metric summaries, checkpoints, samples), tag, note, delete.
import type { RunT } from '../../../common/api';
import { LabError } from '../../../common/errors';
import type { CliCommand, CommandContext, CommandGroup } from '../command';
import { numberOption, stringOption } from '../command';
import { formatBytes } from '../../../common/format';
import { fields, int, snippet, table } from '../format';
import { importExternalCommand } from './runs-import';
import { importTorchCommand } from './runs-import-torch';

/** A run by id, else by name (the newest run of that name), through the same list channel the UI uses. */
export async function resolveRun(ctx: CommandContext, ref: string): Promise<RunT> {
  const runs = await ctx.call('runs.list', { includeArchived: true });
  const found = (/^\d+$/.test(ref) ? runs.find((r) => r.id === Number(ref)) : undefined)
    ?? [...runs].reverse().find((r) => r.name === ref)
    ?? [...runs].reverse().find((r) => r.name.toLowerCase() === ref.toLowerCase());
  if (!found) {
    const hint = runs.length === 0 ? 'there are none yet; start one with `attention-lab train`.' : 'see `attention-lab runs list` for the runs there are.';
    throw new LabError('not_found', `There is no run ${JSON.stringify(ref)}; ${hint}`, { field: 'run' });
  }
  return found;
}

/** A metric value for tables: 4 significant digits, '—' when absent or non-finite. */
export function metricText(v: number | null | undefined): string {
  return v === null || v === undefined ? '—' : Math.abs(v) >= 1000 ? int(v) : v.toPrecision(4);
}

function progress(r: RunT): string {
  return r.totalSteps === null ? int(r.step) : `${int(r.step)}/${int(r.totalSteps)}`;
}

const listCommand: CliCommand = {
  name: 'list',
  summary: 'list the runs with their status and the last / best values of key metrics',
  usage: '[--status S] [--dataset ID] [--all]',
  details: ['--status  queued, running, paused, completed, stopped, failed or crashed', '--all     include archived runs'],
  positionals: [],
  options: { status: { type: 'string' }, dataset: { type: 'string' }, all: { type: 'boolean' } },
  async run(ctx, values) {
    const datasetId = numberOption(values, 'dataset');
    const list = await ctx.call('runs.list', {
      metrics: ['train/loss', 'val/loss', 'val/accuracy', 'train/tokens_per_s'],
      includeArchived: values.all === true,
      ...(datasetId === undefined ? {} : { datasetId }),
      ...(stringOption(values, 'status') === undefined ? {} : { status: stringOption(values, 'status') as RunT['status'] }),
    });
    ctx.result(list, () => list.length === 0
      ? 'No runs yet; train one with `attention-lab train --dataset NAME --model gpt`.'
      : table(['id', 'name', 'model', 'status', 'step', 'train loss', 'val loss', 'best val', 'val acc', 'tokens/s', 'backend', 'tags'], list.map((r) => [
        String(r.id), r.origin === 'external' ? `${r.name} (external)` : r.name, r.family, r.status, progress(r), metricText(r.metrics['train/loss']?.last), metricText(r.metrics['val/loss']?.last),
        metricText(r.metrics['val/loss']?.best), metricText(r.metrics['val/accuracy']?.last), metricText(r.metrics['train/tokens_per_s']?.last),
        r.backend ?? '—', r.tags.join(',') || '—',
      ])));
  },
};

const showCommand: CliCommand = {
  name: 'show',
  summary: 'a run in full: settings, metric summaries, checkpoints and its latest evaluation samples',
  usage: 'RUN [--samples N]',
  positionals: ['RUN'],
  options: { samples: { type: 'string' } },
  async run(ctx, values, [ref]) {
    const run = await resolveRun(ctx, ref);
    const detail = await ctx.call('runs.get', { id: run.id, samples: numberOption(values, 'samples') ?? 3 });
    ctx.result(detail, () => {
      const model = detail.config.model as Record<string, unknown> | undefined;
      const lines = [fields([
        ['run', `${detail.id} "${detail.name}"`],
        ['model', `${detail.family.toUpperCase()}${detail.config.preset ? ` (${String(detail.config.preset)})` : ''}${model ? `, ${String(model.nLayer)} layers, ${String(model.nHead)} heads, d_model ${String(model.dModel)}, context ${String(model.contextLength)}` : ''}`],
        ['parameters', typeof detail.config.parameters === 'number' ? int(detail.config.parameters) : '—'],
        ['dataset', detail.datasetName ?? '—'],
        ['tokenizer', detail.tokenizerName ?? '—'],
        ['status', `${detail.status}${detail.error ? ` — ${detail.error}` : ''}`],
        ['progress', `step ${progress(detail)}, ${int(detail.tokensSeen)} tokens seen`],
        ['backend', `${detail.backend ?? '—'}${detail.threads === null ? '' : `, ${detail.threads} threads`}`],
        ['seed', String(detail.seed)],
        ['started', detail.startedAt ?? '—'],
        ['finished', detail.finishedAt ?? '—'],
        ['tags', detail.tags.join(', ') || '—'],
        ['notes', detail.notes || '—'],
      ])];
      const keys = Object.keys(detail.metrics);
      if (keys.length > 0) {
        lines.push('', table(['metric', 'last', 'best', 'at step', 'min', 'max', 'points'], keys.map((k) => {
          const m = detail.metrics[k];
          return [k, metricText(m.last), metricText(m.best), m.bestStep === null ? '—' : int(m.bestStep), metricText(m.min), metricText(m.max), int(m.count)];
        })));
      }
      if (detail.artifacts.length > 0) {
        lines.push('', table(['artifact', 'step', 'size', 'path'], detail.artifacts.map((a) => [a.kind, a.step === null ? '—' : int(a.step), formatBytes(a.bytes), a.path])));
      }
      for (const s of detail.samples) lines.push('', `step ${s.step ?? '—'} ${s.kind}: ${snippet(s.prompt, 60)} → ${snippet(s.output, 100)}`);
      return lines.join('\n');
    });
  },
};

const tagCommand: CliCommand = {
  name: 'tag',
  summary: 'add a tag to a run (or take it off with --remove)',
  usage: 'RUN TAG [--remove]',
  positionals: ['RUN', 'TAG'],
  options: { remove: { type: 'boolean' } },
  async run(ctx, values, [ref, tag]) {
    const run = await resolveRun(ctx, ref);
    const updated = await ctx.call('runs.tag', values.remove === true ? { id: run.id, remove: [tag] } : { id: run.id, add: [tag] });
    ctx.result(updated, () => `Run ${updated.id} "${updated.name}" tags: ${updated.tags.join(', ') || 'none'}.`);
  },
};

const noteCommand: CliCommand = {
  name: 'note',
  summary: "set a run's notes (an empty text clears them)",
  usage: 'RUN TEXT',
  positionals: ['RUN', 'TEXT'],
  options: {},
  async run(ctx, _values, [ref, text]) {
    const run = await resolveRun(ctx, ref);
    const updated = await ctx.call('runs.note', { id: run.id, notes: text });
    ctx.result(updated, () => `Saved the notes of run ${updated.id} "${updated.name}".`);
  },
};

const deleteCommand: CliCommand = {
  name: 'delete',
  summary: 'delete a run with its metrics, samples and checkpoint files',
  usage: 'RUN',
  positionals: ['RUN'],
  options: {},
  async run(ctx, _values, [ref]) {
    const run = await resolveRun(ctx, ref);
    const done = await ctx.call('runs.delete', { id: run.id });
    ctx.result({ ...done, id: run.id }, () => `Deleted run ${run.id} "${run.name}" and its files.`);
  },
};

export const runsCommands: CommandGroup = {
  name: 'runs',
  summary: 'see and organise the training runs tracked in this lab',
  commands: [listCommand, showCommand, tagCommand, noteCommand, deleteCommand, importExternalCommand, importTorchCommand],
};
