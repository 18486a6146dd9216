// The analysis worker's compute: loads checkpoints and ONNX sessions (kept for reuse), runs inference, hides special
// tokens, keeps retained views and cuts them. It never touches the store; the service resolves runs to files first.
// Every answer holds typed arrays that own their buffers exactly (structured clone sends a view's whole buffer).
import { readFileSync, rmSync } from 'node:fs';
import { basename } from 'node:path';
import type { ChannelArgs, ChannelOutput } from '../../../common/api';
import { getKernels } from '../../../native-kernels/index';
import { tokenText, type TextTokenizer } from '../../data/tokenizers/index';
import type { AttentionReply, BareView, CheckpointRef, CheckpointSource, ContinueRequest, ExportCheck, ExportReply, MatrixCut, PooledThumbnails } from './protocol';
import { inferText, loadForInference, type LoadedCheckpoint } from '../../ml/inference';
import { sinusoidalTable } from '../../ml/params';
import { exportOnnx } from '../../onnx/export';
import { checkParity, type ParityReport } from '../../onnx/parity';
import { openImportedFile, runImported, type ImportedModel } from '../../onnx/import';
import { RetainedViews } from './retained';
import { continueProbe, fillProbe } from './probes';
import { dotProductSteps, hideTokens, looksCausal, rounded, sig6 } from '../../ml/attention-math';
import { LabError } from '../../../common/errors';

type Token = BareView['tokens'][number];
type TopK = { k: number; ids: Int32Array; probs: Float32Array };

/** `a` itself when it spans its whole buffer, else a copy that does. */
function owned(a: Float32Array): Float32Array {
  return a.byteOffset === 0 && a.byteLength === a.buffer.byteLength ? a : a.slice();
}

function unknownId(tokenizer: TextTokenizer): number | null {
  try {
    return tokenizer.specialId('[UNK]');
  } catch {
    return null;
  }
}

function predictionRows(topK: TopK | null, rows: readonly number[], tokenizer: TextTokenizer): BareView['predictions'] {
  if (topK === null) return [];
  return rows.map((t) => Array.from({ length: topK.k }, (_, j) => {
    const id = topK.ids[t * topK.k + j];
    return { id, token: tokenText(tokenizer, id), probability: sig6(topK.probs[t * topK.k + j]) };
  }));
}

interface RawView {
  source: BareView['source'];
  family: BareView['family'];
  causal: boolean;
  tokens: Token[];
  attention: Float32Array | null;
  L: number;
  NH: number;
  truncated: boolean;
  fullLength: number;
  windowStart: number;
  contextLength: number | null;
  topK: TopK | null;
  positional: BareView['positional'];
  positionalValues: Float32Array | null;
  notes: string[];
  /** an imported ONNX model's feeds, outputs, logits and attention outputs */
  onnx?: BareView['onnx'];
}

/** The view with special tokens dropped (and rows renormalised) when asked, and the attention it shows. */
function finishView(raw: RawView, tokenizer: TextTokenizer, hideSpecial: boolean): AttentionReply {
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
  const view: BareView = {
    source: raw.source, family: raw.family, causal: raw.causal,
    tokens: keep.map((i) => raw.tokens[i]),
    L: attention === null ? 0 : raw.L, NH: attention === null ? 0 : raw.NH, T: keep.length,
    truncated: raw.truncated, fullLength: raw.fullLength, windowStart: raw.windowStart, contextLength: raw.contextLength,
    specialsHidden: hiding,
    predictions: predictionRows(raw.topK, keep, tokenizer),
    positional: raw.positional, notes,
    ...(raw.onnx === undefined ? {} : { onnx: raw.onnx }),
  };
  return { view, attention: attention === null ? null : owned(attention), positional: raw.positionalValues };
}

/** Says which part of a too-long input is shown: `first`/`last` are 1-based token numbers in the text, specials excluded. */
function truncationNote(truncated: boolean, fullLength: number, T: number, tokens: { special: boolean }[], windowStart: number): string[] {
  if (!truncated) return [];
  const shown = tokens.filter((t) => !t.special).length;
  const first = windowStart + 1;
  const last = windowStart + shown;
  return [first === 1
    ? `The input is ${fullLength} tokens long; only the first ${T} fit the model's context and are shown (text tokens 1–${last}). Set the window start to look further on.`
    : `The input is ${fullLength} tokens long; the model's context holds ${T}, so text tokens ${first}–${last} are shown.`];
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

  clear(): void {
    for (const value of this.items.values()) this.evict(value);
    this.items.clear();
  }
}

