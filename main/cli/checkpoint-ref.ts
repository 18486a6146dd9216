// What RUN means to the `attention` and `export-onnx` commands: a folder on disk (a checkpoint folder holding
// model.safetensors, or a run folder with step-<n> folders) or a run's name or id. The lab resolves either to the
// checkpoint it opens (lab/runs/checkpoints.ts); this only says which one the person meant, as a channel input.
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { LabError } from '../../common/errors';
import type { CommandContext } from './command';

/** The checkpoint half of an analysis.attention / analysis.exportOnnx input, with the run's name for the printout. */
export type CheckpointChoice = { runId: number; runName: string; checkpoint?: undefined } | { checkpoint: string; runId?: undefined; runName?: undefined };

/** A path that exists as a folder wins; then a run's exact name, then its id (a run called "2024" stays reachable). */
export async function checkpointChoice(ctx: CommandContext, ref: string): Promise<CheckpointChoice> {
  const asPath = resolve(ref);
  if (existsSync(asPath) && statSync(asPath).isDirectory()) return { checkpoint: asPath };
  const runs = await ctx.call('runs.list', { includeArchived: true });
  const run = runs.find((r) => r.name === ref) ?? (/^\d+$/.test(ref) ? runs.find((r) => r.id === Number(ref)) : undefined);
  if (run === undefined) {
    const hint = runs.length === 0 ? 'there are no runs in this lab yet' : `the runs are ${runs.slice(0, 8).map((r) => `"${r.name}" (${r.id})`).join(', ')}${runs.length > 8 ? ' …' : ''}`;
    throw new LabError('not_found', `There is no run or checkpoint folder called ${JSON.stringify(ref)}; ${hint}.`, { field: 'run' });
  }
  return { runId: run.id, runName: run.name };
}

/**
 * The lab's refusal of a checkpoint whose files are gone ends "Choose another step."; on the command line the way to
 * do that is the --step flag, so the sentence says so.
 */
export function withStepFlag(e: unknown): unknown {
  if (e instanceof LabError && e.field === 'step' && e.message.endsWith('Choose another step.')) {
    return new LabError(e.code, `${e.message.slice(0, -1)} with --step.`, { field: 'step', cause: e });
  }
  return e;
}

/** The folder the lab read for a run's checkpoint at `step` (its newest when the list has no such step). */
export async function runCheckpointFolder(ctx: CommandContext, runId: number, step: number): Promise<string> {
  const [{ checkpoints }, { home }] = await Promise.all([ctx.call('analysis.checkpoints', { runId }), ctx.call('app.info', {})]);
  const found = checkpoints.find((c) => c.step === step) ?? checkpoints[checkpoints.length - 1];
  return resolve(home, found.path);
}
