// ONNX export: the exact forward of our GPT/BERT (block.ts, gpt.ts, bert.ts) as a standard opset-17 graph with
// dynamic batch and sequence axes, every layer's attention probabilities and hidden states as outputs.
//
// Inputs:  input_ids (int64 [batch, sequence]); BERT also attention_mask (int64, 1 = token, 0 = padding) and, when
//          the model has segments, token_type_ids (int64).
// Outputs: logits [batch, sequence, V]; attentions.<l> [batch, NH, sequence, sequence] (softmax probabilities, masked
//          entries exactly 0); hidden_states.<l> [batch, sequence, C] for l = 0..L: 0 is the embedding output as the
//          first block reads it (after ln_e for post-LN), l > 0 the output of block l-1 (before ln_f).
// Metadata: family, config (ModelConfig JSON), tokenizer (tokenizer.json text), format.
// Linear weights are stored transposed, (in, out), so a layer is MatMul + Add; the tied output head transposes wte.
import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ModelConfig } from '../../common/model-config';
import type { TransformerModel } from '../ml/model';
import { sinusoidalTable } from '../ml/params';
import { LabError } from '../../common/errors';
import { BOOL, FLOAT, GraphBuilder, INT64, OPSET } from './graph';

export const ONNX_FORMAT = 'attention-lab-onnx/1';
const LN_EPS = 1e-5;
/** masked scores before softmax: exp(MASKED - max) underflows to exactly 0 in float32 */
const MASKED = -1e30;

export interface OnnxExportInfo {
  path: string;
  bytes: number;
  sha256: string;
  opset: number;
  inputs: string[];
  outputs: string[];
}

