// Forward latency: the native kernels vs onnxruntime-node on the same exported model, same threads, measured in one run.
//
//   npx tsx bench/onnx/run.ts [--model gpt|bert|both] [--iterations 40] [--unpacked]
// The native model runs as an inference model does (freezeForInference: linear weights packed once); --unpacked
// keeps the trainable model's path, which packs every weight on every call (and runs on an addon without packing).
// Reference config (the engine issue's): char vocab 65, 4 layers, 4 heads, d_model 128, dFF 512, context 128, pre-LN.
// Shapes batch 1 × 128 and 16 × 128; threads 1 and 2. Both sides compute the whole model; onnxruntime is asked only
// for the logits (the native model keeps every activation in its own buffers, so neither side copies extras out).
// Each side runs alone: native first with no onnxruntime session open, then onnxruntime. An open session's worker
// threads spin after each run and took the second core from the native pool (2-thread native ran at 1-thread
// speed while a session was alive), and the native pool's workers likewise spin for a moment after each kernel.
// Time per forward is the median over the timed iterations after warm-up (the minimum is printed too).
// Ratio = onnxruntime / native medians (> 1: native faster).
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { getKernels, nativeUnavailableReason } from '../../native-kernels/index';
import { createModel } from '../../main/ml/checkpoint';
import { validateConfig, type ModelFamily } from '../../common/model-config';
import type { TransformerModel } from '../../main/ml/model';
import { buildOnnx } from '../../main/onnx/export';
import { int64Tensor, openSession, type OnnxTensor } from '../../main/onnx/runtime';

const { values } = parseArgs({ options: { model: { type: 'string', default: 'gpt' }, iterations: { type: 'string', default: '40' }, unpacked: { type: 'boolean', default: false } } });
const iterations = Number(values.iterations);
const warmup = 5;
const T = 128;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Times fn n times after warm-up; returns the times in ms. */
async function timeIt(n: number, fn: () => unknown): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return times;
}

function referenceModel(family: ModelFamily): TransformerModel {
  const config = validateConfig({
    family, vocabSize: 65, nLayer: 4, nHead: 4, dModel: 128, dFF: 512, contextLength: T,
    positions: 'learned', norm: 'pre', dropout: 0, typeVocabSize: 0, seed: 1337,
  });
  const model = createModel(getKernels(), config);
  if (!values.unpacked) model.freezeForInference();
  return model;
}

const families: ModelFamily[] = values.model === 'both' ? ['gpt', 'bert'] : [values.model as ModelFamily];
const k = getKernels();
if (k.backend === 'js') {
  // Comparing the JS reference kernels with onnxruntime says nothing about the native engine.
  console.error(`The native kernels are not available (${nativeUnavailableReason() ?? 'ATTENTION_LAB_KERNELS=js is set'}); build the addon before running this benchmark.`);
  process.exit(1);
}
console.log(`forward latency, reference config, median of ${iterations} after ${warmup} warm-up; kernels ${k.backend}${values.unpacked ? ' (unpacked weights)' : ''}; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
console.log('model | batch × T | threads | native ms (min) | onnxruntime ms (min) | ratio (ort / native)');
for (const family of families) {
  const model = referenceModel(family);
  const { bytes } = buildOnnx(model, '{}');
  for (const B of [1, 16]) {
    const ids = Int32Array.from({ length: B * T }, (_, i) => (i * 31 + 7) % 65);
    const feeds: Record<string, OnnxTensor> = { input_ids: int64Tensor(ids, [B, T]) };
    if (family === 'bert') feeds.attention_mask = int64Tensor(new Int32Array(B * T).fill(1), [B, T]);
    for (const threads of [1, 2]) {
      k.setThreads(threads);
      const n = B === 1 ? iterations : Math.max(5, Math.round(iterations / 4));
      const nativeTimes = await timeIt(n, () => model.forward({ B, T, tokens: ids, targets: null }, { train: false }));
      const session = await openSession(bytes, { threads });
      const ortTimes = await timeIt(n, () => session.run(feeds, ['logits']));
      await session.close();
      const native = median(nativeTimes);
      const ort = median(ortTimes);
      const cell = (ms: number[], width: number): string => `${median(ms).toFixed(2)} (${Math.min(...ms).toFixed(2)})`.padStart(width);
      console.log(`${family.padEnd(5)} | ${`${B} × ${T}`.padStart(9)} | ${String(threads).padStart(7)} | ${cell(nativeTimes, 15)} | ${cell(ortTimes, 20)} | ${(ort / native).toFixed(2)}×`);
    }
  }
}
