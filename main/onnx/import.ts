// ONNX import: open any .onnx Transformer (ours or a third-party export with its tokenizer.json), supply its inputs
// by name, run it in onnxruntime with the attention Softmax outputs exposed, and read top-k where it has an LM head.
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { loadTokenizer, tokenText, type TextTokenizer } from '../data/tokenizers/index';
import { topKRows } from '../ml/inference';
import { LabError } from '../../common/errors';
import { ONNX_FORMAT } from './export';
import { decodeOnnx, describeOnnx, exposeAttention, type OnnxDescription, type TensorDescription } from './inspect';
import { openSession, type OnnxSession, type OnnxTensor } from './runtime';

export type InputRole = 'input_ids' | 'attention_mask' | 'token_type_ids' | 'position_ids';

export interface ImportedModel {
  label: string;
  description: OnnxDescription;
  /** 'bert' / 'gpt' from our own metadata; null for a third-party model */
  family: 'gpt' | 'bert' | null;
  tokenizer: TextTokenizer;
  /** the longest sequence the model takes, when its metadata or input shapes say; null = not stated */
  contextLength: number | null;
  /** what each graph input is fed with */
  roles: Map<string, InputRole>;
  session: OnnxSession;
}

export interface ImportedToken {
  id: number;
  token: string;
  /** [start, end) in the text; -1 for special tokens added around it */
  start: number;
  end: number;
}

export interface ImportedResult {
  tokens: ImportedToken[];
  truncated: boolean;
  /** index among the text's own tokens of the first one kept (0 unless a later window was asked for) */
  windowStart: number;
  /** which graph input got what */
  feeds: { name: string; role: InputRole }[];
  outputs: { name: string; type: string; dims: number[] }[];
  /** the output read as the LM head's logits (null when no output looks like one) and its top-k per position */
  logitsOutput: string | null;
  topK: { k: number; ids: Int32Array; probs: Float32Array } | null;
  /** (L,NH,T,T) probabilities of the attention Softmax outputs, stacked in graph order; null when there are none */
  attention: { names: string[]; data: Float32Array; shape: [number, number, number, number] } | null;
  /** a sentence for the person when something is not shown (no attention, no LM head) */
  notes: string[];
}

/** Which input a graph input name asks for; null when we cannot tell. */
export function inputRole(name: string): InputRole | null {
  const n = name.toLowerCase();
  if (/token_?type|segment/.test(n)) return 'token_type_ids';
  if (/position/.test(n)) return 'position_ids';
  if (/mask/.test(n)) return 'attention_mask';
  if (/input_?ids|^ids$|token_?ids|^tokens?$|^input$/.test(n)) return 'input_ids';
  return null;
}

/** Assigns a role to every input; an unnamed lone integer input is taken as the token ids; anything left is refused. */
function assignRoles(label: string, inputs: TensorDescription[]): Map<string, InputRole> {
  const roles = new Map<string, InputRole>();
  for (const i of inputs) {
    const r = inputRole(i.name);
    if (r !== null) roles.set(i.name, r);
  }
  const unmatched = inputs.filter((i) => !roles.has(i.name));
  if (![...roles.values()].includes('input_ids') && unmatched.length === 1 && /int/.test(unmatched[0].type)) roles.set(unmatched[0].name, 'input_ids');
  const left = inputs.filter((i) => !roles.has(i.name));
  if (left.length > 0) {
    const i = left[0];
    throw new LabError('invalid_input', `${label} needs an input "${i.name}" (${i.type}${i.shape ? ` [${i.shape.join(', ')}]` : ''}) that Attention Lab cannot supply; it supplies token ids, attention mask, token type ids and position ids (export the model without past key/values or extra inputs).`, { field: i.name });
  }
  if (![...roles.values()].includes('input_ids')) {
    throw new LabError('invalid_input', `${label} has no input for token ids (inputs: ${inputs.map((i) => i.name).join(', ') || 'none'}); Attention Lab runs text models whose first input is input_ids.`, { field: 'input_ids' });
  }
  return roles;
}

function contextFrom(desc: OnnxDescription): number | null {
  const config = desc.metadata.config;
  if (config !== undefined) {
    try {
      const n = (JSON.parse(config) as { contextLength?: unknown }).contextLength;
      if (typeof n === 'number') return n;
    } catch { /* a third-party "config" entry that is not ours: fall through to the input shape */ }
  }
  const ids = desc.inputs.find((i) => inputRole(i.name) === 'input_ids');
  const seq = ids?.shape?.[ids.shape.length - 1];
  return typeof seq === 'number' ? seq : null;
}

