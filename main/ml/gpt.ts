// GPT: decoder-only, causal self-attention, next-token loss, output head tied to the token embedding (logits = h wte^T).
import type { Kernels } from '../../native-kernels/kernels';
import type { ModelConfig } from '../../common/model-config';
import { TransformerBase, type Batch, type ForwardOptions, type TransformerModel } from './model';
import { LabError } from '../../common/errors';

export class GptModel extends TransformerBase implements TransformerModel {
  /** final hidden states (B,T,C) of the latest forward, the head's input */
  private hidden: Float32Array | null = null;

  constructor(k: Kernels, config: ModelConfig, init = true) {
    if (config.family !== 'gpt') throw new LabError('invalid_input', `GptModel needs a config with family "gpt", got "${config.family}".`, { field: 'family' });
    super(k, config, init);
  }

  /** batch.targets (B,T) are the tokens one step ahead; padding is not used by GPT. */
  forward(batch: Batch, opts: ForwardOptions = {}): number {
    this.prepare(batch, opts);
    const { B, T, C } = this.dims;
    const hidden = this.encode(batch);
    this.hidden = hidden;
    this.linear(this.acts.view('logits'), hidden, 'wte', null, B * T, C, this.config.vocabSize);
    if (batch.targets === null) return Number.NaN;
    return this.lossForward(batch.targets, B * T);
  }

  backward(): void {
    const batch = this.requireForwardWithTargets();
    const { B, T, C } = this.dims;
    const BT = B * T;
    const dlogits = this.lossBackward(batch.targets as Int32Array, BT);
    const hidden = this.hidden as Float32Array;
    const dhidden = this.scratch.view('dtmp');
    this.k.matmulBackward(dhidden, this.grads.view('wte'), null, dlogits, hidden, this.params.view('wte'), BT, C, this.config.vocabSize);
    this.encodeBackward(dhidden);
  }
}
