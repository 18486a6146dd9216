// The event names of the API contract, listed without importing zod into the renderer bundle.
import type { EventName } from '../../common/api';

/** Keep in step with `events` in common/api (index.ts); the Record type makes a missing or unknown name a type error. */
const names: Record<EventName, true> = {
  'task.progress': true,
  'datasets.changed': true,
  'tokenizers.changed': true,
  'runs.changed': true,
  'runs.metrics': true,
  'runs.log': true,
  'experiments.changed': true,
  'reports.changed': true,
  'projector.frame': true,
  'projector.done': true,
  'projector.failed': true,
  'seq2seq.changed': true,
};

export const eventNames = Object.keys(names) as EventName[];
