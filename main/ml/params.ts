// Tensor layout: parameters (and their gradients) as one Float32Array with named views, in safetensors naming.
//
// Tensor names (shapes; C = dModel, F = dFF, V = vocabSize, T = contextLength, S = typeVocabSize).
// Linear weights are (out, in) as torch.nn.Linear.weight, so y = x @ W^T + b (HF GPT-2 stores Conv1D (in, out)).
//   wte                      (V, C)    token embedding; also the output head (tied), for GPT and BERT
//   wpe                      (T, C)    learned positions (absent when positions = 'sinusoidal': a fixed table)
//   wtt                      (S, C)    BERT segment (token type) embedding, when S > 0
//   ln_e.weight, ln_e.bias   (C)       post-LN models: LayerNorm on the embeddings (as BERT)
//   h.{i}.ln_1.weight/.bias  (C)       pre-LN: before attention; post-LN: after the attention residual add
//   h.{i}.attn.c_attn.weight (3C, C)   q | k | v projections; head h uses channels [h*C/NH, (h+1)*C/NH) of each
//   h.{i}.attn.c_attn.bias   (3C)
//   h.{i}.attn.c_proj.weight (C, C), .bias (C)
//   h.{i}.ln_2.weight/.bias  (C)       pre-LN: before the MLP; post-LN: after the MLP residual add
//   h.{i}.mlp.c_fc.weight    (F, C), .bias (F)
//   h.{i}.mlp.c_proj.weight  (C, F), .bias (C)
//   ln_f.weight, ln_f.bias   (C)       pre-LN models: final LayerNorm
//   mlm.dense.weight (C, C), mlm.dense.bias (C), mlm.ln.weight/.bias (C), mlm.bias (V)
//                                      BERT masked-LM head: dense + GELU + LayerNorm, then wte^T + mlm.bias
//   pooler.dense.weight (C, C), pooler.dense.bias (C)
//                                      BERT [CLS] pooler (dense + tanh), kept for fine-tuning; MLM gives it no gradient
import type { ModelConfig } from '../../common/model-config';

/** What a tensor is for; decides its initialisation and whether AdamW decays it. */
export type TensorRole = 'linear' | 'embedding' | 'bias' | 'norm-gain' | 'norm-bias' | 'activation';

export interface TensorSpec {
  name: string;
  shape: number[];
  /** offset in floats into the owning buffer */
  offset: number;
  size: number;
  role: TensorRole;
  /** AdamW applies weight decay only to matrices of linear layers (not biases, LayerNorms or embeddings) */
  decay: boolean;
}

/** A table of named tensors laid out back to back. */
export class TensorTable {
  readonly specs: TensorSpec[] = [];
  private readonly byName = new Map<string, TensorSpec>();
  total = 0;

  add(name: string, shape: number[], role: TensorRole = 'activation'): TensorSpec {
    const size = shape.reduce((a, b) => a * b, 1);
    const spec: TensorSpec = { name, shape, offset: this.total, size, role, decay: role === 'linear' };
    this.specs.push(spec);
    this.byName.set(name, spec);
    this.total += size;
    return spec;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  get(name: string): TensorSpec {
    const spec = this.byName.get(name);
    if (spec === undefined) throw new Error(`Tensor "${name}" is not part of this layout.`);
    return spec;
  }
}

/** One Float32Array holding every tensor of a table, with cached subarray views by name. */
export class NamedBuffer {
  readonly data: Float32Array;
  private readonly views = new Map<string, Float32Array>();

  constructor(readonly table: TensorTable, data?: Float32Array) {
    this.data = data ?? new Float32Array(table.total);
    if (this.data.length !== table.total) throw new Error(`Buffer holds ${this.data.length} floats, layout needs ${table.total}.`);
  }

  view(name: string): Float32Array {
    let v = this.views.get(name);
    if (v === undefined) {
      const s = this.table.get(name);
      v = this.data.subarray(s.offset, s.offset + s.size);
      this.views.set(name, v);
    }
    return v;
  }

  /** the view, or null when the model has no such tensor (e.g. wpe with sinusoidal positions) */
  maybe(name: string): Float32Array | null {
    return this.table.has(name) ? this.view(name) : null;
  }

  zero(): void {
    this.data.fill(0);
  }
}

/** The parameter table of a config, in the order the tensors are stored and written to safetensors. */
export function parameterSpecs(c: ModelConfig): TensorTable {
  const t = new TensorTable();
  const C = c.dModel;
  const F = c.dFF;
  t.add('wte', [c.vocabSize, C], 'embedding');
  if (c.positions === 'learned') t.add('wpe', [c.contextLength, C], 'embedding');
  if (c.family === 'bert' && c.typeVocabSize > 0) t.add('wtt', [c.typeVocabSize, C], 'embedding');
  if (c.norm === 'post') {
    t.add('ln_e.weight', [C], 'norm-gain');
    t.add('ln_e.bias', [C], 'norm-bias');
  }
  for (let i = 0; i < c.nLayer; i++) {
    const p = `h.${i}.`;
    t.add(p + 'ln_1.weight', [C], 'norm-gain');
    t.add(p + 'ln_1.bias', [C], 'norm-bias');
    t.add(p + 'attn.c_attn.weight', [3 * C, C], 'linear');
    t.add(p + 'attn.c_attn.bias', [3 * C], 'bias');
    t.add(p + 'attn.c_proj.weight', [C, C], 'linear');
    t.add(p + 'attn.c_proj.bias', [C], 'bias');
    t.add(p + 'ln_2.weight', [C], 'norm-gain');
    t.add(p + 'ln_2.bias', [C], 'norm-bias');
    t.add(p + 'mlp.c_fc.weight', [F, C], 'linear');
    t.add(p + 'mlp.c_fc.bias', [F], 'bias');
    t.add(p + 'mlp.c_proj.weight', [C, F], 'linear');
    t.add(p + 'mlp.c_proj.bias', [C], 'bias');
  }
  if (c.norm === 'pre') {
    t.add('ln_f.weight', [C], 'norm-gain');
    t.add('ln_f.bias', [C], 'norm-bias');
  }
  if (c.family === 'bert') {
    t.add('mlm.dense.weight', [C, C], 'linear');
    t.add('mlm.dense.bias', [C], 'bias');
    t.add('mlm.ln.weight', [C], 'norm-gain');
    t.add('mlm.ln.bias', [C], 'norm-bias');
    t.add('mlm.bias', [c.vocabSize], 'bias');
    t.add('pooler.dense.weight', [C, C], 'linear');
    t.add('pooler.dense.bias', [C], 'bias');
  }
  return t;
}

/** Fixed sinusoidal position table (T, C): PE[t, 2i] = sin(t / 10000^(2i/C)), PE[t, 2i+1] = cos(same angle). */
export function sinusoidalTable(T: number, C: number): Float32Array {
  const pe = new Float32Array(T * C);
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < C; i += 2) {
      const angle = t / Math.pow(10000, i / C);
      pe[t * C + i] = Math.sin(angle);
      if (i + 1 < C) pe[t * C + i + 1] = Math.cos(angle);
    }
  }
  return pe;
}
