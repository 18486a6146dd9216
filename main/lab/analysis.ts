// The attention explorer's service: a run's checkpoints, attention of every layer and head on a text (sent whole, or
// retained under a key so the page fetches one matrix at a time), one head's scaled dot-product step by step, and
// imported ONNX models (inspect, run) and ONNX export of a run.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { ChannelArgs, ChannelOutput } from '../../preload/api';
import { getKernels } from '../../native-kernels/index';
import type { TextTokenizer } from '../data/tokenizers/index';
import { inferText, loadForInference, type InferResult, type LoadedCheckpoint } from '../ml/inference';
import { sinusoidalTable } from '../ml/params';
import { decodeOnnx, describeOnnx } from '../onnx/inspect';
import { exportOnnx } from '../onnx/export';
import { openImportedFile, runImported, type ImportedModel } from '../onnx/import';
import type { LabContext } from './context';
import { LabError } from './errors';
import { RetainedViews } from './analysis-retained';
import { RunService } from './runs';

type View = ChannelOutput<'analysis.attention'>;
type Token = View['tokens'][number];
/** what makes two analyses the same, besides the model file */
type RetainInput = { text: string; pair?: string; window: string; hideSpecial: boolean; topK: number; retain: boolean };

/** 6 significant digits: enough for any weight a person reads, and a third of the JSON of a full double. */
export function sig6(v: number): number {
  return v === 0 || !Number.isFinite(v) ? v : Number(v.toPrecision(6));
}

function rounded(a: ArrayLike<number>): number[] {
  const out = new Array<number>(a.length);
  for (let i = 0; i < a.length; i++) out[i] = sig6(a[i]);
  return out;
}

/**
 * Keeps only the tokens at `keep` (positions in 0..T-1) of an (L,NH,T,T) attention array: drops the other rows and
 * columns and rescales each kept row so it sums to 1 again. A row whose kept weights are all 0 stays 0.
 * Returns (L,NH,K,K) with K = keep.length.
 */
export function hideTokens(attention: Float32Array, shape: readonly [number, number, number, number], keep: readonly number[]): Float32Array {
  const [L, NH, T] = shape;
  const K = keep.length;
  const out = new Float32Array(L * NH * K * K);
  for (let m = 0; m < L * NH; m++) {
    for (let a = 0; a < K; a++) {
      const src = m * T * T + keep[a] * T;
      const dst = m * K * K + a * K;
      let sum = 0;
      for (let b = 0; b < K; b++) sum += attention[src + keep[b]];
      for (let b = 0; b < K; b++) out[dst + b] = sum > 0 ? attention[src + keep[b]] / sum : 0;
    }
  }
  return out;
}

/** True when every weight above the diagonal is (numerically) 0: the model attends only to itself and earlier tokens. */
export function looksCausal(attention: Float32Array, T: number): boolean {
  if (T < 2 || attention.length === 0) return false;
  for (let m = 0; m < attention.length / (T * T); m++) {
    for (let i = 0; i < T; i++) for (let j = i + 1; j < T; j++) if (attention[m * T * T + i * T + j] > 1e-7) return false;
  }
  return true;
}

export interface DotProductSteps {
  q: number[];
  keys: number[][];
  values: number[][];
  scores: number[];
  scaled: number[];
  masked: (number | null)[];
  weights: number[];
  output: number[];
}

/**
 * softmax(q·Kᵀ/√d_k + mask)·V for one query token of one head, from a layer's qkv activation (T,3C) laid out as
 * [q | k | v], each C wide and split into NH heads of C/NH. Causal: keys after the query are masked (−∞ → null).
 */
export function dotProductSteps(qkv: Float32Array, T: number, C: number, NH: number, head: number, query: number, causal: boolean): DotProductSteps {
  const hs = C / NH;
  const at = (t: number, part: number): number[] => Array.from(qkv.subarray(t * 3 * C + part * C + head * hs, t * 3 * C + part * C + (head + 1) * hs));
  const q = at(query, 0);
  const keys = Array.from({ length: T }, (_, j) => at(j, 1));
  const values = Array.from({ length: T }, (_, j) => at(j, 2));
  const scores = keys.map((k) => k.reduce((s, kd, d) => s + kd * q[d], 0));
  const scaled = scores.map((s) => s / Math.sqrt(hs));
  const masked = scaled.map((s, j) => (causal && j > query ? null : s));
  const max = Math.max(...masked.filter((s): s is number => s !== null));
  const exps = masked.map((s) => (s === null ? 0 : Math.exp(s - max)));
  const total = exps.reduce((a, b) => a + b, 0);
  const weights = exps.map((e) => e / total);
  const output = q.map((_, d) => weights.reduce((s, w, j) => s + w * values[j][d], 0));
  return { q, keys, values, scores, scaled, masked, weights, output };
}