/** (out, in) row-major -> (in, out) row-major. */
function transposed(w: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(w.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = w[r * cols + c];
  return t;
}

/** Emits the graph of one model; each helper adds nodes for one step of the forward pass. */
class ExportGraph {
  readonly g = new GraphBuilder();
  private readonly c: ModelConfig;

  constructor(private readonly model: TransformerModel) {
    this.c = model.config;
  }

  private param(name: string): Float32Array {
    return this.model.params.view(name);
  }

  /** y = x @ W^T + b for a torch-layout (out, in) weight. */
  private linear(x: string, name: string, inDim: number, outDim: number): string {
    const w = this.g.floatTensor(`${name}.weight.T`, [inDim, outDim], transposed(this.param(`${name}.weight`), outDim, inDim));
    const b = this.g.floatTensor(`${name}.bias`, [outDim], this.param(`${name}.bias`));
    return this.g.op('Add', [this.g.op('MatMul', [x, w]), b]);
  }

  private layerNorm(x: string, name: string, out?: string): string {
    const C = this.c.dModel;
    const w = this.g.floatTensor(`${name}.weight`, [C], this.param(`${name}.weight`));
    const b = this.g.floatTensor(`${name}.bias`, [C], this.param(`${name}.bias`));
    return this.g.op('LayerNormalization', [x, w, b], { axis: -1, epsilon: { float: LN_EPS } }, out);
  }

  /** GELU, tanh form: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), as the kernels compute it. */
  private gelu(x: string): string {
    const g = this.g;
    const cube = g.op('Pow', [x, g.scalar(3)]);
    const inner = g.op('Mul', [g.op('Add', [x, g.op('Mul', [cube, g.scalar(0.044715)])]), g.scalar(Math.sqrt(2 / Math.PI))]);
    const onePlus = g.op('Add', [g.op('Tanh', [inner]), g.scalar(1)]);
    return g.op('Mul', [g.op('Mul', [x, g.scalar(0.5)]), onePlus]);
  }

  /** Token + position (+ segment) embeddings; positions sliced to the sequence length. */
  private embeddings(ids: string, segments: string | null, seqLen: string): string {
    const g = this.g;
    const { dModel: C, contextLength: T } = this.c;
    const wte = g.floatTensor('wte', [this.c.vocabSize, C], this.param('wte'));
    let x = g.op('Gather', [wte, ids], { axis: 0 });
    const table = this.c.positions === 'learned' ? this.param('wpe') : sinusoidalTable(T, C);
    const pos = g.floatTensor(this.c.positions === 'learned' ? 'wpe' : 'sinusoid', [T, C], table);
    x = g.op('Add', [x, g.op('Slice', [pos, g.ints([0]), seqLen, g.ints([0])])]);
    if (segments !== null) {
      const wtt = g.floatTensor('wtt', [this.c.typeVocabSize, C], this.param('wtt'));
      x = g.op('Add', [x, g.op('Gather', [wtt, segments], { axis: 0 })]);
    }
    return x;
  }

  /** Multi-head attention of layer l on a (B,S,C); `visible` is a bool mask broadcastable to (B,NH,S,S). */
  private attention(a: string, l: number, visible: string | null): string {
    const g = this.g;
    const { dModel: C, nHead: NH } = this.c;
    const hs = C / NH;
    const qkv = this.linear(a, `h.${l}.attn.c_attn`, C, 3 * C);
    const [q, k, v] = g.node('Split', [qkv, g.ints([C, C, C])], { axis: 2 }, 3);
    const heads = (t: string): string => g.op('Reshape', [t, g.ints([0, 0, NH, hs])]);
    const qh = g.op('Transpose', [heads(q)], { perm: [0, 2, 1, 3] });
    const kt = g.op('Transpose', [heads(k)], { perm: [0, 2, 3, 1] });
    const vh = g.op('Transpose', [heads(v)], { perm: [0, 2, 1, 3] });
    let scores = g.op('Mul', [g.op('MatMul', [qh, kt]), g.scalar(1 / Math.sqrt(hs))]);
    if (visible !== null) scores = g.op('Where', [visible, scores, g.scalar(MASKED)]);
    const att = g.op('Softmax', [scores], { axis: -1 }, `attentions.${l}`);
    const y = g.op('Transpose', [g.op('MatMul', [att, vh])], { perm: [0, 2, 1, 3] });
    return this.linear(g.op('Reshape', [y, g.ints([0, 0, C])]), `h.${l}.attn.c_proj`, C, C);
  }

  private mlp(a: string, l: number): string {
    const { dModel: C, dFF: F } = this.c;
    return this.linear(this.gelu(this.linear(a, `h.${l}.mlp.c_fc`, C, F)), `h.${l}.mlp.c_proj`, F, C);
  }

  /** One block, pre- or post-LN exactly as blockForward(); the output is named hidden_states.<l+1>. */
  private block(x: string, l: number, visible: string | null): string {
    const g = this.g;
    const out = `hidden_states.${l + 1}`;
    if (this.c.norm === 'pre') {
      const res1 = g.op('Add', [x, this.attention(this.layerNorm(x, `h.${l}.ln_1`), l, visible)]);
      return g.op('Add', [res1, this.mlp(this.layerNorm(res1, `h.${l}.ln_2`), l)], {}, out);
    }
    const l1 = this.layerNorm(g.op('Add', [x, this.attention(x, l, visible)]), `h.${l}.ln_1`);
    return this.layerNorm(g.op('Add', [l1, this.mlp(l1, l)]), `h.${l}.ln_2`, out);
  }

  /** GPT: causal (S,S) slice of a (T,T) lower-triangular table; BERT: attention_mask as (B,1,1,S) keys. */
  private visibility(seqLen: string, attentionMask: string | null): string | null {
    const g = this.g;
    const T = this.c.contextLength;
    if (this.c.family === 'gpt') {
      const tri = new Uint8Array(T * T);
      for (let i = 0; i < T; i++) tri.fill(1, i * T, i * T + i + 1);
      const table = g.boolTensor('causal_mask', [T, T], tri);
      return g.op('Slice', [table, g.ints([0, 0]), g.op('Concat', [seqLen, seqLen], { axis: 0 }), g.ints([0, 1])]);
    }
    if (attentionMask === null) return null;
    return g.op('Unsqueeze', [g.op('Cast', [attentionMask], { to: BOOL }), g.ints([1, 2])]);
  }

  /** The whole model; returns the input and output names in order. */
  build(): { inputs: string[]; outputs: string[] } {
    const g = this.g;
    const c = this.c;
    const dims = ['batch', 'sequence'];
    const ids = g.input('input_ids', INT64, dims);
    const inputs = [ids];
    let attentionMask: string | null = null;
    let segments: string | null = null;
    if (c.family === 'bert') {
      attentionMask = g.input('attention_mask', INT64, dims);
      inputs.push(attentionMask);
      if (c.typeVocabSize > 0) inputs.push((segments = g.input('token_type_ids', INT64, dims)));
    }
    const seqLen = g.op('Shape', [ids], { start: 1, end: 2 });
    let x = this.embeddings(ids, segments, seqLen);
    if (c.norm === 'post') x = this.layerNorm(x, 'ln_e');
    x = g.op('Identity', [x], {}, 'hidden_states.0');
    const visible = this.visibility(seqLen, attentionMask);
    for (let l = 0; l < c.nLayer; l++) x = this.block(x, l, visible);
    if (c.norm === 'pre') x = this.layerNorm(x, 'ln_f');
    const wteT = g.op('Transpose', ['wte'], { perm: [1, 0] });
    if (c.family === 'gpt') {
      g.op('MatMul', [x, wteT], {}, 'logits');
    } else {
      const h = this.layerNorm(this.gelu(this.linear(x, 'mlm.dense', c.dModel, c.dModel)), 'mlm.ln');
      const bias = g.floatTensor('mlm.bias', [c.vocabSize], this.param('mlm.bias'));
      g.op('Add', [g.op('MatMul', [h, wteT]), bias], {}, 'logits');
    }
    const outputs = ['logits'];
    g.output('logits', FLOAT, [...dims, c.vocabSize]);
    for (let l = 0; l < c.nLayer; l++) {
      g.output(`attentions.${l}`, FLOAT, ['batch', c.nHead, 'sequence', 'sequence']);
      outputs.push(`attentions.${l}`);
    }
    for (let l = 0; l <= c.nLayer; l++) {
      g.output(`hidden_states.${l}`, FLOAT, [...dims, c.dModel]);
      outputs.push(`hidden_states.${l}`);
    }
    return { inputs, outputs };
  }
}

/** The serialized ONNX model of `model`, with the tokenizer JSON and config in its metadata. */
export function buildOnnx(model: TransformerModel, tokenizerJson: string): { bytes: Uint8Array; inputs: string[]; outputs: string[] } {
  const graph = new ExportGraph(model);
  const { inputs, outputs } = graph.build();
  const bytes = graph.g.encode(`attention-lab-${model.config.family}`, {
    format: ONNX_FORMAT, family: model.config.family, config: JSON.stringify(model.config), tokenizer: tokenizerJson,
  });
  return { bytes, inputs, outputs };
}

/** Writes the model to outPath (atomically: temp file + rename); returns what an artifact record needs. */
export function exportOnnx(model: TransformerModel, tokenizerJson: string, outPath: string): OnnxExportInfo {
  if (!outPath.toLowerCase().endsWith('.onnx')) {
    throw new LabError('invalid_input', `The output path "${outPath}" does not end in .onnx; give a file name such as model.onnx.`, { field: 'out' });
  }
  const { bytes, inputs, outputs } = buildOnnx(model, tokenizerJson);
  const tmp = `${outPath}.tmp-${process.pid}`;
  try {
    mkdirSync(dirname(outPath), { recursive: true });
    writeFileSync(tmp, bytes);
    renameSync(tmp, outPath);
  } catch (e) {
    throw new LabError('invalid_input', `Cannot write the ONNX file "${outPath}": ${(e as Error).message} (choose a folder you can write to).`, { field: 'out', cause: e });
  }
  return {
    path: outPath, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), opset: OPSET, inputs, outputs,
  };
}
