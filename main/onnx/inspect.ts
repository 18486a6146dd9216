// Reading any .onnx file: decode it safely, describe its inputs and outputs, find the attention Softmax nodes,
// and rewrite the model so their probabilities become extra graph outputs.
import onnxProto from 'onnx-proto';
import { LabError } from '../../common/errors';
import { onnx } from './graph';

type ModelProto = onnxProto.onnx.ModelProto;
type ValueInfo = onnxProto.onnx.IValueInfoProto;
type GraphProto = onnxProto.onnx.GraphProto;
type NodeProto = onnxProto.onnx.NodeProto;

/** Decoded messages are class instances whose repeated fields are always arrays, which the interfaces do not say. */
function nodesOf(model: ModelProto): NodeProto[] {
  return ((model.graph as GraphProto | null)?.node ?? []) as NodeProto[];
}

export interface TensorDescription {
  name: string;
  /** element type as ONNX names it: 'float', 'int64', 'int32', 'bool' … ('unknown' when the file leaves it out) */
  type: string;
  /** fixed sizes as numbers, dynamic axes by their name ('?' when unnamed); null when the rank is unknown */
  shape: (number | string)[] | null;
}

export interface OnnxDescription {
  irVersion: number;
  /** default-domain opset */
  opset: number | null;
  producer: string;
  graphName: string;
  /** real inputs (initializers that old exporters also list as inputs are left out) */
  inputs: TensorDescription[];
  outputs: TensorDescription[];
  metadata: Record<string, string>;
  nodeCount: number;
  /** how often each operator occurs, by "domain:op" (domain left out for the default one) */
  operators: Record<string, number>;
  /** output tensors of the Softmax nodes that form attention patterns, in graph order (≈ layer order) */
  attention: string[];
}

/** Operator domains onnxruntime's CPU build implements; any other domain is refused up front. */
const KNOWN_DOMAINS = new Set(['', 'ai.onnx', 'ai.onnx.ml', 'com.microsoft', 'com.microsoft.nchwc', 'ai.onnx.training', 'ai.onnx.preview.training']);
/** Ops a Softmax's probabilities may pass through on their way to the MatMul with V (dropout, casts, masking). */
const PASS_THROUGH = new Set(['Dropout', 'Cast', 'Identity', 'Mul', 'Where', 'Reshape', 'Div']);

/** Decodes model bytes; anything that is not a complete ONNX model is LabError('bad_file') naming the file. */
export function decodeOnnx(bytes: Uint8Array, label = 'This file'): ModelProto {
  if (bytes.length === 0) throw new LabError('bad_file', `${label} is empty; choose an .onnx model file.`);
  let model: ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new LabError('bad_file', `${label} is not an ONNX model: ${(e as Error).message} (expected the protobuf file an ONNX exporter writes).`, { cause: e });
  }
  const graph = model.graph as GraphProto | null | undefined;
  if (graph === null || graph === undefined || graph.node.length === 0 || model.opsetImport.length === 0 || Number(model.irVersion) <= 0) {
    throw new LabError('bad_file', `${label} is not an ONNX model: it has no graph, operators or opset version (expected the protobuf file an ONNX exporter writes).`);
  }
  // Model-local functions may define their own domain; onnxruntime expands those, so only other domains are refused.
  const local = new Set(model.functions.map((f) => f.domain ?? ''));
  const nodes = nodesOf(model);
  const missing = [...new Set(nodes.map((n) => n.domain ?? ''))].filter((d) => !KNOWN_DOMAINS.has(d) && !local.has(d));
  if (missing.length > 0) {
    const ops = nodes.filter((n) => missing.includes(n.domain ?? '')).map((n) => n.opType);
    throw new LabError('bad_file', `${label} uses operators from the custom domain "${missing[0]}" (${[...new Set(ops)].slice(0, 5).join(', ')}), which onnxruntime cannot run; export it with standard ONNX operators.`, { field: missing[0] });
  }
  return model;
}

const TYPE_NAMES: Record<number, string> = {
  1: 'float', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64', 8: 'string', 9: 'bool',
  10: 'float16', 11: 'double', 12: 'uint32', 13: 'uint64', 16: 'bfloat16',
};

