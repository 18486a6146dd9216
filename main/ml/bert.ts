// BERT: encoder with bidirectional attention and a padding (key) mask, masked-LM loss, optional segment embeddings,
// MLM head as HF BertForMaskedLM (dense + GELU + LayerNorm, then tied decoder wte^T + bias), and a [CLS] pooler.
// With targets, the MLM head runs only on the rows that have a target (about 15%), as the loss ignores the rest.
import type { Kernels } from '../../native-kernels/kernels';
import type { ModelConfig } from './config';
import { IGNORE_INDEX, TransformerBase, type Batch, type ForwardOptions, type TransformerModel } from './model';
import { LabError } from '../lab/errors';

export class BertModel extends TransformerBase implements TransformerModel {
  /** final hidden states (B,T,C) of the latest forward, the heads' input */
  private hidden: Float32Array | null = null;
  /** flat positions whose rows went through the MLM head (null = all B*T) and their targets */
  private rows: Int32Array | null = null;
  private rowTargets = new Int32Array(0);
  /** true (default): the last block's backward runs above its attention on the rows with a target only, the others
   *  carrying an exactly zero gradient there (see blockBackward); false: on every row, as a dense autograd does. The
   *  gradients agree to rounding (the tests compare the two). */
  skipZeroRows = true;

  constructor(k: Kernels, config: ModelConfig, init = true) {
    if (config.family !== 'bert') throw new LabError('invalid_input', `BertModel needs a config with family "bert", got "${config.family}".`, { field: 'family' });
    super(k, config, init);
  }

  /** batch.targets (B,T): the original token at masked positions, IGNORE_INDEX elsewhere (see masking.ts).
   *  Without targets, logits() covers every position; with them, only the masked rows (logitRows()). */
  forward(batch: Batch, opts: ForwardOptions = {}): number {
    this.prepare(batch, opts);
    const k = this.k;
    const { B, T, C } = this.dims;
    const a = this.acts;
    const P = (n: string): Float32Array => this.params.view(n);
    const hidden = this.encode(batch);
    this.hidden = hidden;
    let headIn = hidden;
    let M = B * T;
    this.rows = null;
    if (batch.targets !== null) {
      this.gatherRows(batch.targets, hidden);
      M = this.rowTargets.length;
      headIn = a.view('mlm.in');
      if (M === 0) return 0;
    }
    this.linear(a.view('mlm.dense'), headIn, 'mlm.dense.weight', P('mlm.dense.bias'), M, C, C);
    k.geluForward(a.view('mlm.gelu'), a.view('mlm.dense'), M * C);
    k.layernormForward(a.view('mlm.ln'), a.view('mlm.ln.mean'), a.view('mlm.ln.rstd'), a.view('mlm.gelu'), P('mlm.ln.weight'), P('mlm.ln.bias'), M, C);
    this.linear(a.view('logits'), a.view('mlm.ln'), 'wte', P('mlm.bias'), M, C, this.config.vocabSize);
    if (batch.targets === null) return Number.NaN;
    return this.lossForward(this.rowTargets, M);
  }

  override logitRows(): Int32Array | null {
    return this.rows;
  }

  /** Copies the hidden rows that have a target into mlm.in (M,C) and records their positions and targets. */
  private gatherRows(targets: Int32Array, hidden: Float32Array): void {
    const C = this.dims.C;
    const positions: number[] = [];
    for (let i = 0; i < targets.length; i++) if (targets[i] !== IGNORE_INDEX) positions.push(i);
    this.rows = Int32Array.from(positions);
    this.rowTargets = Int32Array.from(positions, (i) => targets[i]);
    const gathered = this.acts.view('mlm.in');
    positions.forEach((pos, r) => gathered.set(hidden.subarray(pos * C, (pos + 1) * C), r * C));
  }

  backward(): void {
    this.requireForwardWithTargets();
    const k = this.k;
    const C = this.dims.C;
    const a = this.acts;
    const P = (n: string): Float32Array => this.params.view(n);
    const G = (n: string): Float32Array => this.grads.view(n);
    const S = (n: string): Float32Array => this.scratch.view(n);
    const M = this.rowTargets.length;
    const dhidden = S('dtmp');
    dhidden.fill(0);
    if (M > 0) {
      const dlogits = this.lossBackward(this.rowTargets, M);
      k.matmulBackward(S('dmlm.ln'), G('wte'), G('mlm.bias'), dlogits, a.view('mlm.ln'), P('wte'), M, C, this.config.vocabSize);
      k.layernormBackward(S('dmlm.gelu'), G('mlm.ln.weight'), G('mlm.ln.bias'), S('dmlm.ln'), a.view('mlm.gelu'), P('mlm.ln.weight'), a.view('mlm.ln.mean'), a.view('mlm.ln.rstd'), M, C);
      k.geluBackward(S('dmlm.dense'), a.view('mlm.dense'), S('dmlm.gelu'), M * C);
      const din = S('dmlm.in');
      k.matmulBackward(din, G('mlm.dense.weight'), G('mlm.dense.bias'), S('dmlm.dense'), a.view('mlm.in'), P('mlm.dense.weight'), M, C, C);
      (this.rows as Int32Array).forEach((pos, r) => dhidden.set(din.subarray(r * C, (r + 1) * C), pos * C));
    }
    // Only the rows with a target reach the loss: dhidden is zero elsewhere, and the last block's backward skips them.
    this.encodeBackward(dhidden, this.skipZeroRows ? this.rows : null);
  }

  /** The [CLS] pooler of the latest forward: tanh(dense(h[:, 0])), shape (B,C). Used by fine-tuning, not by MLM. */
  pooled(): Float32Array {
    if (this.hidden === null) throw new LabError('internal', 'pooled() needs a forward() first.');
    const { B, T, C } = this.dims;
    const cls = new Float32Array(B * C);
    for (let b = 0; b < B; b++) cls.set(this.hidden.subarray(b * T * C, b * T * C + C), b * C);
    const out = new Float32Array(B * C);
    this.linear(out, cls, 'pooler.dense.weight', this.params.view('pooler.dense.bias'), B, C, C);
    for (let i = 0; i < out.length; i++) out[i] = Math.tanh(out[i]);
    return out;
  }
}
