// One Transformer block (self-attention + GELU MLP, pre- or post-LayerNorm): forward and backward with the kernels.
//
// pre-LN:  res1 = x + drop(attn(LN1(x)))        out = res2 = res1 + drop(mlp(LN2(res1)))
// post-LN: res1 = x + drop(attn(x)); l1 = LN1(res1)   res2 = l1 + drop(mlp(l1)); out = LN2(res2)
// attn(a) = c_proj(softmax(q k^T / sqrt(hs) + mask) v), q|k|v = c_attn(a); mlp(a) = c_proj(gelu(c_fc(a))).
import type { F32, Kernels } from '../../native-kernels/kernels';
import type { NormPlacement } from './config';
import type { MaskBuffer } from './activations';
import type { NamedBuffer } from './params';

export interface BlockDims {
  B: number;
  T: number;
  C: number;
  NH: number;
  F: number;
}

/** How the blocks run in this pass. */
export interface BlockRun {
  norm: NormPlacement;
  causal: boolean;
  /** (B,T) 1 = real token, 0 = padding; padding is masked as a key */
  keyMask: Uint8Array | null;
  /** dropout probability actually applied (0 at evaluation) */
  dropout: number;
  /** base seed of this pass; each layer and site derives its own */
  seed: number;
  /** false for a pass that no backward will follow (no targets): every layer then reuses layer 0's buffers for its
   *  temporaries, so the pass touches a fraction of the memory and stays in cache. Kept per layer either way:
   *  qkv, the attention probabilities and the block output (res2, or ln_2 for post-LN), which the viewers read. */
  keepAll: boolean;
}

/** Everything a block reads and writes, shared by all layers. */
export interface BlockBuffers {
  params: NamedBuffer;
  grads: NamedBuffer;
  acts: NamedBuffer;
  scratch: NamedBuffer;
  masks: MaskBuffer;
  /** an inference-only model's linear weights packed once (packLinearWeight), by parameter name; absent = plain */
  packed?: ReadonlyMap<string, F32> | null;
  /** compact row buffers for a backward restricted to some rows (blockBackward's `rows`); absent = always dense */
  rowScratch?: RowScratch;
}

/** Compact buffers for a few rows of the activations and gradients, grown on demand and reused across steps. */
export class RowScratch {
  private readonly buffers = new Map<string, F32>();

  get(name: string, n: number): F32 {
    let b = this.buffers.get(name);
    if (b === undefined || b.length < n) {
      b = new Float32Array(n);
      this.buffers.set(name, b);
    }
    return b.subarray(0, n);
  }
}

/** dst (rows.length, w) = the rows `rows` of src (*, w). */
function gatherRows(dst: F32, src: F32, rows: Int32Array, w: number): F32 {
  for (let r = 0; r < rows.length; r++) dst.set(src.subarray(rows[r] * w, (rows[r] + 1) * w), r * w);
  return dst;
}

/** dst (*, w) = zeros except the rows `rows`, which get src (rows.length, w). */
function scatterRows(dst: F32, src: F32, rows: Int32Array, w: number): void {
  dst.fill(0);
  for (let r = 0; r < rows.length; r++) dst.set(src.subarray(r * w, (r + 1) * w), rows[r] * w);
}

/** out(BT,OC) = inp(BT,C) @ W^T + bias for the linear parameter `name` (OC,C): from its packed form when there is
 *  one (the same values, without repacking the weight on every call), else from the weight itself. */
export function linearForward(k: Kernels, params: NamedBuffer, packed: ReadonlyMap<string, F32> | null | undefined,
  out: F32, inp: F32, name: string, bias: F32 | null, BT: number, C: number, OC: number): void {
  const w = packed?.get(name);
  if (w === undefined) k.matmulForward(out, inp, params.view(name), bias, BT, C, OC);
  else k.matmulForwardPacked(out, inp, w, bias, BT, C, OC);
}

/** Per-site dropout seed, different for every layer, site and step. */
export function dropoutSeed(base: number, layer: number, site: number): number {
  return (Math.imul(base ^ 0x5bd1e995, 0x01000193) + layer * 7919 + site * 104729) >>> 0;
}