function describe(v: ValueInfo): TensorDescription {
  const tensor = v.type?.tensorType;
  const type = tensor?.elemType ? (TYPE_NAMES[tensor.elemType] ?? `type ${tensor.elemType}`) : 'unknown';
  const dims = tensor?.shape?.dim;
  const shape = dims === undefined || dims === null
    ? null
    : dims.map((d) => (d.dimValue !== undefined && d.dimValue !== null && Number(d.dimValue) > 0 ? Number(d.dimValue) : (d.dimParam || '?')));
  return { name: v.name ?? '', type, shape };
}

/** For every tensor name, the nodes that read it, with the input slot. */
function consumers(model: ModelProto): Map<string, { op: string; slot: number; outputs: string[] }[]> {
  const map = new Map<string, { op: string; slot: number; outputs: string[] }[]>();
  for (const n of nodesOf(model)) {
    n.input.forEach((name, slot) => {
      const list = map.get(name) ?? [];
      list.push({ op: n.opType ?? '', slot, outputs: n.output });
      map.set(name, list);
    });
  }
  return map;
}

/**
 * Softmax outputs that are attention patterns: the probabilities reach the first input of a MatMul (probs @ V),
 * directly or through at most three pass-through ops. A classifier's final Softmax has no such MatMul.
 */
export function findAttentionSoftmax(model: ModelProto): string[] {
  const readers = consumers(model);
  const reachesMatMul = (tensor: string, depth: number): boolean => (readers.get(tensor) ?? []).some((c) => {
    if (c.op === 'MatMul' && c.slot === 0) return true;
    return depth < 3 && PASS_THROUGH.has(c.op) && c.slot === 0 && c.outputs.some((o) => reachesMatMul(o, depth + 1));
  });
  const found: string[] = [];
  for (const n of nodesOf(model)) {
    if (n.opType === 'Softmax' && (n.domain ?? '') === '' && n.output.length > 0 && reachesMatMul(n.output[0], 0)) found.push(n.output[0]);
  }
  return found;
}

/** Inputs, outputs, metadata, operator counts and attention Softmax outputs of a decoded model. */
export function describeOnnx(model: ModelProto): OnnxDescription {
  const graph = model.graph as GraphProto;
  const initializers = new Set(graph.initializer.map((t) => t.name));
  const operators: Record<string, number> = {};
  for (const n of nodesOf(model)) {
    const key = n.domain ? `${n.domain}:${n.opType}` : (n.opType ?? '');
    operators[key] = (operators[key] ?? 0) + 1;
  }
  const opset = model.opsetImport.find((o) => (o.domain ?? '') === '' || o.domain === 'ai.onnx');
  return {
    irVersion: Number(model.irVersion),
    opset: opset ? Number(opset.version) : null,
    producer: [model.producerName, model.producerVersion].filter(Boolean).join(' '),
    graphName: graph.name ?? '',
    inputs: graph.input.filter((i) => !initializers.has(i.name ?? '')).map(describe),
    outputs: graph.output.map(describe),
    metadata: Object.fromEntries(model.metadataProps.map((p) => [p.key ?? '', p.value ?? ''])),
    nodeCount: graph.node.length,
    operators,
    attention: findAttentionSoftmax(model),
  };
}

/** The model bytes with every attention Softmax output added as a graph output (ones already exported are kept). */
export function exposeAttention(model: ModelProto): { bytes: Uint8Array; attention: string[] } {
  const attention = findAttentionSoftmax(model);
  const graph = model.graph as GraphProto;
  const copy = onnx.ModelProto.decode(onnx.ModelProto.encode(model).finish());
  const outputs = (copy.graph as GraphProto).output;
  const existing = new Set(graph.output.map((o) => o.name));
  // A float16 export keeps float16 probabilities; the type comes from the exporter's value_info when it has one.
  const known = new Map(graph.valueInfo.map((v) => [v.name, v.type?.tensorType?.elemType]));
  for (const name of attention) {
    const elemType = known.get(name) || onnx.TensorProto.DataType.FLOAT;
    if (!existing.has(name)) outputs.push(onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType } } }));
  }
  return { bytes: onnx.ModelProto.encode(copy).finish(), attention };
}
