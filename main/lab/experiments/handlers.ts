// The experiments.* channels and the probes of an experiment's runs.
import type { experimentChannels, Handlers } from '../../../common/api';
import type { LabContext } from '../app/context';
import { probeContinue, probeFill } from './probes';
import type { ExperimentService } from './service';

export function experimentHandlers(ctx: LabContext, experiments: ExperimentService): Pick<Handlers, keyof typeof experimentChannels> {
  return {
    'experiments.create': (input) => experiments.create(input),
    'experiments.list': () => experiments.list(),
    'experiments.get': (input) => experiments.get(input),
    'experiments.measure': (input) => experiments.measure(input),
    'probe.fill': async (input) => probeFill(ctx, input),
    'probe.continue': async (input) => probeContinue(ctx, input),
  };
}
