// The scale.* channels (PyTorch DDP export and import), each answered by the scale service.
import type { Handlers, scaleChannels } from '../../../common/api';
import type { ScaleService } from './service';

export function scaleHandlers(scale: ScaleService): Pick<Handlers, keyof typeof scaleChannels> {
  return {
    'scale.exportTorch': (input) => scale.exportTorch(input),
    'scale.importTorch': (input) => scale.importTorch(input),
  };
}
