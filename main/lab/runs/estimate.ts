// What a model of a preset and custom size would cost before anything is trained: parameters and training memory of
// both families at the preset's batch, against the machine's free memory (the wizard's live estimate; runs.estimate).
import { freemem } from 'node:os';
import type { ChannelArgs, ChannelOutput } from '../../../common/api';
import { presetConfig } from '../../../common/model-config';
import { checkedSize } from '../../../common/model-size';
import { memoryEstimate } from '../../ml/config';
import { trainingSettings } from './training';

export function estimateModel(input: ChannelArgs<'runs.estimate'>, availableBytes: number = freemem()): ChannelOutput<'runs.estimate'> {
  const shape = checkedSize(input.preset, input.size);
  const of = (family: 'gpt' | 'bert'): { parameters: number; memoryBytes: number; batchSize: number } => {
    const batchSize = trainingSettings({ steps: 1 }, input.preset, family).batchSize;
    const est = memoryEstimate(presetConfig(input.preset, family, input.vocabSize, 1337, shape), batchSize);
    return { parameters: est.parameters, memoryBytes: est.totalBytes, batchSize };
  };
  const gpt = of('gpt');
  const bert = of('bert');
  return {
    shape, batchSize: gpt.batchSize, vocabSize: input.vocabSize,
    gpt: { parameters: gpt.parameters, memoryBytes: gpt.memoryBytes }, bert: { parameters: bert.parameters, memoryBytes: bert.memoryBytes }, availableBytes,
  };
}