/** The attention probabilities (B,NH,T,T) of one layer, a view into the 'att' activation (L,B,NH,T,T). */
export function layerAttention(acts: NamedBuffer, layer: number, d: BlockDims): F32 {
  const n = d.B * d.NH * d.T * d.T;
  return acts.view('att').subarray(layer * n, (layer + 1) * n);
}

function dropForward(k: Kernels, run: BlockRun, out: F32 | null, mask: Uint8Array, inp: F32, seed: number, N: number): F32 {
  if (run.dropout <= 0 || out === null) return inp;
  k.dropoutForward(out, mask, inp, run.dropout, seed, N);
  return out;
}

function dropBackward(k: Kernels, run: BlockRun, scratch: F32, mask: Uint8Array, dout: F32, N: number): F32 {
  if (run.dropout <= 0) return dout;
  k.dropoutBackward(scratch, dout, mask, run.dropout, N);
  return scratch;
}

/** Whether activation `name` of a block is kept per layer in a pass without backward (see BlockRun.keepAll). */
function keptPerLayer(name: string, norm: NormPlacement): boolean {
  const output = norm === 'pre' ? 'res2' : 'ln_2';
  return name === 'qkv' || name === output || name.startsWith(output + '.');
}

/** Runs layer `l` on x (B,T,C); returns the view holding its output (res2 for pre-LN, ln_2 for post-LN). */
export function blockForward(k: Kernels, d: BlockDims, run: BlockRun, l: number, x: F32, buf: BlockBuffers): F32 {
  const { B, T, C, NH, F } = d;
  const BT = B * T;
  const N = BT * C;
  const p = `h.${l}.`;
  const pre = run.norm === 'pre';
  // x is the previous layer's output, which is kept per layer, so sharing temporaries never overwrites the input.
  const where = (n: string): string => (run.keepAll || keptPerLayer(n, run.norm) ? p : 'h.0.') + n;
  const P = (n: string): F32 => buf.params.view(p + n);
  const A = (n: string): F32 => buf.acts.view(where(n));
  const dropped = (n: string): F32 | null => buf.acts.maybe(where(n));
  const linear = (out: F32, inp: F32, w: string, bias: string, Cin: number, OC: number): void =>
    linearForward(k, buf.params, buf.packed, out, inp, p + w, P(bias), BT, Cin, OC);

  let attIn = x;
  if (pre) {
    k.layernormForward(A('ln_1'), A('ln_1.mean'), A('ln_1.rstd'), x, P('ln_1.weight'), P('ln_1.bias'), BT, C);
    attIn = A('ln_1');
  }
  linear(A('qkv'), attIn, 'attn.c_attn.weight', 'attn.c_attn.bias', C, 3 * C);
  k.attentionForward(A('atty'), null, layerAttention(buf.acts, l, d), A('qkv'), run.keyMask, run.causal, B, T, C, NH);
  linear(A('attproj'), A('atty'), 'attn.c_proj.weight', 'attn.c_proj.bias', C, C);
  const a = dropForward(k, run, dropped('attproj.drop'), buf.masks.view(p + 'attn'), A('attproj'), dropoutSeed(run.seed, l, 1), N);
  k.residualForward(A('res1'), x, a, N);

  let mlpIn = A('res1');
  if (pre) {
    k.layernormForward(A('ln_2'), A('ln_2.mean'), A('ln_2.rstd'), A('res1'), P('ln_2.weight'), P('ln_2.bias'), BT, C);
    mlpIn = A('ln_2');
  } else {
    k.layernormForward(A('ln_1'), A('ln_1.mean'), A('ln_1.rstd'), A('res1'), P('ln_1.weight'), P('ln_1.bias'), BT, C);
    mlpIn = A('ln_1');
  }
  linear(A('fch'), mlpIn, 'mlp.c_fc.weight', 'mlp.c_fc.bias', C, F);
  k.geluForward(A('fch.gelu'), A('fch'), BT * F);
  linear(A('fcproj'), A('fch.gelu'), 'mlp.c_proj.weight', 'mlp.c_proj.bias', F, C);
  const m = dropForward(k, run, dropped('fcproj.drop'), buf.masks.view(p + 'mlp'), A('fcproj'), dropoutSeed(run.seed, l, 2), N);
  k.residualForward(A('res2'), pre ? A('res1') : mlpIn, m, N);
  if (pre) return A('res2');
  k.layernormForward(A('ln_2'), A('ln_2.mean'), A('ln_2.rstd'), A('res2'), P('ln_2.weight'), P('ln_2.bias'), BT, C);
  return A('ln_2');
}

