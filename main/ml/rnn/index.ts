// Public surface of the recurrent models: layer specs and tensors, whole-sequence stacks, step-by-step decoders,
// the RNN language model and its config.
export {
  addRecurrentParams, recurrentParameterCount, recurrentTensorName, initRecurrentParams, layerTensor, validateRecurrentSpec,
  gatesOf, directionsOf, type RecurrentSpec, type RecurrentCell,
} from './spec';
export { RecurrentStack, stackLayout, type RecurrentRun, type RecurrentGradients } from './stack';
export { RecurrentStepper, type StepperRun } from './stepper';
export {
  RNN_FAMILIES, RNN_PRESETS, isRnnFamily, rnnPresetConfig, validateRnnConfig, rnnParameterCount,
  type RnnConfig, type RnnFamily, type RnnPresetName,
} from '../../../common/rnn-config';
export { RnnLanguageModel, rnnParameterTable, type RnnState } from './lm';
export { continueRnn } from './sample';
export { rnnMemoryEstimate, lmLayout } from './lm';
