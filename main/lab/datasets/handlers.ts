// The datasets.* channels, each answered by the dataset service.
import type { datasetChannels, Handlers } from '../../../common/api';
import type { DatasetService } from './service';

export function datasetHandlers(datasets: DatasetService): Pick<Handlers, keyof typeof datasetChannels> {
  return {
    'datasets.list': () => datasets.list(),
    'datasets.get': (input) => datasets.get(input),
    'datasets.inspect': (input) => datasets.inspect(input),
    'datasets.import': (input) => datasets.import(input),
    'datasets.samples': () => datasets.samples(),
    'datasets.importSample': (input) => datasets.importSample(input),
    'datasets.documents': (input) => datasets.documents(input),
    'datasets.split': (input) => datasets.split(input),
    'datasets.rename': (input) => datasets.rename(input),
    'datasets.delete': (input) => datasets.delete(input),
    'datasets.export': (input) => datasets.export(input),
  };
}
