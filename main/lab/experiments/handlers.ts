// The experiments.* channels, and the probes of runs (answered by the analysis service in its worker process).
import type { experimentChannels, Handlers } from '../../../common/api';
import type { AnalysisService } from '../analysis/service';
import type { ExperimentService } from './service';

export function experimentHandlers(experiments: ExperimentService, analysis: AnalysisService): Pick<Handlers, keyof typeof experimentChannels> {
  return {
    'experiments.create': (input) => experiments.create(input),
    'experiments.list': () => experiments.list(),
    'experiments.get': (input) => experiments.get(input),
    'experiments.measure': (input) => experiments.measure(input),
    'probe.fill': (input) => analysis.probeFill(input),
    'probe.continue': (input) => analysis.probeContinue(input),
  };
}
