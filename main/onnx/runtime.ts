// onnxruntime-node, loaded lazily: sessions over model bytes with the lab's thread count, typed-array feeds and results.
import type * as Ort from 'onnxruntime-node';
import { getKernels } from '../../native-kernels/index';
import { LabError } from '../../common/errors';

/** A tensor as our code passes it around: flat data with its shape, row-major. */
export interface OnnxTensor {
  data: Float32Array | BigInt64Array | Int32Array | Uint8Array;
  dims: number[];
  /** ONNX element type name as onnxruntime reports it: 'float32', 'int64', 'bool' … */
  type: string;
}

export interface SessionOptions {
  /** intra-op threads; default: the thread count of the native kernels, so both engines are compared fairly */
  threads?: number;
}

let ortModule: typeof Ort | null = null;

/** The onnxruntime-node module, imported on first use; a clear 'unavailable' error when its binary cannot load here. */
export async function loadOrt(): Promise<typeof Ort> {
  if (ortModule !== null) return ortModule;
  try {
    const mod = (await import('onnxruntime-node')) as typeof Ort & { default?: typeof Ort };
    ortModule = mod.InferenceSession !== undefined ? mod : (mod.default as typeof Ort);
  } catch (e) {
    throw new LabError('unavailable', `onnxruntime-node cannot be loaded on this machine: ${(e as Error).message} (reinstall the app's dependencies; ONNX features need its CPU build).`, { cause: e });
  }
  return ortModule;
}

/** One loaded model. run() takes and returns plain typed arrays so callers never touch onnxruntime types. */
export class OnnxSession {
  constructor(private readonly ort: typeof Ort, private readonly session: Ort.InferenceSession, readonly threads: number) {}

  get inputNames(): readonly string[] {
    return this.session.inputNames;
  }

  get outputNames(): readonly string[] {
    return this.session.outputNames;
  }

  /** Runs the model on `feeds`; `fetch` limits the outputs computed (default: all). */
  async run(feeds: Record<string, OnnxTensor>, fetch?: string[]): Promise<Record<string, OnnxTensor>> {
    const ortFeeds: Record<string, Ort.Tensor> = {};
    for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = new this.ort.Tensor(t.type as 'float32', t.data as Float32Array, t.dims);
    let results: Ort.InferenceSession.OnnxValueMapType;
    try {
      // Failures come back as the LabError below; onnxruntime's own log line on stderr would only repeat it.
      const quiet: Ort.InferenceSession.RunOptions = { logSeverityLevel: 4 };
      results = fetch === undefined ? await this.session.run(ortFeeds, quiet) : await this.session.run(ortFeeds, fetch, quiet);
    } catch (e) {
      throw new LabError('invalid_input', `onnxruntime could not run the model: ${(e as Error).message}`, { cause: e });
    }
    const out: Record<string, OnnxTensor> = {};
    for (const [name, value] of Object.entries(results)) {
      const t = value as Ort.Tensor;
      out[name] = { data: t.data as OnnxTensor['data'], dims: t.dims.map(Number), type: t.type };
    }
    return out;
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}

/** Opens model bytes (or a file path) in onnxruntime; a model it refuses (malformed, unknown ops) is LabError('bad_file'). */
export async function openSession(model: Uint8Array | string, opts: SessionOptions = {}, label = 'This ONNX model'): Promise<OnnxSession> {
  const ort = await loadOrt();
  const threads = opts.threads ?? getKernels().getThreads();
  if (!Number.isInteger(threads) || threads < 1) {
    throw new LabError('invalid_input', `threads is ${threads}, but it must be a whole number of at least 1.`, { field: 'threads' });
  }
  const options: Ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all', logSeverityLevel: 3,
  };
  try {
    const session = typeof model === 'string'
      ? await ort.InferenceSession.create(model, options)
      : await ort.InferenceSession.create(model, options);
    return new OnnxSession(ort, session, threads);
  } catch (e) {
    throw new LabError('bad_file', `${label} cannot be loaded by onnxruntime: ${firstLine((e as Error).message)} (it may be damaged, use operators onnxruntime does not know, or need a newer runtime).`, { cause: e });
  }
}

function firstLine(message: string): string {
  const line = message.split('\n')[0].trim();
  return line.endsWith('.') ? line.slice(0, -1) : line;
}

/** An int64 (B,S) tensor from token ids. */
export function int64Tensor(values: ArrayLike<number>, dims: number[]): OnnxTensor {
  return { data: BigInt64Array.from(Array.from(values, (v) => BigInt(v))), dims, type: 'int64' };
}