function unknownId(tokenizer: TextTokenizer): number | null {
  try {
    return tokenizer.specialId('[UNK]');
  } catch {
    return null;
  }
}

function predictionRows(topK: { k: number; ids: Int32Array; probs: Float32Array } | null, rows: readonly number[], tokenizer: TextTokenizer): View['predictions'] {
  if (topK === null) return [];
  return rows.map((t) => Array.from({ length: topK.k }, (_, j) => {
    const id = topK.ids[t * topK.k + j];
    return { id, token: tokenizer.idToToken(id) ?? `#${id}`, probability: sig6(topK.probs[t * topK.k + j]) };
  }));
}

interface RawView {
  source: View['source'];
  family: View['family'];
  causal: boolean;
  tokens: Token[];
  attention: Float32Array | null;
  L: number;
  NH: number;
  truncated: boolean;
  fullLength: number;
  contextLength: number | null;
  topK: { k: number; ids: Int32Array; probs: Float32Array } | null;
  positional: View['positional'];
  notes: string[];
}

/** How the attention travels: a number array, base64 float32, or not at all (kept in the service under a key). */
type Sending = 'numbers' | 'packed' | 'none';

function sending(input: { packed: boolean; retain: boolean }): Sending {
  return input.retain ? 'none' : input.packed ? 'packed' : 'numbers';
}

/** The channel's answer, with special tokens dropped (and rows renormalised) when asked, and the attention it shows. */
function finishView(raw: RawView, tokenizer: TextTokenizer, hideSpecial: boolean, send: Sending): { view: View; attention: Float32Array | null } {
  const T = raw.tokens.length;
  const all = raw.tokens.map((_, i) => i);
  const keep = hideSpecial ? all.filter((i) => !raw.tokens[i].special) : all;
  const notes = [...raw.notes];
  let attention = raw.attention;
  const hiding = hideSpecial && keep.length < T;
  if (hiding && attention !== null) {
    attention = hideTokens(attention, [raw.L, raw.NH, T, T], keep);
    const names = [...new Set(raw.tokens.filter((t) => t.special).map((t) => t.token))].join(', ');
    notes.push(`Special tokens (${names}) are hidden; each remaining row was renormalised to sum to 1, so the weights are shares of the attention that went to the text.`);
  }
  const view: View = {
    source: raw.source, family: raw.family, causal: raw.causal,
    tokens: keep.map((i) => raw.tokens[i]),
    L: attention === null ? 0 : raw.L, NH: attention === null ? 0 : raw.NH, T: keep.length,
    attention: attention === null || send !== 'numbers' ? [] : rounded(attention),
    ...(attention !== null && send === 'packed' ? { attentionPacked: Buffer.from(attention.buffer, attention.byteOffset, attention.byteLength).toString('base64') } : {}),
    truncated: raw.truncated, fullLength: raw.fullLength, contextLength: raw.contextLength,
    specialsHidden: hiding,
    predictions: predictionRows(raw.topK, keep, tokenizer),
    positional: raw.positional, notes,
  };
  return { view, attention };
}

function truncationNote(truncated: boolean, fullLength: number, T: number): string[] {
  return truncated ? [`The input is ${fullLength} tokens long; only the first ${T} fit the model's context and are shown.`] : [];
}

/** Keeps the last few opened checkpoints and ONNX sessions: the training slider and tab switches reopen the same ones. */
class Recent<V> {
  private readonly items = new Map<string, V>();
  /** `evict` frees what a dropped entry holds (an onnxruntime session's native memory) */
  constructor(private readonly size: number, private readonly evict: (value: V) => void = () => {}) {}
  async get(key: string, open: () => V | Promise<V>): Promise<V> {
    const hit = this.items.get(key);
    if (hit !== undefined) {
      this.items.delete(key);
      this.items.set(key, hit);
      return hit;
    }
    const value = await open();
    this.items.set(key, value);
    if (this.items.size > this.size) {
      const [oldest, dropped] = this.items.entries().next().value as [string, V];
      this.items.delete(oldest);
      this.evict(dropped);
    }
    return value;
  }
}

