// A run's newest checkpoint as a folder a worker can load (plain data), and loaded in this process.
import path from 'node:path';
import { LabError } from '../../../common/errors';
import { loadCheckpointModel, type LoadedRun, type RunCheckpoint } from '../../jobs/measure/models';
import type { LabContext } from '../app/context';

/** The newest checkpoint of a GPT or BERT run; refuses a run that has none yet. */
export function runCheckpoint(ctx: LabContext, runId: number): RunCheckpoint {
  const runs = ctx.store.runs;
  const run = runs.run(runId);
  if (run.family !== 'gpt' && run.family !== 'bert') {
    throw new LabError('invalid_input', `Run ${runId} ("${run.name}") is a ${run.family} run; only GPT and BERT runs can be probed here.`, { field: 'runIds' });
  }
  const ckpt = runs.latestCheckpoint(runId);
  if (ckpt === null) {
    throw new LabError('not_found', `Run ${runId} ("${run.name}") has no checkpoint yet (it is ${run.status}); probe it once it has saved one or finished.`, { field: 'runIds' });
  }
  return { runId, family: run.family, dir: path.join(ctx.home, ckpt.path) };
}

/** A run's newest checkpoint with the tokenizer saved beside it, loaded. */
export function loadRunModel(ctx: LabContext, runId: number): LoadedRun {
  return loadCheckpointModel(runCheckpoint(ctx, runId));
}
