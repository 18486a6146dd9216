// The JS reference backend: every kernel as a plain loop, assembled into one `Kernels` object (backend 'js').

import type { Kernels } from '../kernels';
import { sgemm, matmulForward, matmulBackward, packLinearWeight, matmulForwardPacked } from './matmul';
import { embeddingForward, embeddingBackward } from './embedding';
import { layernormForward, layernormBackward } from './layernorm';
import { geluForward, geluBackward, residualForward } from './activation';
import { attentionForward, attentionBackward, attentionRowsForward, attentionRowsBackward } from './attention';
import { dropoutForward, dropoutBackward } from './dropout';
import { crossEntropyForward, crossEntropyBackward } from './crossentropy';
import { adamwUpdate, sumSquares, scale } from './optimizer';
import * as alignment from './alignment';
import { jsRnnKernels } from './rnn';

let jsThreads = 1;

export const jsKernels: Kernels = {
  backend: 'js',
  setThreads(n: number): void {
    jsThreads = n;
  },
  getThreads(): number {
    return jsThreads;
  },
  adviseHugePages(): void {
    // Plain JS memory: nothing to advise.
  },
  sgemm,
  matmulForward,
  matmulBackward,
  embeddingForward,
  embeddingBackward,
  layernormForward,
  layernormBackward,
  geluForward,
  geluBackward,
  residualForward,
  attentionForward,
  attentionBackward,
  attentionRowsForward,
  attentionRowsBackward,
  dropoutForward,
  dropoutBackward,
  crossEntropyForward,
  crossEntropyBackward,
  adamwUpdate,
  sumSquares,
  scale,
  packLinearWeight,
  matmulForwardPacked,
  ...alignment,
  ...jsRnnKernels,
};
