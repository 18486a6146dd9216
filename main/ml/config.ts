// Model memory: what a training run of a config needs (weights, optimizer, activations) against what the machine has.
// The config itself, its presets and parameter count are shared with the renderer: common/model-config.ts.
import { freemem } from 'node:os';
import { parameterCount, type ModelConfig } from '../../common/model-config';
import { activationSpecs, scratchSpecs } from './activations';
import { LabError } from '../../common/errors';

export interface MemoryEstimate {
  parameters: number;
  /** bytes for weights, gradients and the two AdamW moments (4 copies of float32) */
  weightBytes: number;
  /** bytes for forward activations and backward scratch at (batch, contextLength) */
  activationBytes: number;
  totalBytes: number;
}

/** Bytes a training run of this config needs at the given batch size: exactly what the model allocates for
 *  weights, gradients and AdamW moments, forward activations, backward scratch and dropout masks at full context. */
export function memoryEstimate(c: ModelConfig, batch: number): MemoryEstimate {
  const parameters = parameterCount(c);
  const weightBytes = parameters * 4 * 4;
  const T = c.contextLength;
  const maskBytes = c.dropout > 0 ? (1 + 2 * c.nLayer) * batch * T * c.dModel : 0;
  const activationBytes = (activationSpecs(c, batch, T).total + scratchSpecs(c, batch, T).total) * 4 + maskBytes;
  return { parameters, weightBytes, activationBytes, totalBytes: weightBytes + activationBytes };
}

/** Refuses up front a run whose estimated memory exceeds what is available (default: the free memory now). */
export function assertFitsInMemory(c: ModelConfig, batch: number, availableBytes: number = freemem()): MemoryEstimate {
  const est = memoryEstimate(c, batch);
  if (est.totalBytes > availableBytes) {
    throw new LabError('invalid_input', `This model needs about ${memorySize(est.totalBytes)} to train at batch ${batch} (${memorySize(est.weightBytes)} weights and optimizer, ${memorySize(est.activationBytes)} activations), but only ${memorySize(availableBytes)} is available; choose a smaller preset, batch or context.`, { field: 'preset' });
  }
  return est;
}

/** Memory in binary units, as the estimate is stated: "1.5 GiB". */
function memorySize(n: number): string {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(1)} GiB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(1)} MiB`;
  return `${(n / 1024).toFixed(1)} KiB`;
}
