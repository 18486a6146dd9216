// The finetune.* channels, joined to the lab's handler table in lab/index.ts.
import type { Handlers } from '../../../common/api';
import type { FinetuneExperimentService } from './experiment';
import type { FinetuneService } from './service';

type FinetuneChannel = 'finetune.start' | 'finetune.baseline' | 'finetune.list' | 'finetune.report' | 'finetune.experiment.start' | 'finetune.experiment.list';

export function finetuneHandlers(service: FinetuneService, experiments: FinetuneExperimentService): Pick<Handlers, FinetuneChannel> {
  return {
    'finetune.start': (input) => service.start(input),
    'finetune.baseline': (input) => service.baseline(input),
    'finetune.list': () => service.list(),
    'finetune.report': (input) => service.report(input),
    'finetune.experiment.start': (input) => experiments.start(input),
    'finetune.experiment.list': () => experiments.list(),
  };
}