export interface OpenOptions {
  /** a tokenizer.json the person chose: used even when the model carries one */
  tokenizerJson?: string | null;
  /** a tokenizer.json found beside the file: used only when the model carries none */
  fallbackTokenizerJson?: string | null;
  threads?: number;
  /** how messages name the model, e.g. its file name */
  label?: string;
}

/** Opens model bytes with the chosen tokenizer, else the one in our metadata, else the fallback. */
export async function openImported(bytes: Uint8Array, opts: OpenOptions = {}): Promise<ImportedModel> {
  const label = opts.label ?? 'This ONNX model';
  const model = decodeOnnx(bytes, label);
  const description = describeOnnx(model);
  const tokenizerJson = opts.tokenizerJson ?? description.metadata.tokenizer ?? opts.fallbackTokenizerJson ?? null;
  if (tokenizerJson === null) {
    throw new LabError('not_found', `${label} carries no tokenizer and none was given; put its tokenizer.json beside the .onnx file.`, { field: 'tokenizer' });
  }
  const tokenizer = loadTokenizer(tokenizerJson);
  const roles = assignRoles(label, description.inputs); // an input we cannot supply is refused before loading
  const { bytes: rewritten } = exposeAttention(model);
  const session = await openSession(rewritten, { threads: opts.threads }, label);
  const ours = description.metadata.format === ONNX_FORMAT;
  const family = ours && (description.metadata.family === 'gpt' || description.metadata.family === 'bert') ? description.metadata.family : null;
  return { label, description, family, tokenizer, contextLength: contextFrom(description), roles, session };
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new LabError('not_found', `Cannot read ${what} "${path}": ${(e as Error).message}.`, { field: what, cause: e });
  }
}

/** Reads path and opens it; tokenizerPath (a person's choice) wins, else the model's own, else tokenizer.json beside it. */
export async function openImportedFile(path: string, opts: { threads?: number; tokenizerPath?: string } = {}): Promise<ImportedModel> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new LabError('not_found', `Cannot read the ONNX file "${path}": ${(e as Error).message}.`, { field: 'file', cause: e });
  }
  const beside = join(dirname(path), 'tokenizer.json');
  return openImported(bytes, {
    tokenizerJson: opts.tokenizerPath === undefined ? null : readText(opts.tokenizerPath, 'the tokenizer file'),
    fallbackTokenizerJson: existsSync(beside) ? readText(beside, 'the tokenizer file') : null,
    threads: opts.threads,
    label: basename(path),
  });
}

/** Special tokens around the text, as the tokenizer's post-processor (or, for our BERT, training) puts them. */
function wrapSpecials(m: ImportedModel): { before: ImportedToken[]; after: ImportedToken[] } {
  const tok = m.tokenizer;
  const special = (content: string): ImportedToken => {
    const id = tok.tokenToId(content);
    if (id === undefined) throw new LabError('bad_file', `The tokenizer's post-processor adds "${content}", which is not in its vocabulary.`, { field: 'tokenizer' });
    return { id, token: content, start: -1, end: -1 };
  };
  if (m.family === 'bert') {
    const cls = tok.specialId('[CLS]');
    return { before: [{ id: cls, token: tok.idToToken(cls) ?? '[CLS]', start: -1, end: -1 }], after: [] };
  }
  if (m.family === 'gpt') return { before: [], after: [] };
  const post = (tok.toJSON() as { post_processor?: { type?: string; cls?: [string, number]; sep?: [string, number]; single?: unknown[] } | null }).post_processor;
  if (post?.type === 'BertProcessing' || post?.type === 'RobertaProcessing') {
    return { before: post.cls ? [special(post.cls[0])] : [], after: post.sep ? [special(post.sep[0])] : [] };
  }
  if (post?.type === 'TemplateProcessing' && Array.isArray(post.single)) {
    const before: ImportedToken[] = [];
    const after: ImportedToken[] = [];
    let seenText = false;
    for (const piece of post.single as { SpecialToken?: { id: string }; Sequence?: unknown }[]) {
      if (piece.Sequence !== undefined) seenText = true;
      else if (piece.SpecialToken !== undefined) (seenText ? after : before).push(special(piece.SpecialToken.id));
    }
    return { before, after };
  }
  return { before: [], after: [] };
}

