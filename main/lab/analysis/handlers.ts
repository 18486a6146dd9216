// The analysis.* channels, each answered by the analysis service (which hands the work to its worker process).
import type { analysisChannels, Handlers } from '../../../common/api';
import type { AnalysisService } from './service';

export function analysisHandlers(analysis: AnalysisService): Pick<Handlers, keyof typeof analysisChannels> {
  return {
    'analysis.checkpoints': (input) => analysis.checkpoints(input),
    'analysis.attention': (input) => analysis.attention(input),
    'analysis.headSteps': (input) => analysis.headSteps(input),
    'analysis.onnxInspect': (input) => analysis.onnxInspect(input),
    'analysis.onnxRun': (input) => analysis.onnxRun(input),
    'analysis.exportOnnx': (input) => analysis.exportOnnx(input),
    'analysis.matrix': (input) => analysis.matrix(input),
    'analysis.thumbnails': (input) => analysis.thumbnails(input),
  };
}
