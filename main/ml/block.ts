// One Transformer block (self-attention + GELU MLP, pre- or post-LayerNorm): forward and backward with the kernels.
//
// pre-LN:  res1 = x + drop(attn(LN1(x)))        out = res2 = res1 + drop(mlp(LN2(res1)))
// post-LN: res1 = x + drop(attn(x)); l1 = LN1(res1)   res2 = l1 + drop(mlp(l1)); out = LN2(res2)
// attn(a) = c_proj(softmax(q k^T / sqrt(hs) + mask) v), q|k|v = c_attn(a); mlp(a) = c_proj(gelu(c_fc(a))).
import type { F32, Kernels } from '../../native-kernels/kernels';
import type { NormPlacement } from '../../common/model-config';
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
  /** compact row buffers of blockForwardRows and blockBackwardRows; absent = always dense */
  rowScratch?: RowScratch;
}

/** Compact buffers for a few rows of the activations and gradients, grown on demand and reused across steps. */
export class RowScratch {
  private readonly floats = new Map<string, F32>();
  private readonly byteBuffers = new Map<string, Uint8Array>();

  get(name: string, n: number): F32 {
    return grown(this.floats, name, n, (size) => new Float32Array(size));
  }

  bytes(name: string, n: number): Uint8Array {
    return grown(this.byteBuffers, name, n, (size) => new Uint8Array(size));
  }
}

/** The first n entries of buffers[name], replaced by a new one of n when missing or shorter. */
function grown<A extends F32 | Uint8Array>(buffers: Map<string, A>, name: string, n: number, make: (n: number) => A): A {
  let b = buffers.get(name);
  if (b === undefined || b.length < n) {
    b = make(n);
    buffers.set(name, b);
  }
  return b.subarray(0, n) as A;
}

/** dst (rows.length, w) = the rows `rows` of src (*, w). */
function gatherRows(dst: F32, src: F32, rows: Int32Array, w: number): F32 {
  for (let r = 0; r < rows.length; r++) dst.set(src.subarray(rows[r] * w, (rows[r] + 1) * w), r * w);
  return dst;
}

