// Activation and backward-scratch layouts for one (B, T): every forward value a backward pass or a viewer needs.
//
// Forward activations (one Float32Array; BT = B*T rows, L layers):
//   encoded (BT,C) embeddings sum · encoded.drop (BT,C) · ln_e, ln_e.mean, ln_e.rstd (post-LN)
//   per layer h.{i}.: ln_1 (BT,C) ln_1.mean ln_1.rstd (BT) · qkv (BT,3C) · atty (BT,C)   (no pre-softmax scores:
//     attentionForward is given preatt = null, nothing reads them, and they were L*B*NH*T*T floats)
//     attproj (BT,C) · attproj.drop · res1 (BT,C) · ln_2 (BT,C) ln_2.mean ln_2.rstd · fch (BT,F) · fch.gelu (BT,F)
//     fcproj (BT,C) · fcproj.drop · res2 (BT,C)          (.drop views exist only when dropout > 0)
//   att (L,B,NH,T,T)  softmax attention probabilities of every layer, read by the viewers after a forward pass
//   ln_f, ln_f.mean, ln_f.rstd (pre-LN) · BERT: mlm.in, mlm.dense, mlm.gelu, mlm.ln (BT,C) mlm.ln.mean mlm.ln.rstd
//   logits (BT,V) · probs (BT,V) · losses (BT)
//   (BERT training runs its MLM head on the M masked rows only: the mlm.*, logits, probs, losses views then hold M rows
//   at their start, gathered into mlm.in. With lossRowsOnly, its last layer runs those rows too (blockForwardRows):
//   that layer's qkv holds kv (BT,2C) then q (M,C), its att each head's M_b rows, and atty, attproj, res1, ln_2, fch,
//   fch.gelu, fcproj, res2 and ln_f hold M rows at their start.)
// Dropout keep-masks (one Uint8Array): encoded, h.{i}.attn, h.{i}.mlp, each (BT,C).
// Backward scratch (one Float32Array), reused layer after layer: dres.a, dres.b, dsum, dtmp, dtmp2, dln (BT,C),
//   dqkv (BT,3C) (the attention backward keeps its score gradients in its own per-head scratch), dfch, dfch.gelu (BT,F), dlogits (BT,V), and BERT head dmlm.* (BT,C)
//   (M rows used when only the masked rows run through the head).
import type { ModelConfig } from '../../common/model-config';
import { NamedBuffer, TensorTable } from './params';

export function activationSpecs(c: ModelConfig, B: number, T: number): TensorTable {
  const t = new TensorTable();
  const C = c.dModel;
  const BT = B * T;
  const drop = c.dropout > 0;
  t.add('encoded', [B, T, C]);
  if (drop) t.add('encoded.drop', [B, T, C]);
  if (c.norm === 'post') addNorm(t, 'ln_e', BT, C);
  for (let i = 0; i < c.nLayer; i++) {
    const p = `h.${i}.`;
    addNorm(t, p + 'ln_1', BT, C);
    t.add(p + 'qkv', [B, T, 3 * C]);
    t.add(p + 'atty', [B, T, C]);
    t.add(p + 'attproj', [B, T, C]);
    if (drop) t.add(p + 'attproj.drop', [B, T, C]);
    t.add(p + 'res1', [B, T, C]);
    addNorm(t, p + 'ln_2', BT, C);
    t.add(p + 'fch', [B, T, c.dFF]);
    t.add(p + 'fch.gelu', [B, T, c.dFF]);
    t.add(p + 'fcproj', [B, T, C]);
    if (drop) t.add(p + 'fcproj.drop', [B, T, C]);
    t.add(p + 'res2', [B, T, C]);
  }
  t.add('att', [c.nLayer, B, c.nHead, T, T]);
  if (c.norm === 'pre') addNorm(t, 'ln_f', BT, C);
  if (c.family === 'bert') {
    t.add('mlm.in', [B, T, C]);
    t.add('mlm.dense', [B, T, C]);
    t.add('mlm.gelu', [B, T, C]);
    addNorm(t, 'mlm.ln', BT, C);
  }
  t.add('logits', [B, T, c.vocabSize]);
  t.add('probs', [B, T, c.vocabSize]);
  t.add('losses', [B, T]);
  return t;
}

function addNorm(t: TensorTable, name: string, BT: number, C: number): void {
  t.add(name, [BT, C]);
  t.add(name + '.mean', [BT]);
  t.add(name + '.rstd', [BT]);
}

export function scratchSpecs(c: ModelConfig, B: number, T: number): TensorTable {
  const t = new TensorTable();
  const C = c.dModel;
  for (const n of ['dres.a', 'dres.b', 'dsum', 'dtmp', 'dtmp2', 'dln']) t.add(n, [B, T, C]);
  t.add('dqkv', [B, T, 3 * C]);
  t.add('dfch', [B, T, c.dFF]);
  t.add('dfch.gelu', [B, T, c.dFF]);
  t.add('dlogits', [B, T, c.vocabSize]);
  if (c.family === 'bert') for (const n of ['dmlm.ln', 'dmlm.gelu', 'dmlm.dense', 'dmlm.in']) t.add(n, [B, T, C]);
  return t;
}

/** Byte offsets of the dropout keep-masks: one (BT,C) Uint8 block per dropout site. */
export class MaskBuffer {
  readonly data: Uint8Array;
  private readonly index = new Map<string, number>();

  constructor(c: ModelConfig, B: number, T: number) {
    const n = B * T * c.dModel;
    const names = ['encoded'];
    for (let i = 0; i < c.nLayer; i++) names.push(`h.${i}.attn`, `h.${i}.mlp`);
    this.data = new Uint8Array(c.dropout > 0 ? n * names.length : 0);
    names.forEach((name, j) => this.index.set(name, j * n));
    this.size = n;
  }

  readonly size: number;

  view(name: string): Uint8Array {
    const off = this.index.get(name);
    if (off === undefined) throw new Error(`No dropout mask named "${name}".`);
    return this.data.subarray(off, off + this.size);
  }
}

/** Grows-only storage: a new (B,T) reuses the old Float32Array when it is large enough. */
export function namedBufferIn(table: TensorTable, previous: NamedBuffer | null): NamedBuffer {
  const backing = previous !== null && previous.data.buffer.byteLength >= table.total * 4
    ? new Float32Array(previous.data.buffer, 0, table.total)
    : new Float32Array(table.total);
  return new NamedBuffer(table, backing);
}
