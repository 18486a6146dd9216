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