/** dst rows `rows` += src (rows.length, w). */
function addRows(dst: F32, src: F32, rows: Int32Array, w: number): void {
  for (let r = 0; r < rows.length; r++) {
    const o = rows[r] * w;
    for (let c = 0; c < w; c++) dst[o + c] += src[r * w + c];
  }
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

/** Layer `l` for the rows `rows` only (ascending flat positions, at least one; the others' outputs must not matter):
 *  keys and values for every position, queries and everything above the attention for those M rows alone. This is
 *  BERT's last layer in a pass with targets, where only the masked rows (~15%) reach the loss; the rows it computes
 *  are the values blockForward gives them, to float rounding (with dropout, the same masks: dropRows). Needs
 *  buf.rowScratch. Writes, in the layer's views: qkv = kv (BT,2C) then q (M,C); att = attentionRowsForward's rows; M
 *  rows at the start of atty, attproj(.drop), res1, ln_2 (+ mean, rstd), fch, fch.gelu, fcproj(.drop), res2, and
 *  pre-LN ln_1 for every row, post-LN for the M rows. Returns the (M,C) output (res2 rows pre-LN, ln_2 rows
 *  post-LN); blockBackwardRows is its backward. */
export function blockForwardRows(k: Kernels, d: BlockDims, run: BlockRun, l: number, x: F32, buf: BlockBuffers,
  rows: Int32Array): F32 {
  const { B, T, C, NH, F } = d;
  const BT = B * T;
  const M = rows.length;
  const pre = run.norm === 'pre';
  const { P, A } = layerViews(buf, l);
  const R = buf.rowScratch as RowScratch;
  const first = (n: string, w: number): F32 => A(n).subarray(0, M * w);
  const linear = (out: F32, inp: F32, w: string, bias: string, n: number, Cin: number, OC: number): void =>
    k.matmulForward(out, inp, P(w), P(bias), n, Cin, OC);
  const { wq, bq, wkv, bkv } = splitAttentionWeights(P, C);

  let attIn = x;
  if (pre) {
    k.layernormForward(A('ln_1'), A('ln_1.mean'), A('ln_1.rstd'), x, P('ln_1.weight'), P('ln_1.bias'), BT, C);
    attIn = A('ln_1');
  }
  const qIn = gatherRows(R.get(`h.${l}.q.in`, M * C), attIn, rows, C);
  const { q, kv } = rowsQkv(A('qkv'), BT, M, C);
  k.matmulForward(kv, attIn, wkv, bkv, BT, C, 2 * C);
  k.matmulForward(q, qIn, wq, bq, M, C, C);
  k.attentionRowsForward(first('atty', C), layerAttention(buf.acts, l, d), q, kv, rows, M, run.keyMask, run.causal, B, T, C, NH);
  linear(first('attproj', C), first('atty', C), 'attn.c_proj.weight', 'attn.c_proj.bias', M, C, C);
  const a = dropRows(k, d, run, l, 1, first('attproj', C), buf, rows);
  const res1 = gatherRows(first('res1', C), x, rows, C);
  k.residualForward(res1, res1, a, M * C);

  const norm = pre ? 'ln_2' : 'ln_1';
  const mlpIn = first(norm, C);
  k.layernormForward(mlpIn, first(norm + '.mean', 1), first(norm + '.rstd', 1), res1, P(norm + '.weight'), P(norm + '.bias'), M, C);
  linear(first('fch', F), mlpIn, 'mlp.c_fc.weight', 'mlp.c_fc.bias', M, C, F);
  k.geluForward(first('fch.gelu', F), first('fch', F), M * F);
  linear(first('fcproj', C), first('fch.gelu', F), 'mlp.c_proj.weight', 'mlp.c_proj.bias', M, F, C);
  const m = dropRows(k, d, run, l, 2, first('fcproj', C), buf, rows);
  k.residualForward(first('res2', C), pre ? res1 : mlpIn, m, M * C);
  if (pre) return first('res2', C);
  k.layernormForward(first('ln_2', C), first('ln_2.mean', 1), first('ln_2.rstd', 1), first('res2', C), P('ln_2.weight'), P('ln_2.bias'), M, C);
  return first('ln_2', C);
}

const DROP_SITES = { 1: 'attn', 2: 'mlp' } as const;
const DROPPED = { 1: 'attproj.drop', 2: 'fcproj.drop' } as const;

/** Dropout site `site` (1 attention branch, 2 MLP branch) of layer l on the M rows `inp` of blockForwardRows: the
 *  full pass's mask for those rows, so both passes drop the same entries. The mask is drawn over the whole (BT,C)
 *  layout (its RNG is keyed by the flat index), from the rows scattered into a zero buffer; an elementwise pass, cheap
 *  next to the GEMMs it saves. Returns inp itself without dropout. */
function dropRows(k: Kernels, d: BlockDims, run: BlockRun, l: number, site: 1 | 2, inp: F32, buf: BlockBuffers,
  rows: Int32Array): F32 {
  if (run.dropout <= 0) return inp;
  const { C } = d;
  const N = d.B * d.T * C;
  const R = buf.rowScratch as RowScratch;
  const full = R.get('drop.in', N);
  scatterRows(full, inp, rows, C);
  const dropped = R.get('drop.out', N);
  k.dropoutForward(dropped, buf.masks.view(`h.${l}.${DROP_SITES[site]}`), full, run.dropout, dropoutSeed(run.seed, l, site), N);
  return gatherRows(buf.acts.view(`h.${l}.${DROPPED[site]}`).subarray(0, rows.length * C), dropped, rows, C);
}

/** Backward of dropRows: dout (M,C) to the gradient at its input, through the same mask rows. */
function dropRowsBackward(k: Kernels, d: BlockDims, run: BlockRun, l: number, site: 1 | 2, dout: F32, buf: BlockBuffers,
  rows: Int32Array): F32 {
  if (run.dropout <= 0) return dout;
  const { C } = d;
  const M = rows.length;
  const R = buf.rowScratch as RowScratch;
  const mask = buf.masks.view(`h.${l}.${DROP_SITES[site]}`);
  const maskRows = R.bytes('drop.mask', M * C);
  for (let r = 0; r < M; r++) maskRows.set(mask.subarray(rows[r] * C, (rows[r] + 1) * C), r * C);
  const out = R.get(`d.drop.${site}`, M * C);
  k.dropoutBackward(out, dout, maskRows, run.dropout, M * C);
  return out;
}

/** c_attn's weight (3C,C) and bias (3C) as their query rows and their key and value rows (views, no copies). */
function splitAttentionWeights(V: (n: string) => F32, C: number): { wq: F32; bq: F32; wkv: F32; bkv: F32 } {
  const w = V('attn.c_attn.weight'), b = V('attn.c_attn.bias');
  return { wq: w.subarray(0, C * C), bq: b.subarray(0, C), wkv: w.subarray(C * C, 3 * C * C), bkv: b.subarray(C, 3 * C) };
}

/** blockForwardRows' layout of the qkv view: kv (BT,2C) first, then q (M,C). */
function rowsQkv(qkv: F32, BT: number, M: number, C: number): { q: F32; kv: F32 } {
  return { kv: qkv.subarray(0, BT * 2 * C), q: qkv.subarray(BT * 2 * C, BT * 2 * C + M * C) };
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
 *  dout and dx must be distinct from the scratch views dsum, dtmp, dtmp2, dln. */
export function blockBackward(k: Kernels, d: BlockDims, run: BlockRun, l: number, x: F32, dout: F32, dx: F32,
  buf: BlockBuffers): void {
  const pre = run.norm === 'pre';
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

/** Backward of blockForwardRows: dout (M,C) is the gradient of its output rows (every other row's is zero); writes
 *  dx (BT,C) and accumulates the parameter gradients, as blockBackward would with those zeros, to float rounding.
 *  dout and dx must be distinct from the scratch views dln, dtmp2, dqkv. */
export function blockBackwardRows(k: Kernels, d: BlockDims, run: BlockRun, l: number, x: F32, dout: F32, dx: F32,
  buf: BlockBuffers, rows: Int32Array): void {
  const { B, T, C, NH, F } = d;
  const BT = B * T;
  const M = rows.length;
  const pre = run.norm === 'pre';
  const { P, G, A, S } = layerViews(buf, l);
  const R = buf.rowScratch as RowScratch;
  const first = (n: string, w: number): F32 => A(n).subarray(0, M * w);
  const grad = (n: string, w: number): F32 => R.get(`d.${n}`, M * w);
  const norm = pre ? 'ln_2' : 'ln_1';

  let dres2 = dout;
  if (!pre) {
    dres2 = grad('res2', C);
    k.layernormBackward(dres2, G('ln_2.weight'), G('ln_2.bias'), dout, first('res2', C), P('ln_2.weight'), first('ln_2.mean', 1), first('ln_2.rstd', 1), M, C);
  }
  const dfcproj = dropRowsBackward(k, d, run, l, 2, dres2, buf, rows);
  k.matmulBackward(grad('fch.gelu', F), G('mlp.c_proj.weight'), G('mlp.c_proj.bias'), dfcproj, first('fch.gelu', F), P('mlp.c_proj.weight'), M, F, C);
  k.geluBackward(grad('fch', F), first('fch', F), grad('fch.gelu', F), M * F);
  const dmlpIn = grad('mlp.in', C);
  k.matmulBackward(dmlpIn, G('mlp.c_fc.weight'), G('mlp.c_fc.bias'), grad('fch', F), first(norm, C), P('mlp.c_fc.weight'), M, C, F);
  const dres1 = grad('res1', C);
  if (pre) {
    k.layernormBackward(dres1, G('ln_2.weight'), G('ln_2.bias'), dmlpIn, first('res1', C), P('ln_2.weight'), first('ln_2.mean', 1), first('ln_2.rstd', 1), M, C, dres2);
  } else {
    k.residualForward(dmlpIn, dmlpIn, dres2, M * C); // ln_1's output feeds both the MLP and the residual
    k.layernormBackward(dres1, G('ln_1.weight'), G('ln_1.bias'), dmlpIn, first('res1', C), P('ln_1.weight'), first('ln_1.mean', 1), first('ln_1.rstd', 1), M, C);
  }
  const datty = grad('atty', C);
  const dattproj = dropRowsBackward(k, d, run, l, 1, dres1, buf, rows);
  k.matmulBackward(datty, G('attn.c_proj.weight'), G('attn.c_proj.bias'), dattproj, first('atty', C), P('attn.c_proj.weight'), M, C, C);

  const { q, kv } = rowsQkv(A('qkv'), BT, M, C);
  const dq = grad('q', C);
  const dkv = S('dqkv').subarray(0, BT * 2 * C);
  k.attentionRowsBackward(dq, dkv, datty, q, kv, layerAttention(buf.acts, l, d), rows, M, B, T, C, NH);
  const W = splitAttentionWeights(P, C);
  const dW = splitAttentionWeights(G, C);
  const dattIn = S(pre ? 'dln' : 'dtmp2');
  k.matmulBackward(dattIn, dW.wkv, dW.bkv, dkv, pre ? A('ln_1') : x, W.wkv, BT, C, 2 * C);
  const dqIn = grad('q.in', C);
  k.matmulBackward(dqIn, dW.wq, dW.bq, dq, R.get(`h.${l}.q.in`, M * C), W.wq, M, C, C);
  addRows(dattIn, dqIn, rows, C);
  scatterRows(dx, dres1, rows, C); // the residual stream's gradient: dres1 on the rows, zero elsewhere
  if (pre) {
    k.layernormBackward(dx, G('ln_1.weight'), G('ln_1.bias'), dattIn, x, P('ln_1.weight'), A('ln_1.mean'), A('ln_1.rstd'), BT, C, dx);
  } else {
    k.residualForward(dx, dx, dattIn, BT * C);
  }
}

/** The rest of blockBackward once dln holds the gradient at the attention's output and dres1 the one at res1:
 *  attention, c_attn, and LN1 (pre-LN) or the residual join (post-LN), into dx. */
function attentionAndBelow(k: Kernels, d: BlockDims, run: BlockRun, l: number, x: F32, dx: F32, buf: BlockBuffers,
  dres1: F32): void {
  const { B, T, C, NH } = d;
  const BT = B * T;
  const { P, G, A, S } = layerViews(buf, l);
  const pre = run.norm === 'pre';
  k.attentionBackward(S('dqkv'), S('dln'), A('qkv'), layerAttention(buf.acts, l, d), B, T, C, NH);
  if (pre) {
    k.matmulBackward(S('dln'), G('attn.c_attn.weight'), G('attn.c_attn.bias'), S('dqkv'), A('ln_1'), P('attn.c_attn.weight'), BT, C, 3 * C);
    k.layernormBackward(dx, G('ln_1.weight'), G('ln_1.bias'), S('dln'), x, P('ln_1.weight'), A('ln_1.mean'), A('ln_1.rstd'), BT, C, dres1);
  } else {
    k.matmulBackward(S('dtmp2'), G('attn.c_attn.weight'), G('attn.c_attn.bias'), S('dqkv'), x, P('attn.c_attn.weight'), BT, C, 3 * C);
    k.residualForward(dx, dres1, S('dtmp2'), BT * C);
  }
}