type AttentionOptions = { text: string; pair?: string; window: 'truncate' | 'error'; start: number; hideSpecial: boolean; topK: number; retain: boolean };

export class AnalysisEngine {
  private readonly models = new Recent<LoadedCheckpoint>(4);
  private readonly sessions = new Recent<ImportedModel>(2, (m) => {
    m.session.close().catch((e: unknown) => console.error(`Closing the onnxruntime session of ${m.label} failed:`, e));
  });
  private readonly retained = new RetainedViews();

  private load(ckpt: CheckpointSource): Promise<LoadedCheckpoint> {
    return this.models.get(`${ckpt.dir}@${ckpt.stamp}`, () => loadForInference(getKernels(), ckpt.dir));
  }

  /**
   * Answers from the retained views when this model file, text and options were analysed before (retain only);
   * otherwise runs `compute` and, with retain, keeps its attention under the key and sends the view without it.
   */
  private async retainedOr(file: string, input: AttentionOptions, compute: () => Promise<AttentionReply>): Promise<AttentionReply> {
    if (!input.retain) return compute();
    const key = RetainedViews.keyOf({ file, text: input.text, pair: input.pair ?? null, window: input.window, start: input.start, hideSpecial: input.hideSpecial, topK: input.topK });
    const hit = this.retained.peek(key);
    if (hit !== undefined) return { view: hit.view, attention: null, positional: hit.positional };
    const reply = await compute();
    if (reply.attention === null) return reply;
    const view = { ...reply.view, key };
    this.retained.put(key, {
      view, positional: reply.positional, attention: reply.attention, L: view.L, NH: view.NH, T: view.T, causal: view.causal,
      rollouts: new Map(), thumbnails: new Map(),
    });
    return { view, attention: null, positional: reply.positional };
  }

  /** probe.fill: each run's top-k fillers of the text's [MASK]s (ml/probes.ts). */
  fill(refs: CheckpointRef[], text: string, topK: number): Promise<ChannelOutput<'probe.fill'>> {
    return fillProbe(refs, text, topK, (ref) => this.load(ref));
  }

  /** probe.continue: each run's continuation of the prompt (ml/probes.ts). */
  continue(refs: CheckpointRef[], request: ContinueRequest): Promise<ChannelOutput<'probe.continue'>> {
    return continueProbe(refs, request, (ref) => this.load(ref));
  }

  async attention(ckpt: CheckpointSource, input: ChannelArgs<'analysis.attention'>): Promise<AttentionReply> {
    const loaded = await this.load(ckpt);
    return this.retainedOr(`${ckpt.dir}@${ckpt.stamp}`, input, async () => this.runAttention(ckpt, loaded, input));
  }

  private runAttention(ckpt: CheckpointSource, loaded: LoadedCheckpoint, input: ChannelArgs<'analysis.attention'>): AttentionReply {
    const { model, tokenizer } = loaded;
    const r = inferText(model, tokenizer, input.text, { pair: input.pair, window: input.window, start: input.start, topK: input.topK });
    const c = model.config;
    const unk = unknownId(tokenizer);
    const tokens = r.tokens.map((t) => ({ ...t, unknown: unk !== null && t.id === unk }));
    const notes = truncationNote(r.truncated, r.fullLength, r.T, r.tokens, r.windowStart);
    const unknown = tokens.filter((t) => t.unknown);
    if (unknown.length > 0) {
      const chars = [...new Set(unknown.map((t) => input.text.slice(t.start, t.end)))].slice(0, 8).map((s) => JSON.stringify(s)).join(', ');
      notes.push(`${unknown.length} token${unknown.length === 1 ? '' : 's'} became [UNK]: the tokenizer has no token for ${chars}.`);
    }
    const table = c.positions === 'learned' ? model.params.view('wpe').slice(0, r.T * c.dModel) : sinusoidalTable(r.T, c.dModel);
    return finishView({
      // a folder's step is the one its checkpoint saved
      source: { kind: 'run', runId: ckpt.runId, label: ckpt.runName, step: ckpt.step ?? loaded.step },
      family: r.family, causal: r.family === 'gpt', tokens, attention: r.attention, L: r.L, NH: r.NH,
      truncated: r.truncated, fullLength: r.fullLength, windowStart: r.windowStart, contextLength: c.contextLength, topK: r.topK,
      positional: { kind: c.positions, T: r.T, C: c.dModel }, positionalValues: owned(table), notes,
    }, tokenizer, input.hideSpecial);
  }

