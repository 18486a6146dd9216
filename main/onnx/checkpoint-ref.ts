// Finds the checkpoint folder a person means by RUN [--step N]: a run's name or id (through the runs channels),
// a run folder (<home>/runs/<id>) or a checkpoint folder holding model.safetensors.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ChannelInput, ChannelName, ChannelOutput } from '../../common/api';
import { LabError } from '../../common/errors';

/** What resolving needs from a front door: the lab home and the typed channel call (both used only for run names). */
export interface RunLookup {
  home(): string;
  call<K extends ChannelName>(channel: K, input: ChannelInput<K>): Promise<ChannelOutput<K>>;
}

export interface CheckpointRef {
  dir: string;
  step: number | null;
  runId: number | null;
  runName: string | null;
}

const STEP_FOLDER = /^step-(\d+)$/;

function isCheckpointFolder(dir: string): boolean {
  return existsSync(join(dir, 'model.safetensors'));
}

/** step-<n> folders of a run folder, newest first. */
function stepFolders(runDir: string): { step: number; dir: string }[] {
  if (!existsSync(runDir) || !statSync(runDir).isDirectory()) return [];
  return readdirSync(runDir)
    .map((name) => ({ m: STEP_FOLDER.exec(name), name }))
    .filter((e): e is { m: RegExpExecArray; name: string } => e.m !== null)
    .map((e) => ({ step: Number(e.m[1]), dir: join(runDir, e.name) }))
    .sort((a, b) => b.step - a.step);
}

function pickStep(candidates: { step: number; dir: string }[], step: number | undefined, what: string): { step: number; dir: string } {
  if (candidates.length === 0) {
    throw new LabError('not_found', `${what} has no checkpoint yet; train it (or wait for its first checkpoint) before exporting or inspecting it.`, { field: 'run' });
  }
  if (step === undefined) return candidates[0];
  const found = candidates.find((c) => c.step === step);
  if (found === undefined) {
    const steps = candidates.map((c) => c.step).sort((a, b) => a - b).join(', ');
    throw new LabError('not_found', `${what} has no checkpoint at step ${step}; its checkpoints are at steps ${steps}.`, { field: 'step' });
  }
  return found;
}

/** Resolves RUN (+ optional step) to a checkpoint folder, preferring a path that exists on disk. */
export async function resolveCheckpoint(lab: RunLookup, ref: string, step?: number): Promise<CheckpointRef> {
  const asPath = resolve(ref);
  if (existsSync(asPath) && statSync(asPath).isDirectory()) {
    if (isCheckpointFolder(asPath)) return { dir: asPath, step: null, runId: null, runName: null };
    const chosen = pickStep(stepFolders(asPath), step, `The folder ${asPath}`);
    return { dir: chosen.dir, step: chosen.step, runId: null, runName: null };
  }
  const runs = await lab.call('runs.list', { includeArchived: true });
  const run = runs.find((r) => r.name === ref) ?? (/^\d+$/.test(ref) ? runs.find((r) => r.id === Number(ref)) : undefined);
  if (run === undefined) {
    const hint = runs.length === 0 ? 'there are no runs in this lab yet' : `the runs are ${runs.slice(0, 8).map((r) => `"${r.name}" (${r.id})`).join(', ')}${runs.length > 8 ? ' …' : ''}`;
    throw new LabError('not_found', `There is no run or checkpoint folder called ${JSON.stringify(ref)}; ${hint}.`, { field: 'run' });
  }
  const detail = await lab.call('runs.get', { id: run.id, samples: 0 });
  const recorded = detail.artifacts
    .filter((a) => a.kind === 'checkpoint' && a.step !== null)
    .map((a) => ({ step: a.step as number, dir: join(lab.home(), a.path) }))
    .sort((a, b) => b.step - a.step);
  // Runs whose artifacts were not recorded (an interrupted write) still have their folders on disk.
  const candidates = recorded.length > 0 ? recorded : stepFolders(join(lab.home(), 'runs', String(run.id)));
  const chosen = pickStep(candidates, step, `Run "${run.name}" (${run.id})`);
  if (!isCheckpointFolder(chosen.dir)) {
    throw new LabError('not_found', `The step-${chosen.step} checkpoint of run "${run.name}" is missing its files (${chosen.dir}); they were deleted or moved. Choose another step with --step.`, { field: 'step' });
  }
  return { dir: chosen.dir, step: chosen.step, runId: run.id, runName: run.name };
}
