// BERT: encoder with bidirectional attention and a padding (key) mask, masked-LM loss, optional segment embeddings,
// MLM head as HF BertForMaskedLM (dense + GELU + LayerNorm, then tied decoder wte^T + bias), and a [CLS] pooler.
// With targets, the MLM head runs only on the rows that have a target (about 15%), as the loss ignores the rest, and
// so does the last block above its keys and values (lossRowsOnly).
import type { Kernels } from '../../native-kernels/kernels';
import type { ModelConfig } from '../../common/model-config';
import { IGNORE_INDEX, TransformerBase, type Batch, type ForwardOptions, type TransformerModel } from './model';
import { LabError } from '../../common/errors';

export class BertModel extends TransformerBase implements TransformerModel {
  /** final hidden states of the latest forward: (B,T,C), or (M,C) for the rows in `rows` when the last block ran on
   *  those rows alone (hiddenRowsOnly) */
  private hidden: Float32Array | null = null;
  private hiddenRowsOnly = false;
  /** the MLM head's input rows of the latest forward (M,C) */
  private headIn: Float32Array | null = null;
  /** flat positions whose rows went through the MLM head (null = all B*T) and their targets */
  private rows: Int32Array | null = null;
  private rowTargets = new Int32Array(0);
  /** true (default): in a pass with targets, the last block computes its queries, attention output and
   *  everything above them only for the rows with a target (blockForwardRows), since no other row of it reaches the
   *  loss; its keys and values, and every earlier block, still cover every row. Loss and gradients agree with the
   *  full pass to float rounding (the tests compare the two). false: every row, as a dense framework computes it.
   *  After such a pass the last layer's activations hold those rows only (see blockForwardRows), and pooled() needs
   *  a pass without targets. */
  lossRowsOnly = true;

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
    const rows = batch.targets === null ? null : this.collectRows(batch.targets);
    const rowsOnly = rows !== null && rows.length > 0 && this.lossRowsOnly && this.canRunRows();
    const hidden = this.encode(batch, rowsOnly ? rows : null);
    this.hidden = hidden;
    this.hiddenRowsOnly = rowsOnly;
    let headIn = hidden;
    let M = B * T;
    if (rows !== null) {
      M = rows.length;
      if (M === 0) return 0;
      if (!rowsOnly) headIn = this.gatherRows(hidden, rows);
    }
    this.headIn = headIn;
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

  /** Records (and returns) the positions that have a target, and their targets. */
  private collectRows(targets: Int32Array): Int32Array {
    const positions: number[] = [];
    for (let i = 0; i < targets.length; i++) if (targets[i] !== IGNORE_INDEX) positions.push(i);
    this.rows = Int32Array.from(positions);
    this.rowTargets = Int32Array.from(positions, (i) => targets[i]);
    return this.rows;
  }

  /** Copies the rows `rows` of hidden (B,T,C) into mlm.in (M,C). */
  private gatherRows(hidden: Float32Array, rows: Int32Array): Float32Array {
    const C = this.dims.C;
    const gathered = this.acts.view('mlm.in');
    rows.forEach((pos, r) => gathered.set(hidden.subarray(pos * C, (pos + 1) * C), r * C));
    return gathered.subarray(0, rows.length * C);
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
    // Only the rows with a target reach the loss: the gradient of every other row's hidden state is zero.
    const dhidden = S('dtmp');
    if (M === 0) {
      this.encodeBackward(dhidden.fill(0));
      return;
    }
    const dlogits = this.lossBackward(this.rowTargets, M);
    k.matmulBackward(S('dmlm.ln'), G('wte'), G('mlm.bias'), dlogits, a.view('mlm.ln'), P('wte'), M, C, this.config.vocabSize);
    k.layernormBackward(S('dmlm.gelu'), G('mlm.ln.weight'), G('mlm.ln.bias'), S('dmlm.ln'), a.view('mlm.gelu'), P('mlm.ln.weight'), a.view('mlm.ln.mean'), a.view('mlm.ln.rstd'), M, C);
    k.geluBackward(S('dmlm.dense'), a.view('mlm.dense'), S('dmlm.gelu'), M * C);
    const din = S('dmlm.in');
    k.matmulBackward(din, G('mlm.dense.weight'), G('mlm.dense.bias'), S('dmlm.dense'), this.headIn as Float32Array, P('mlm.dense.weight'), M, C, C);
    const rows = this.rows as Int32Array;
    if (this.hiddenRowsOnly) {
      this.encodeBackward(din, rows);
      return;
    }
    dhidden.fill(0);
    rows.forEach((pos, r) => dhidden.set(din.subarray(r * C, (r + 1) * C), pos * C));
    this.encodeBackward(dhidden);
  }

  /** The [CLS] pooler of the latest forward: tanh(dense(h[:, 0])), shape (B,C). Used by fine-tuning, not by MLM. */
  pooled(): Float32Array {
    if (this.hidden === null) throw new LabError('internal', 'pooled() needs a forward() first.');
    if (this.hiddenRowsOnly) {
      throw new LabError('internal', 'pooled() reads every sequence\'s [CLS] state, but the latest forward() computed the last block for the rows with a target only; run forward() without targets (or with lossRowsOnly = false) first.');
    }
    const { B, T, C } = this.dims;
    const cls = new Float32Array(B * C);
    for (let b = 0; b < B; b++) cls.set(this.hidden.subarray(b * T * C, b * T * C + C), b * C);
    const out = new Float32Array(B * C);
    this.linear(out, cls, 'pooler.dense.weight', this.params.view('pooler.dense.bias'), B, C, C);
    for (let i = 0; i < out.length; i++) out[i] = Math.tanh(out[i]);
    return out;
  }
}
