// The finetune.* channels, joined to the lab's handler table in lab/index.ts.
import type { Handlers } from '../../../common/api';
import type { LabContext } from '../app/context';
import { finetuneCompare } from './compare';
import type { FinetuneExperimentService } from './experiment';
import type { FinetuneService } from './service';

type FinetuneChannel = 'finetune.start' | 'finetune.baseline' | 'finetune.compare' | 'finetune.list' | 'finetune.report'
  | 'finetune.experiment.start' | 'finetune.experiment.list';

export function finetuneHandlers(ctx: LabContext, service: FinetuneService, experiments: FinetuneExperimentService): Pick<Handlers, FinetuneChannel> {
  // a call's lines go out as runs.log with the caller's taskId (the CLI prints those of its own call)
  const logTo = (taskId: string | undefined) => (line: string): void => ctx.emit('runs.log', { runId: null, taskId: taskId ?? null, line });
  return {
    'finetune.start': ({ taskId, ...input }) => service.start(input, logTo(taskId)),
    'finetune.baseline': ({ taskId, ...input }) => service.baseline(input, logTo(taskId)),
    'finetune.compare': async ({ taskId, ...input }) => ({ curve: await finetuneCompare(service, input, logTo(taskId)) }),
    'finetune.list': () => service.list(),
    'finetune.report': (input) => service.report(input),
    'finetune.experiment.start': ({ taskId, ...input }) => experiments.start(input, logTo(taskId)),
    'finetune.experiment.list': () => experiments.list(),
  };
}