function feedTensor(d: TensorDescription, values: number[]): OnnxTensor {
  const dims = d.shape !== null && d.shape.length === 1 ? [values.length] : [1, values.length];
  if (d.type === 'int64') return { data: BigInt64Array.from(values, (v) => BigInt(v)), dims, type: 'int64' };
  if (d.type === 'int32') return { data: Int32Array.from(values), dims, type: 'int32' };
  if (d.type === 'float') return { data: Float32Array.from(values), dims, type: 'float32' };
  if (d.type === 'bool') return { data: Uint8Array.from(values), dims, type: 'bool' };
  throw new LabError('invalid_input', `The input "${d.name}" has type ${d.type}; Attention Lab supplies integer, float or bool ids and masks only.`, { field: d.name });
}

/** Tokenizes `text`, runs the model once (batch 1) and collects logits top-k and the attention outputs. */
export async function runImported(m: ImportedModel, text: string, opts: { topK?: number; window?: 'truncate' | 'error'; start?: number } = {}): Promise<ImportedResult> {
  if (text.trim() === '') throw new LabError('invalid_input', 'The text is empty; type at least one word to run the model on.', { field: 'text' });
  const enc = m.tokenizer.encode(text);
  let body: ImportedToken[] = Array.from(enc.ids, (id, i) => ({ id, token: tokenText(m.tokenizer, id), start: enc.offsets[i][0], end: enc.offsets[i][1] }));
  const { before, after } = wrapSpecials(m);
  const full = before.length + body.length + after.length;
  const limit = m.contextLength;
  const truncated = limit !== null && full > limit;
  if (truncated && opts.window === 'error') {
    throw new LabError('invalid_input', `The text is ${full} tokens long, more than the model's ${limit}; shorten it or choose truncation.`, { field: 'text' });
  }
  let windowStart = 0;
  if (truncated) {
    // the window of the text's tokens that fits beside the model's specials, moved back when it would run off the end
    const room = Math.max(1, (limit as number) - before.length - after.length);
    windowStart = Math.max(0, Math.min(opts.start ?? 0, body.length - room));
    body = body.slice(windowStart, windowStart + room);
  }
  const tokens = [...before, ...body, ...after];
  const ids = tokens.map((t) => t.id);
  const roles = m.roles;
  const feeds: Record<string, OnnxTensor> = {};
  for (const d of m.description.inputs) {
    const role = roles.get(d.name) as InputRole;
    const values = role === 'input_ids' ? ids : role === 'attention_mask' ? ids.map(() => 1)
      : role === 'position_ids' ? ids.map((_, i) => i) : ids.map(() => 0);
    feeds[d.name] = feedTensor(d, values);
  }
  const results = await m.session.run(feeds);
  const T = tokens.length;
  const notes: string[] = [];
  const outputs = Object.entries(results).map(([name, t]) => ({ name, type: t.type, dims: t.dims }));

  const V = m.tokenizer.vocabSize;
  const logitsOutput = outputs.find((o) => o.type === 'float32' && o.dims.length === 3 && o.dims[1] === T
    && (o.name.toLowerCase().includes('logits') || o.dims[2] === V))?.name ?? null;
  let topK: ImportedResult['topK'] = null;
  if (logitsOutput !== null) {
    const t = results[logitsOutput];
    topK = topKRows(t.data as Float32Array, T, t.dims[2], opts.topK ?? 5);
  } else {
    notes.push(`No output of ${m.label} looks like language-model logits ([1, ${T}, vocabulary]), so there are no predictions to show.`);
  }

  const names = m.description.attention;
  let attention: ImportedResult['attention'] = null;
  if (names.length === 0) {
    notes.push(`${m.label} has no attention Softmax feeding a MatMul with the values (it may use a fused attention operator), so there is no attention to show.`);
  } else {
    const first = results[names[0]];
    const NH = first.dims.length === 4 ? first.dims[1] : first.dims.length === 3 ? first.dims[0] : 0;
    const fits = names.every((n) => results[n].type === 'float32' && results[n].data.length === NH * T * T);
    if (NH === 0 || !fits) {
      notes.push(`The attention outputs of ${m.label} do not have the [1, heads, ${T}, ${T}] float32 shape Attention Lab reads, so they are listed but not shown.`);
    } else {
      const data = new Float32Array(names.length * NH * T * T);
      names.forEach((n, l) => data.set(results[n].data as Float32Array, l * NH * T * T));
      attention = { names, data, shape: [names.length, NH, T, T] };
    }
  }
  return { tokens, truncated, windowStart, feeds: m.description.inputs.map((d) => ({ name: d.name, role: roles.get(d.name) as InputRole })), outputs, logitsOutput, topK, attention, notes };
}