interface RunCheckpoint {
  runId: number;
  runName: string;
  step: number;
  loaded: LoadedCheckpoint;
  /** the checkpoint file and its modification time: what a retained view's key is made from */
  file: string;
}

export class AnalysisService {
  private readonly runs: RunService;
  private readonly models = new Recent<LoadedCheckpoint>(4);
  private readonly sessions = new Recent<ImportedModel>(2, (m) => {
    m.session.close().catch((e: unknown) => console.error(`Closing the onnxruntime session of ${m.label} failed:`, e));
  });
  private readonly retained = new RetainedViews();

  constructor(private readonly ctx: LabContext) {
    this.runs = new RunService(ctx);
  }

  async checkpoints(input: ChannelArgs<'analysis.checkpoints'>): Promise<ChannelOutput<'analysis.checkpoints'>> {
    const run = this.runs.run(input.runId);
    return { runId: run.id, name: run.name, family: run.family, checkpoints: this.checkpointList(run.id) };
  }

  /** One entry per step (a step may have both a plain and a resumable record), oldest first. */
  private checkpointList(runId: number): { step: number; path: string }[] {
    const rows = this.ctx.db.prepare("SELECT step, path FROM artifacts WHERE run_id = ? AND kind = 'checkpoint' AND step IS NOT NULL ORDER BY step ASC, id DESC").all(runId) as { step: number; path: string }[];
    const byStep = new Map<number, string>();
    for (const r of rows) if (!byStep.has(r.step)) byStep.set(r.step, r.path);
    return [...byStep].map(([step, path]) => ({ step, path }));
  }

  private async loadRun(runId: number, step: number | undefined): Promise<RunCheckpoint> {
    const run = this.runs.run(runId);
    if (run.family !== 'gpt' && run.family !== 'bert') {
      throw new LabError('invalid_input', `Run ${runId} ("${run.name}") is a ${run.family} run; the attention explorer looks inside GPT and BERT runs only.`, { field: 'runId' });
    }
    const list = this.checkpointList(runId);
    if (list.length === 0) {
      throw new LabError('not_found', `Run ${runId} ("${run.name}") has no checkpoint yet (it is ${run.status}); open it once it has saved one.`, { field: 'runId' });
    }
    const chosen = step === undefined ? list[list.length - 1] : list.find((c) => c.step === step);
    if (chosen === undefined) {
      throw new LabError('not_found', `Run "${run.name}" has no checkpoint at step ${step}; its checkpoints are at steps ${list.map((c) => c.step).join(', ')}.`, { field: 'step' });
    }
    const dir = join(this.ctx.home, chosen.path);
    if (!existsSync(join(dir, 'model.safetensors'))) {
      throw new LabError('not_found', `The step-${chosen.step} checkpoint of run "${run.name}" is missing its files (${dir}); they were deleted or moved. Choose another step.`, { field: 'step' });
    }
    const stamp = statSync(join(dir, 'model.safetensors')).mtimeMs;
    const loaded = await this.models.get(`${dir}@${stamp}`, () => loadForInference(getKernels(), dir));
    return { runId, runName: run.name, step: chosen.step, loaded, file: `${dir}@${stamp}` };
  }

  private infer(ckpt: RunCheckpoint, input: { text: string; pair?: string; window: 'truncate' | 'error'; topK?: number }): InferResult {
    return inferText(ckpt.loaded.model, ckpt.loaded.tokenizer, input.text, { pair: input.pair, window: input.window, topK: input.topK });
  }

