// Public surface of the models package: configs, GPT/BERT, training, checkpoints, sampling (import from here).
export {
  PRESETS, presetConfig, validateConfig, parameterCount, formatParameterCount,
  type ModelConfig, type ModelFamily, type PresetName, type PositionKind, type NormPlacement,
} from '../../common/model-config';
export { memoryEstimate, assertFitsInMemory, type MemoryEstimate } from './config';
export { parameterSpecs, sinusoidalTable, NamedBuffer, TensorTable, type TensorSpec } from './params';
export { IGNORE_INDEX, type Batch, type ForwardOptions, type TransformerModel } from './model';
export { GptModel } from './gpt';
export { BertModel } from './bert';
export { maskTokens, type MaskingOptions, type MaskedTokens } from './masking';
export { AdamW, DEFAULT_ADAMW, learningRate, clipGradients, gradientClip, type AdamWSettings, type AdamWState, type LrSchedule } from './optimizer';
export { gptBatches, bertBatches, type SpecialIds, type BatchSource } from './batches';
export {
  Trainer, type TrainData, type TrainOptions, type StepMetrics, type EvalMetrics, type TrainResult, type TrainerState,
} from './train';
export {
  CHECKPOINT_FORMAT, writeSafetensors, readSafetensors, saveCheckpoint, loadCheckpoint, loadModel, loadWeightsInto, createModel,
  type NamedTensor, type SafetensorsFile, type LoadOptions,
} from './checkpoint';
export { generate, fillMask, type GenerateOptions, type MaskPrediction } from './sample';
export { Rng, mixSeed } from './rng';
export * from './rnn/index';
