// One pre-LN Transformer decoder block with cross-attention (Vaswani et al. 2017, pre-LN as GPT-2): forward and
// backward on the kernels. x (B,T,C) is the target stream, memory (B,S,C) the encoder's output.
//   r1 = x  + c_proj(causal self-attention(LN1(x)))                 existing attention kernels
//   r2 = r1 + cross.c_proj(attend(q = cross.q(LNx(r1)), k, v = cross.kv(memory)))   the alignment kernels, NH heads,
//        scaled dot-product scores, source positions >= srcLen[b] masked
//   out = r2 + mlp(LN2(r2)),  mlp(a) = c_proj(gelu(c_fc(a)))
// Parameters under "dec.h.{l}.": ln_1, attn.c_attn (3C,C), attn.c_proj (C,C), ln_x, cross.q (C,C), cross.kv (2C,C)
// (keys then values), cross.c_proj (C,C), ln_2, mlp.c_fc (F,C), mlp.c_proj (C,F); LayerNorms have .weight/.bias.
import type { F32, Kernels } from '../../../native-kernels/kernels';
import type { NamedBuffer, TensorTable } from '../params';
import type { Workspace } from './workspace';

export interface DecoderDims {
  B: number;
  T: number;
  S: number;
  C: number;
  NH: number;
  F: number;
}

/** The tensors of decoder block l, in storage order. */
export function addDecoderBlock(t: TensorTable, l: number, C: number, F: number): void {
  const p = `dec.h.${l}.`;
  const norm = (n: string): void => {
    t.add(`${p}${n}.weight`, [C], 'norm-gain');
    t.add(`${p}${n}.bias`, [C], 'norm-bias');
  };
  const linear = (n: string, out: number, inp: number): void => {
    t.add(`${p}${n}.weight`, [out, inp], 'linear');
    t.add(`${p}${n}.bias`, [out], 'bias');
  };
  norm('ln_1');
  linear('attn.c_attn', 3 * C, C);
  linear('attn.c_proj', C, C);
  norm('ln_x');
  linear('cross.q', C, C);
  linear('cross.kv', 2 * C, C);
  linear('cross.c_proj', C, C);
  norm('ln_2');
  linear('mlp.c_fc', F, C);
  linear('mlp.c_proj', C, F);
}

/** Keys and values of block l's cross-attention from the memory: k, v (B,S,C) each. They depend on the source only,
 *  so a decoder computes them once per source and reuses them at every step. */
export function crossKeysValues(k: Kernels, params: NamedBuffer, ws: Workspace, l: number, memory: F32, B: number,
  S: number, C: number): { k: F32; v: F32 } {
  const w = params.view(`dec.h.${l}.cross.kv.weight`);
  const b = params.view(`dec.h.${l}.cross.kv.bias`);
  const keys = ws.get(`d${l}.k`, B * S * C);
  const values = ws.get(`d${l}.v`, B * S * C);
  k.matmulForward(keys, memory, w.subarray(0, C * C), b.subarray(0, C), B * S, C, C);
  k.matmulForward(values, memory, w.subarray(C * C), b.subarray(C), B * S, C, C);
  return { k: keys, v: values };
}

/** Forward of block l on x (B,T,C) with that block's memory keys/values; returns its output (B,T,C) in ws. */
export function decoderBlockForward(k: Kernels, params: NamedBuffer, ws: Workspace, l: number, d: DecoderDims, x: F32,
  kv: { k: F32; v: F32 }, srcLen: Int32Array): F32 {
  const { B, T, S, C, NH, F } = d;
  const BT = B * T;
  const N = BT * C;
  const p = `dec.h.${l}.`;
  const P = (n: string): F32 => params.view(p + n);
  const A = (n: string, size: number): F32 => ws.get(`d${l}.${n}`, size);
  const norm = (name: string, inp: F32): F32 => {
    const out = A(name, N);
    k.layernormForward(out, A(`${name}.mean`, BT), A(`${name}.rstd`, BT), inp, P(`${name}.weight`), P(`${name}.bias`), BT, C);
    return out;
  };
  // causal self-attention
  const qkv = A('qkv', BT * 3 * C);
  k.matmulForward(qkv, norm('ln_1', x), P('attn.c_attn.weight'), P('attn.c_attn.bias'), BT, C, 3 * C);
  const atty = A('atty', N);
  k.attentionForward(atty, null, A('att', B * NH * T * T), qkv, null, true, B, T, C, NH);
  const proj1 = A('proj1', N);
  k.matmulForward(proj1, atty, P('attn.c_proj.weight'), P('attn.c_proj.bias'), BT, C, C);
  const r1 = A('r1', N);
  k.residualForward(r1, x, proj1, N);
  // cross-attention over the source
  const q = A('q', N);
  k.matmulForward(q, norm('ln_x', r1), P('cross.q.weight'), P('cross.q.bias'), BT, C, C);
  const hs = C / NH;
  const scores = A('xscores', B * NH * T * S);
  k.alignDotForward(scores, q, kv.k, 1 / Math.sqrt(hs), B, T, S, NH, hs);
  const ctx = A('ctx', N);
  k.alignSoftmaxContextForward(ctx, A('xatt', B * NH * T * S), scores, kv.v, srcLen, B, T, S, NH, hs);
  const proj2 = A('proj2', N);
  k.matmulForward(proj2, ctx, P('cross.c_proj.weight'), P('cross.c_proj.bias'), BT, C, C);
  const r2 = A('r2', N);
  k.residualForward(r2, r1, proj2, N);
  // MLP
  const fch = A('fch', BT * F);
  k.matmulForward(fch, norm('ln_2', r2), P('mlp.c_fc.weight'), P('mlp.c_fc.bias'), BT, C, F);
  const fchg = A('fchg', BT * F);
  k.geluForward(fchg, fch, BT * F);
  const proj3 = A('proj3', N);
  k.matmulForward(proj3, fchg, P('mlp.c_proj.weight'), P('mlp.c_proj.bias'), BT, F, C);
  const out = A('out', N);
  k.residualForward(out, r2, proj3, N);
  return out;
}