  /**
   * Answers from the retained views when this model file, text and options were analysed before (retain only);
   * otherwise runs `compute` and, with retain, keeps its attention under the key.
   */
  private async retainedOr(file: string, input: RetainInput, compute: () => Promise<{ view: View; attention: Float32Array | null }>): Promise<View> {
    const key = input.retain ? RetainedViews.keyOf({ file, text: input.text, pair: input.pair ?? null, window: input.window, hideSpecial: input.hideSpecial, topK: input.topK }) : '';
    const hit = input.retain ? this.retained.peek(key) : undefined;
    if (hit !== undefined) return hit.view;
    const { view, attention } = await compute();
    if (!input.retain || attention === null) return view;
    const kept = { ...view, key };
    this.retained.put(key, { view: kept, attention, L: view.L, NH: view.NH, T: view.T, causal: view.causal, rollouts: new Map(), thumbnails: new Map() });
    return kept;
  }

  async matrix(input: ChannelArgs<'analysis.matrix'>): Promise<ChannelOutput<'analysis.matrix'>> {
    return this.retained.matrix(input);
  }

  async thumbnails(input: ChannelArgs<'analysis.thumbnails'>): Promise<ChannelOutput<'analysis.thumbnails'>> {
    return this.retained.thumbnails(input);
  }

  async attention(input: ChannelArgs<'analysis.attention'>): Promise<View> {
    const ckpt = await this.loadRun(input.runId, input.step);
    return this.retainedOr(ckpt.file, input, async () => this.runAttention(ckpt, input));
  }

  private runAttention(ckpt: RunCheckpoint, input: ChannelArgs<'analysis.attention'>): { view: View; attention: Float32Array | null } {
    const r = this.infer(ckpt, input);
    const { model, tokenizer } = ckpt.loaded;
    const c = model.config;
    const unk = unknownId(tokenizer);
    const tokens = r.tokens.map((t) => ({ ...t, unknown: unk !== null && t.id === unk }));
    const notes = truncationNote(r.truncated, r.fullLength, r.T);
    const unknown = tokens.filter((t) => t.unknown);
    if (unknown.length > 0) {
      const chars = [...new Set(unknown.map((t) => input.text.slice(t.start, t.end)))].slice(0, 8).map((s) => JSON.stringify(s)).join(', ');
      notes.push(`${unknown.length} token${unknown.length === 1 ? '' : 's'} became [UNK]: the tokenizer has no token for ${chars}.`);
    }
    const table = c.positions === 'learned' ? model.params.view('wpe').subarray(0, r.T * c.dModel) : sinusoidalTable(r.T, c.dModel);
    return finishView({
      source: { kind: 'run', runId: ckpt.runId, label: ckpt.runName, step: ckpt.step },
      family: r.family, causal: r.family === 'gpt', tokens, attention: r.attention, L: r.L, NH: r.NH,
      truncated: r.truncated, fullLength: r.fullLength, contextLength: c.contextLength, topK: r.topK,
      positional: { kind: c.positions, T: r.T, C: c.dModel, values: rounded(table) }, notes,
    }, tokenizer, input.hideSpecial, sending(input));
  }

  async headSteps(input: ChannelArgs<'analysis.headSteps'>): Promise<ChannelOutput<'analysis.headSteps'>> {
    const ckpt = await this.loadRun(input.runId, input.step);
    const c = ckpt.loaded.model.config;
    const check = (value: number, count: number, what: string, field: string): void => {
      if (value >= count) throw new LabError('invalid_input', `${what} ${value} does not exist: this model has ${count}, numbered 0 to ${count - 1}.`, { field });
    };
    check(input.layer, c.nLayer, 'Layer', 'layer');
    check(input.head, c.nHead, 'Head', 'head');
    const r = this.infer(ckpt, input);
    check(input.query, r.T, 'Query token', 'query');
    const qkv = ckpt.loaded.model.acts.view(`h.${input.layer}.qkv`).subarray(0, r.T * 3 * c.dModel);
    const s = dotProductSteps(qkv, r.T, c.dModel, c.nHead, input.head, input.query, r.family === 'gpt');
    const row = r.attention.subarray(((input.layer * c.nHead + input.head) * r.T + input.query) * r.T, ((input.layer * c.nHead + input.head) * r.T + input.query + 1) * r.T);
    const checkDifference = s.weights.reduce((m, w, j) => Math.max(m, Math.abs(w - row[j])), 0);
    const unk = unknownId(ckpt.loaded.tokenizer);
    return {
      layer: input.layer, head: input.head, query: input.query, dHead: c.dModel / c.nHead,
      tokens: r.tokens.map((t) => ({ ...t, unknown: unk !== null && t.id === unk })),
      q: rounded(s.q), keys: s.keys.map(rounded), values: s.values.map(rounded),
      scores: rounded(s.scores), scaled: rounded(s.scaled), masked: s.masked.map((v) => (v === null ? null : sig6(v))),
      weights: rounded(s.weights), output: rounded(s.output), checkDifference,
    };
  }

