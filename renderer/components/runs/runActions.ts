// Pure rules of a run page's own actions (RunActions, RunControls): whether a run can resume and why not, whether it
// may be deleted now, and whether its model can be tried or exported.
import type { ArtifactT, RunT } from '../../../common/api';

/** Runs the scheduler still holds: they are stopped before they are deleted. */
export const ACTIVE_STATUSES: readonly string[] = ['queued', 'running', 'paused'];

type RunFacts = Pick<RunT, 'status' | 'family'>;
type ArtifactFacts = Pick<ArtifactT, 'kind' | 'meta'>;

/** Whether a stopped or crashed run saved a checkpoint the scheduler can continue from (runs.resume needs one). */
export function hasResumableCheckpoint(artifacts: readonly ArtifactFacts[]): boolean {
  return artifacts.some((a) => a.kind === 'checkpoint' && a.meta.resumable === true);
}

/**
 * Why a run that has ended offers no Resume: 'failed' (the scheduler resumes only stopped, paused and crashed runs —
 * a failure is fixed and started anew), 'noCheckpoint' (stopped or crashed before its first resumable checkpoint), or
 * null when Resume is offered or the run has not ended (completed runs need none).
 */
export function whyNoResume(run: RunFacts, artifacts: readonly ArtifactFacts[]): 'failed' | 'noCheckpoint' | null {
  if (run.status === 'failed') return 'failed';
  if ((run.status === 'stopped' || run.status === 'crashed') && !hasResumableCheckpoint(artifacts)) return 'noCheckpoint';
  return null;
}

/** Whether the delete dialog may open now (the lab refuses a live run too; the page says so first). */
export function deletableNow(run: RunFacts): boolean {
  return !ACTIVE_STATUSES.includes(run.status);
}

/** GPT and BERT runs write ONNX (the exporter knows their graphs), once they have a checkpoint. */
export function onnxExportable(run: RunFacts, artifacts: readonly ArtifactFacts[]): boolean {
  return (run.family === 'gpt' || run.family === 'bert') && artifacts.some((a) => a.kind === 'checkpoint');
}

/** Runs whose model the page can try (the probe channels read GPT, BERT, GRU and LSTM checkpoints), once one is saved. */
export function probeable(run: RunFacts, artifacts: readonly ArtifactFacts[]): boolean {
  return ['gpt', 'bert', 'gru', 'lstm'].includes(run.family) && artifacts.some((a) => a.kind === 'checkpoint');
}
