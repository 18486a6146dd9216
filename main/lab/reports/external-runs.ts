// External runs: scalar series read from TensorBoard event files, CSV or JSONL (main/reports/import) stored as runs
// with origin 'external', so they sit in the runs table and overlay the lab's own runs on the compare page.
import path from 'node:path';
import type { ChannelArgs, ChannelOutput } from '../../../common/api';
import { LabError } from '../../../common/errors';
import { readExternalRuns } from '../../reports/import';
import type { ExternalRunData } from '../../reports/import/types';
import type { LabContext } from '../app/context';
import type { RunService } from '../runs/service';
import { checkPathText } from '../../../common/path-text';

export interface StoreExternalOptions {
  /** default 'external'; 'gpt' / 'bert' when the model is known */
  family?: string;
  experimentId?: number | null;
  parentRunId?: number | null;
  /** recorded as the run's config (hyper-parameters, model config) */
  config?: Record<string, unknown>;
  /** merged into origin_json, e.g. { engine: 'pytorch-ddp', ranks: 4 } */
  origin?: Record<string, unknown>;
  /** a name for the first run instead of the one the files give */
  name?: string;
  /** the run's own record, when the importer knows it (issue 19's exports): status, progress, dataset, tokenizer */
  status?: 'completed' | 'stopped' | 'failed';
  step?: number;
  totalSteps?: number | null;
  datasetId?: number | null;
  tokenizerId?: number | null;
  seed?: number;
  tokensSeen?: number;
}

/** Stores runs read from files, each in its own transaction; returns the new run ids in order. */
export function storeExternalRuns(ctx: LabContext, data: ExternalRunData[], extra: StoreExternalOptions = {}): number[] {
  return data.map((run, i) => ctx.store.insertExternalRun(run, {
    family: extra.family ?? 'external',
    experimentId: extra.experimentId ?? null,
    parentRunId: extra.parentRunId ?? null,
    config: extra.config ?? {},
    origin: extra.origin ?? {},
    name: i === 0 ? extra.name : undefined,
    status: extra.status, step: extra.step, totalSteps: extra.totalSteps, datasetId: extra.datasetId, tokenizerId: extra.tokenizerId,
    seed: extra.seed, tokensSeen: extra.tokensSeen,
  }));
}

const SHOWN_PROBLEMS = 50;

export async function importExternal(ctx: LabContext, service: RunService, input: ChannelArgs<'runs.importExternal'>): Promise<ChannelOutput<'runs.importExternal'>> {
  const target = path.resolve(checkPathText(input.path, { what: 'The runs file or folder' }));
  if (input.experimentId !== undefined) {
    if (ctx.store.experiments.nameOf(input.experimentId) === undefined) throw new LabError('not_found', `There is no experiment with id ${input.experimentId}.`, { field: 'experimentId' });
  }
  const { runs, problems } = await readExternalRuns(target, { format: input.format });
  if (runs.length === 0) {
    const first = problems[0];
    throw new LabError('invalid_input', `Nothing could be imported from ${target}${first ? `: ${first.file}, ${first.where}: ${first.message}` : ''}.`, { field: 'path', details: problems });
  }
  if (input.name !== undefined && runs.length > 1) {
    throw new LabError('invalid_input', `${target} holds ${runs.length} runs (${runs.slice(0, 5).map((r) => r.name).join(', ')}${runs.length > 5 ? ', …' : ''}); --name can only name a single run.`, { field: 'name' });
  }
  const ids = storeExternalRuns(ctx, runs, {
    family: input.family, experimentId: input.experimentId ?? null, name: input.name,
    origin: { path: target, skipped: problems.length },
  });
  for (const id of ids) ctx.emit('runs.changed', { id, status: 'completed', step: service.run(id).step, totalSteps: service.run(id).totalSteps, error: null, experimentId: input.experimentId ?? null });
  return { runs: ids.map((id) => service.run(id)), problems: problems.slice(0, SHOWN_PROBLEMS), problemCount: problems.length };
}