  private onnxPath(path: string): string {
    const full = resolve(path);
    if (!existsSync(full) || !statSync(full).isFile()) {
      throw new LabError('not_found', `There is no ONNX file at "${full}"; check the path (it must name an .onnx file, not a folder).`, { field: 'path' });
    }
    return full;
  }

  async onnxInspect(input: ChannelArgs<'analysis.onnxInspect'>): Promise<ChannelOutput<'analysis.onnxInspect'>> {
    const path = this.onnxPath(input.path);
    const d = describeOnnx(decodeOnnx(readFileSync(path), basename(path)));
    const metadata = Object.fromEntries(Object.entries(d.metadata).map(([k, v]) => [k, v.length > 200 ? `(${v.length} characters)` : v]));
    const family = d.metadata.family === 'gpt' || d.metadata.family === 'bert' ? d.metadata.family : null;
    return {
      path, irVersion: d.irVersion, opset: d.opset, producer: d.producer, family, inputs: d.inputs, outputs: d.outputs, metadata,
      nodeCount: d.nodeCount, operators: d.operators, attentionOutputs: d.attention,
      hasTokenizer: d.metadata.tokenizer !== undefined || existsSync(join(dirname(path), 'tokenizer.json')),
    };
  }

  async onnxRun(input: ChannelArgs<'analysis.onnxRun'>): Promise<View> {
    const path = this.onnxPath(input.path);
    const file = `${path}@${statSync(path).mtimeMs}`;
    return this.retainedOr(file, input, async () => this.runOnnx(file, path, input));
  }

  private async runOnnx(file: string, path: string, input: ChannelArgs<'analysis.onnxRun'>): Promise<{ view: View; attention: Float32Array | null }> {
    const m = await this.sessions.get(file, () => openImportedFile(path));
    const r = await runImported(m, input.text, { topK: input.topK, window: input.window });
    const unk = unknownId(m.tokenizer);
    const tokens = r.tokens.map((t) => ({ ...t, segment: 0, special: t.start === -1, unknown: unk !== null && t.id === unk }));
    const att = r.attention;
    const T = tokens.length;
    const causal = m.family === 'gpt' || (m.family === null && att !== null && looksCausal(att.data, T));
    // the tokens the whole text would give, plus the specials the model adds around it
    const fullLength = r.truncated ? m.tokenizer.encode(input.text).ids.length + tokens.filter((t) => t.special).length : T;
    return finishView({
      source: { kind: 'onnx', runId: null, label: basename(path), step: null },
      family: m.family, causal, tokens, attention: att?.data ?? null, L: att?.shape[0] ?? 0, NH: att?.shape[1] ?? 0,
      truncated: r.truncated, fullLength, contextLength: m.contextLength, topK: r.topK, positional: null,
      notes: [...truncationNote(r.truncated, fullLength, T), ...r.notes],
    }, m.tokenizer, input.hideSpecial, sending(input));
  }

  async exportOnnx(input: ChannelArgs<'analysis.exportOnnx'>): Promise<ChannelOutput<'analysis.exportOnnx'>> {
    const ckpt = await this.loadRun(input.runId, input.step);
    const out = input.path === undefined
      ? join(this.ctx.home, 'exports', `run-${ckpt.runId}-step-${ckpt.step}.onnx`)
      : isAbsolute(input.path) ? input.path : join(this.ctx.home, 'exports', input.path);
    const info = exportOnnx(ckpt.loaded.model, ckpt.loaded.tokenizerJson, out);
    this.runs.addArtifact(ckpt.runId, {
      kind: 'onnx', path: relative(this.ctx.home, out), sha256: info.sha256, bytes: info.bytes, step: ckpt.step,
      meta: { opset: info.opset, inputs: info.inputs, outputs: info.outputs, absolutePath: out },
    });
    return { ...info, step: ckpt.step };
  }
}