/** One layer's named views in the backward pass: its parameters, their gradients, its activations, and the shared
 *  scratch (by bare name). */
function layerViews(buf: BlockBuffers, l: number): Record<'P' | 'G' | 'A' | 'S', (n: string) => F32> {
  const p = `h.${l}.`;
  return {
    P: (n) => buf.params.view(p + n),
    G: (n) => buf.grads.view(p + n),
    A: (n) => buf.acts.view(p + n),
    S: (n) => buf.scratch.view(n),
  };
}

/** Backward of layer `l`: dout (BT,C) is the gradient of its output; writes dx (BT,C), accumulates parameter grads.
 *  dout and dx must be distinct from the scratch views dsum, dtmp, dtmp2, dln.
 *  rows (ascending flat positions, or null): dout is exactly zero outside these rows. A pre-LN block without dropout
 *  then runs everything above its attention (MLP, LayerNorm 2, the attention's output projection) on those rows
 *  alone: a zero row contributes exact zeros there, so only rounding changes (the weight gradients sum fewer, shorter
 *  blocks). BERT's last layer, where only the masked rows reach the loss, is the case. */
export function blockBackward(k: Kernels, d: BlockDims, run: BlockRun, l: number, x: F32, dout: F32, dx: F32,
  buf: BlockBuffers, rows: Int32Array | null = null): void {
  const pre = run.norm === 'pre';
  if (rows !== null && pre && run.dropout <= 0 && buf.rowScratch !== undefined) {
    rowsAboveAttentionBackward(k, d, l, dout, buf, rows, buf.rowScratch);
    attentionAndBelow(k, d, run, l, x, dx, buf, buf.scratch.view('dsum'));
    return;
  }
  const { B, T, C, F } = d;
  const BT = B * T;
  const N = BT * C;
  const p = `h.${l}.`;
  const { P, G, A, S } = layerViews(buf, l);
  const mlpIn = pre ? A('ln_2') : A('ln_1');

  // dsum: gradient at res2 (the MLP residual sum)
  let dres2 = dout;
  if (!pre) {
    k.layernormBackward(S('dsum'), G('ln_2.weight'), G('ln_2.bias'), dout, A('res2'), P('ln_2.weight'), A('ln_2.mean'), A('ln_2.rstd'), BT, C);
    dres2 = S('dsum');
  }
  const dfcproj = dropBackward(k, run, S('dtmp'), buf.masks.view(p + 'mlp'), dres2, N);
  k.matmulBackward(S('dfch.gelu'), G('mlp.c_proj.weight'), G('mlp.c_proj.bias'), dfcproj, A('fch.gelu'), P('mlp.c_proj.weight'), BT, F, C);
  k.geluBackward(S('dfch'), A('fch'), S('dfch.gelu'), BT * F);
  k.matmulBackward(S('dln'), G('mlp.c_fc.weight'), G('mlp.c_fc.bias'), S('dfch'), mlpIn, P('mlp.c_fc.weight'), BT, C, F);

  // gradient at res1 (pre-LN: ln_2's input gradient plus the residual stream's, dout, joined in the same pass)
  if (pre) {
    k.layernormBackward(S('dsum'), G('ln_2.weight'), G('ln_2.bias'), S('dln'), A('res1'), P('ln_2.weight'), A('ln_2.mean'), A('ln_2.rstd'), BT, C, dout);
  } else {
    k.residualForward(S('dtmp2'), dres2, S('dln'), N); // ln_1 output feeds both the MLP and the residual
    k.layernormBackward(S('dsum'), G('ln_1.weight'), G('ln_1.bias'), S('dtmp2'), A('res1'), P('ln_1.weight'), A('ln_1.mean'), A('ln_1.rstd'), BT, C);
  }
  const dres1 = S('dsum');

  const dattproj = dropBackward(k, run, S('dtmp'), buf.masks.view(p + 'attn'), dres1, N);
  k.matmulBackward(S('dln'), G('attn.c_proj.weight'), G('attn.c_proj.bias'), dattproj, A('atty'), P('attn.c_proj.weight'), BT, C, C);
  attentionAndBelow(k, d, run, l, x, dx, buf, dres1);
}

