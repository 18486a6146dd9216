// The PyTorch export as a one-shot worker task (tasks.ts 'torchExport'): the scale service hands over each dataset's
// split texts and its tokenizer; this process tokenizes them as the lab's training data is tokenized (one id array per
// text) and writes the project with main/scale's writer (token shards, initial weights, the run's checkpoint, scripts),
// so a large corpus neither blocks the lab's own process nor takes it down.
import { loadTokenizer } from '../../data/tokenizers/index';
import { getKernels } from '../../../native-kernels/index';
import { writeTorchProject, type ExportData, type TorchExportBundle, type TorchExportResult } from '../../scale/torch-export';

/** One dataset's splits as texts (documents, or the joined runs of a continuous text) and the tokenizer to encode them. */
export interface ExportTextData extends Omit<ExportData, 'train' | 'validation'> {
  train: string[];
  validation: string[];
}

export interface TorchExportTaskInput {
  /** absolute folder to write */
  dir: string;
  force: boolean;
  bundle: Omit<TorchExportBundle, 'data'> & { data: ExportTextData[] };
}

export function runTorchExport(input: TorchExportTaskInput): TorchExportResult {
  const data: ExportData[] = input.bundle.data.map((d) => {
    const tokenizer = loadTokenizer(d.tokenizerJson);
    const encode = (texts: string[]): Int32Array[] => texts.map((t) => tokenizer.encode(t).ids);
    return { ...d, train: encode(d.train), validation: encode(d.validation) };
  });
  return writeTorchProject(getKernels(), input.dir, { ...input.bundle, data }, { force: input.force });
}
