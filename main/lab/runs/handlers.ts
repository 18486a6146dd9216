// The runs.* and jobs.* channels: records and metrics from the run service, everything that moves a run's job
// (start, stop, pause, resume, delete) and the queue itself from the job service.
import type { Handlers, runChannels } from '../../../common/api';
import { estimateModel } from './estimate';
import type { JobService } from './job-service';
import type { RunService } from './service';

export function runHandlers(runs: RunService, jobs: JobService): Pick<Handlers, keyof typeof runChannels> {
  return {
    'runs.list': (input) => runs.list(input),
    'runs.get': (input) => runs.get(input),
    'runs.metrics': (input) => runs.metrics(input),
    'runs.delete': (input) => jobs.delete(input),
    'runs.tag': (input) => runs.tag(input),
    'runs.note': (input) => runs.note(input),
    'runs.start': (input) => jobs.start(input),
    'runs.stop': (input) => jobs.stop(input),
    'runs.pause': (input) => jobs.pause(input),
    'runs.resume': (input) => jobs.resume(input),
    'runs.archive': (input) => runs.archive(input),
    'runs.estimate': async (input) => estimateModel(input),
    'jobs.status': () => jobs.status(),
    'jobs.setConcurrency': (input) => jobs.setConcurrency(input),
  };
}

/** A service that trains some runs in the lab's own process (until they go through the scheduler). */
export interface LocalTrainer {
  /** true when the run is one of its own and was told to stop or pause */
  stopLocal(runId: number, kind?: 'stop' | 'pause'): boolean;
  /** true when the run is one of its own and was resumed */
  resumeLocal(runId: number): boolean | Promise<boolean>;
}

/** runs.stop/pause/resume that first ask the in-process trainers (static embeddings, fine-tunes), then the job
 *  service; spread after runHandlers, so these win. */
export function localRunControls(locals: LocalTrainer[], runs: RunService, jobs: JobService): Pick<Handlers, 'runs.stop' | 'runs.pause' | 'runs.resume'> {
  const local = async (act: (t: LocalTrainer) => boolean | Promise<boolean>): Promise<boolean> => {
    for (const t of locals) if (await act(t)) return true;
    return false;
  };
  return {
    'runs.stop': async (input) => ((await local((t) => t.stopLocal(input.id))) ? runs.run(input.id) : jobs.stop(input)),
    'runs.pause': async (input) => ((await local((t) => t.stopLocal(input.id, 'pause'))) ? runs.run(input.id) : jobs.pause(input)),
    'runs.resume': async (input) => ((await local((t) => t.resumeLocal(input.id))) ? runs.run(input.id) : jobs.resume(input)),
  };
}
