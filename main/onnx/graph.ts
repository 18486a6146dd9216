// A small ONNX graph builder over onnx-proto's generated messages: nodes, initializers, inputs/outputs, model bytes.
import onnxProto from 'onnx-proto';

export const onnx = onnxProto.onnx;
export type DataType = onnxProto.onnx.TensorProto.DataType;
export const FLOAT = onnx.TensorProto.DataType.FLOAT;
export const INT64 = onnx.TensorProto.DataType.INT64;
export const BOOL = onnx.TensorProto.DataType.BOOL;

/** opset 17 is the first with LayerNormalization; IR 8 is the newest onnx-proto 8 knows and what opset 17 needs. */
export const OPSET = 17;
export const IR_VERSION = 8;

/** A dimension: a fixed size or a symbolic name (dynamic axis such as "batch"). */
export type Dim = number | string;

type AttrValue = number | number[] | string | { float: number } | { floats: number[] };

/** Little-endian bytes of a typed array (TensorProto.raw_data is always little-endian). */
function rawBytes(data: Float32Array | BigInt64Array | Uint8Array): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
}

function attribute(name: string, value: AttrValue): onnxProto.onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof value === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(value) };
  if (typeof value === 'number') return { name, type: T.INT, i: value };
  if (Array.isArray(value)) return { name, type: T.INTS, ints: value };
  if ('float' in value) return { name, type: T.FLOAT, f: value.float };
  return { name, type: T.FLOATS, floats: value.floats };
}

export function valueInfo(name: string, elemType: number, dims: Dim[]): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  };
}

/** Collects a graph in topological order (every node is added after the nodes producing its inputs). */
export class GraphBuilder {
  private readonly nodes: onnxProto.onnx.INodeProto[] = [];
  private readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  private readonly inputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly outputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly constants = new Map<string, string>();
  private counter = 0;

  /** Adds one node; returns its output names (one per `outputs`, or a fresh one when not given). */
  node(op: string, inputs: string[], attrs: Record<string, AttrValue> = {}, outputs: string[] | number = 1): string[] {
    const outs = typeof outputs === 'number'
      ? Array.from({ length: outputs }, () => `${op.toLowerCase()}_${this.counter++}`)
      : outputs;
    this.nodes.push({
      opType: op, name: `${op}_${this.nodes.length}`, input: inputs, output: outs,
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return outs;
  }

  /** A single-output node; `name` fixes the output's name (graph outputs), else a fresh one is made. */
  op(op: string, inputs: string[], attrs: Record<string, AttrValue> = {}, name?: string): string {
    return this.node(op, inputs, attrs, name === undefined ? 1 : [name])[0];
  }

  floatTensor(name: string, dims: number[], data: Float32Array): string {
    this.initializers.push({ name, dims, dataType: FLOAT, rawData: rawBytes(data) });
    return name;
  }

  int64Tensor(name: string, dims: number[], values: number[]): string {
    this.initializers.push({ name, dims, dataType: INT64, rawData: rawBytes(BigInt64Array.from(values, (v) => BigInt(v))) });
    return name;
  }

  boolTensor(name: string, dims: number[], values: Uint8Array): string {
    this.initializers.push({ name, dims, dataType: BOOL, rawData: rawBytes(values) });
    return name;
  }

  /** A shared 1-D int64 constant (shapes, axes, split sizes), created once per distinct value. */
  ints(values: number[]): string {
    const key = `i64:${values.join(',')}`;
    let name = this.constants.get(key);
    if (name === undefined) {
      name = this.int64Tensor(`const_${this.constants.size}_i64`, [values.length], values);
      this.constants.set(key, name);
    }
    return name;
  }

  /** A shared float scalar constant. */
  scalar(value: number): string {
    const key = `f32:${value}`;
    let name = this.constants.get(key);
    if (name === undefined) {
      name = this.floatTensor(`const_${this.constants.size}_f32`, [], Float32Array.of(value));
      this.constants.set(key, name);
    }
    return name;
  }

  input(name: string, elemType: number, dims: Dim[]): string {
    this.inputs.push(valueInfo(name, elemType, dims));
    return name;
  }

  output(name: string, elemType: number, dims: Dim[]): void {
    this.outputs.push(valueInfo(name, elemType, dims));
  }

  /** The serialized ModelProto: IR 8, default-domain opset 17, with string metadata properties. */
  encode(graphName: string, metadata: Record<string, string>): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: IR_VERSION,
      producerName: 'attention-lab',
      producerVersion: '1',
      opsetImport: [{ domain: '', version: OPSET }],
      metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
      graph: {
        name: graphName, node: this.nodes, initializer: this.initializers, input: this.inputs, output: this.outputs,
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}