  async headSteps(ckpt: CheckpointSource, input: ChannelArgs<'analysis.headSteps'>): Promise<ChannelOutput<'analysis.headSteps'>> {
    const { model, tokenizer } = await this.load(ckpt);
    const c = model.config;
    const check = (value: number, count: number, what: string, field: string): void => {
      if (value >= count) throw new LabError('invalid_input', `${what} ${value} does not exist: this model has ${count}, numbered 0 to ${count - 1}.`, { field });
    };
    check(input.layer, c.nLayer, 'Layer', 'layer');
    check(input.head, c.nHead, 'Head', 'head');
    const r = inferText(model, tokenizer, input.text, { pair: input.pair, window: input.window, start: input.start });
    check(input.query, r.T, 'Query token', 'query');
    const qkv = model.acts.view(`h.${input.layer}.qkv`).subarray(0, r.T * 3 * c.dModel);
    const s = dotProductSteps(qkv, r.T, c.dModel, c.nHead, input.head, input.query, r.family === 'gpt');
    const rowStart = ((input.layer * c.nHead + input.head) * r.T + input.query) * r.T;
    const row = r.attention.subarray(rowStart, rowStart + r.T);
    const checkDifference = s.weights.reduce((m, w, j) => Math.max(m, Math.abs(w - row[j])), 0);
    const unk = unknownId(tokenizer);
    return {
      layer: input.layer, head: input.head, query: input.query, dHead: c.dModel / c.nHead,
      tokens: r.tokens.map((t) => ({ ...t, unknown: unk !== null && t.id === unk })),
      q: rounded(s.q), keys: s.keys.map(rounded), values: s.values.map(rounded),
      scores: rounded(s.scores), scaled: rounded(s.scaled), masked: s.masked.map((v) => (v === null ? null : sig6(v))),
      weights: rounded(s.weights), output: rounded(s.output), checkDifference,
    };
  }

  async onnxRun(path: string, stamp: number, input: ChannelArgs<'analysis.onnxRun'>): Promise<AttentionReply> {
    // a chosen tokenizer or thread count opens a session of its own
    const file = `${path}@${stamp}|${input.tokenizer ?? ''}|${input.threads ?? ''}`;
    return this.retainedOr(file, input, async () => {
      const m = await this.sessions.get(file, () => openImportedFile(path, { threads: input.threads, tokenizerPath: input.tokenizer }));
      const r = await runImported(m, input.text, { topK: input.topK, window: input.window, start: input.start });
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
        truncated: r.truncated, fullLength, windowStart: r.windowStart, contextLength: m.contextLength, topK: r.topK, positional: null,
        positionalValues: null, notes: [...truncationNote(r.truncated, fullLength, T, tokens, r.windowStart), ...r.notes],
        onnx: { feeds: r.feeds, outputs: r.outputs, logitsOutput: r.logitsOutput, attentionOutputs: att?.names ?? [] },
      }, m.tokenizer, input.hideSpecial);
    });
  }

  /**
   * Writes the ONNX file; with `check`, runs `check.text` through onnxruntime on it and through the native forward and
   * removes a file that does not match within the tolerance (or whose check failed): a failed export is never left to be
   * used later as if it were good.
   */
  async exportOnnx(ckpt: CheckpointSource, out: string, check: ExportCheck | null): Promise<ExportReply> {
    const loaded = await this.load(ckpt);
    const info = exportOnnx(loaded.model, loaded.tokenizerJson, out);
    const family = loaded.model.config.family;
    const step = ckpt.step ?? loaded.step;
    if (check === null) return { ...info, family, step, parity: null };
    let parity: ParityReport;
    try {
      parity = await checkParity(loaded.model, loaded.tokenizer, readFileSync(out), check.text, undefined, check.tolerance);
    } catch (e) {
      rmSync(out, { force: true });
      throw e;
    }
    if (!parity.ok) {
      rmSync(out, { force: true });
      throw new LabError('internal', `The exported model does not match the native forward within ${check.tolerance} (max |Δ| logits ${parity.logits.toExponential(2)}, `
        + `attention ${parity.attention.toExponential(2)} over ${parity.tokens} tokens), so ${out} was removed. Please report this with the run's config.`);
    }
    return { ...info, family, step, parity };
  }

  matrix(input: ChannelArgs<'analysis.matrix'>): MatrixCut {
    return this.retained.matrix(input);
  }

  thumbnails(input: ChannelArgs<'analysis.thumbnails'>): PooledThumbnails {
    return this.retained.thumbnails(input);
  }

  /** Frees the onnxruntime sessions' native memory before the worker leaves. */
  close(): void {
    this.sessions.clear();
  }
}