/** Cross-attention weights (B,NH,T,S) of block l's latest forward. */
export function decoderCrossAttention(ws: Workspace, l: number, d: DecoderDims): F32 {
  return ws.get(`d${l}.xatt`, d.B * d.NH * d.T * d.S);
}

/** Backward of block l: dout (B,T,C) at its output; writes dx (B,T,C) at its input, adds the memory's gradient into
 *  dmemory (B,S,C), accumulates parameter gradients. x, memory and kv are the forward's. */
export function decoderBlockBackward(k: Kernels, params: NamedBuffer, grads: NamedBuffer, ws: Workspace, l: number,
  d: DecoderDims, x: F32, memory: F32, kv: { k: F32; v: F32 }, dout: F32, dx: F32, dmemory: F32): void {
  const { B, T, S, C, NH, F } = d;
  const BT = B * T;
  const N = BT * C;
  const p = `dec.h.${l}.`;
  const P = (n: string): F32 => params.view(p + n);
  const G = (n: string): F32 => grads.view(p + n);
  const A = (n: string, size: number): F32 => ws.get(`d${l}.${n}`, size);
  const D = (n: string, size: number): F32 => ws.get(`grad.${n}`, size);
  const normBack = (name: string, dinp: F32, dnorm: F32, inp: F32, dresidual: F32): void =>
    k.layernormBackward(dinp, G(`${name}.weight`), G(`${name}.bias`), dnorm, inp, P(`${name}.weight`), A(`${name}.mean`, BT), A(`${name}.rstd`, BT), BT, C, dresidual);

  // MLP: dout flows to r2 directly and through the MLP
  const dfchg = D('fchg', BT * F);
  k.matmulBackward(dfchg, G('mlp.c_proj.weight'), G('mlp.c_proj.bias'), dout, A('fchg', BT * F), P('mlp.c_proj.weight'), BT, F, C);
  const dfch = D('fch', BT * F);
  k.geluBackward(dfch, A('fch', BT * F), dfchg, BT * F);
  const dn = D('norm', N);
  k.matmulBackward(dn, G('mlp.c_fc.weight'), G('mlp.c_fc.bias'), dfch, A('ln_2', N), P('mlp.c_fc.weight'), BT, C, F);
  const dr2 = D('r2', N);
  normBack('ln_2', dr2, dn, A('r2', N), dout);

  // cross-attention
  const dctx = D('ctx', N);
  k.matmulBackward(dctx, G('cross.c_proj.weight'), G('cross.c_proj.bias'), dr2, A('ctx', N), P('cross.c_proj.weight'), BT, C, C);
  const hs = C / NH;
  const dscores = D('xscores', B * NH * T * S);
  const dv = D('v', B * S * C);
  k.alignSoftmaxContextBackward(dscores, dv, dctx, A('xatt', B * NH * T * S), kv.v, B, T, S, NH, hs);
  const dq = D('q', N);
  const dk = D('k', B * S * C);
  k.alignDotBackward(dq, dk, dscores, A('q', N), kv.k, 1 / Math.sqrt(hs), B, T, S, NH, hs);
  k.matmulBackward(dn, G('cross.q.weight'), G('cross.q.bias'), dq, A('ln_x', N), P('cross.q.weight'), BT, C, C);
  const wkv = P('cross.kv.weight');
  const gw = G('cross.kv.weight');
  const gb = G('cross.kv.bias');
  const dmem = D('mem', B * S * C);
  k.matmulBackward(dmem, gw.subarray(0, C * C), gb.subarray(0, C), dk, memory, wkv.subarray(0, C * C), B * S, C, C);
  k.residualForward(dmemory, dmemory, dmem, B * S * C);
  k.matmulBackward(dmem, gw.subarray(C * C), gb.subarray(C), dv, memory, wkv.subarray(C * C), B * S, C, C);
  k.residualForward(dmemory, dmemory, dmem, B * S * C);
  const dr1 = D('r1', N);
  normBack('ln_x', dr1, dn, A('r1', N), dr2);

  // causal self-attention
  const datty = D('atty', N);
  k.matmulBackward(datty, G('attn.c_proj.weight'), G('attn.c_proj.bias'), dr1, A('atty', N), P('attn.c_proj.weight'), BT, C, C);
  const dqkv = D('qkv', BT * 3 * C);
  k.attentionBackward(dqkv, datty, A('qkv', BT * 3 * C), A('att', B * NH * T * T), B, T, C, NH);
  k.matmulBackward(dn, G('attn.c_attn.weight'), G('attn.c_attn.bias'), dqkv, A('ln_1', N), P('attn.c_attn.weight'), BT, C, 3 * C);
  normBack('ln_1', dx, dn, x, dr1);
}