/** blockBackward's pre-LN, dropout-free part above the attention, on the rows `rows` only (dout is zero elsewhere):
 *  leaves the gradient at res1 in scratch dsum and the one at the attention's output in scratch dln, both zero
 *  outside the rows, as the dense path would. */
function rowsAboveAttentionBackward(k: Kernels, d: BlockDims, l: number, dout: F32, buf: BlockBuffers, rows: Int32Array,
  R: RowScratch): void {
  const { C, F } = d;
  const M = rows.length;
  const { P, G, A, S } = layerViews(buf, l);
  const rowsOf = (name: string, w: number): F32 => gatherRows(R.get(name, M * w), A(name), rows, w);
  const dres2 = gatherRows(R.get('dres2', M * C), dout, rows, C);
  const dsum = R.get('dsum', M * C);
  const datty = R.get('datty', M * C);
  if (M > 0) {
    const dgelu = R.get('dgelu', M * F), dfch = R.get('dfch', M * F), dln2 = R.get('dln2', M * C);
    k.matmulBackward(dgelu, G('mlp.c_proj.weight'), G('mlp.c_proj.bias'), dres2, rowsOf('fch.gelu', F), P('mlp.c_proj.weight'), M, F, C);
    k.geluBackward(dfch, rowsOf('fch', F), dgelu, M * F);
    k.matmulBackward(dln2, G('mlp.c_fc.weight'), G('mlp.c_fc.bias'), dfch, rowsOf('ln_2', C), P('mlp.c_fc.weight'), M, C, F);
    k.layernormBackward(dsum, G('ln_2.weight'), G('ln_2.bias'), dln2, rowsOf('res1', C), P('ln_2.weight'), rowsOf('ln_2.mean', 1), rowsOf('ln_2.rstd', 1), M, C, dres2);
    k.matmulBackward(datty, G('attn.c_proj.weight'), G('attn.c_proj.bias'), dsum, rowsOf('atty', C), P('attn.c_proj.weight'), M, C, C);
  }
  scatterRows(S('dsum'), dsum, rows, C);
  scatterRows(S('dln'), datty, rows, C);
}

/** The rest of blockBackward once dln holds the gradient at the attention's output and dres1 the one at res1:
 *  attention, c_attn, and LN1 (pre-LN) or the residual join (post-LN), into dx. */
function attentionAndBelow(k: Kernels, d: BlockDims, run: BlockRun, l: number, x: F32, dx: F32, buf: BlockBuffers,
  dres1: F32): void {
  const { B, T, C, NH } = d;
  const BT = B * T;
  const { P, G, A, S } = layerViews(buf, l);
  const pre = run.norm === 'pre';
  k.attentionBackward(S('dqkv'), S('dpreatt'), S('datt'), S('dln'), A('qkv'), layerAttention(buf.acts, l, d), B, T, C, NH);
  if (pre) {
    k.matmulBackward(S('dln'), G('attn.c_attn.weight'), G('attn.c_attn.bias'), S('dqkv'), A('ln_1'), P('attn.c_attn.weight'), BT, C, 3 * C);
    k.layernormBackward(dx, G('ln_1.weight'), G('ln_1.bias'), S('dln'), x, P('ln_1.weight'), A('ln_1.mean'), A('ln_1.rstd'), BT, C, dres1);
  } else {
    k.matmulBackward(S('dtmp2'), G('attn.c_attn.weight'), G('attn.c_attn.bias'), S('dqkv'), x, P('attn.c_attn.weight'), BT, C, 3 * C);
    k.residualForward(dx, dres1, S('dtmp2'), BT * C);
  }
}
