// The finetune.* channels, joined to the lab's handler table in lab/index.ts.
import type { Handlers } from '../../../common/api';
import type { FinetuneService } from './service';

type FinetuneChannel = 'finetune.start' | 'finetune.baseline' | 'finetune.list' | 'finetune.report';

export function finetuneHandlers(service: FinetuneService): Pick<Handlers, FinetuneChannel> {
  return {
    'finetune.start': (input) => service.start(input),
    'finetune.baseline': (input) => service.baseline(input),
    'finetune.list': () => service.list(),
    'finetune.report': (input) => service.report(input),
  };
}
