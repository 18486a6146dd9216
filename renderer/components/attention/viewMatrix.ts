// Which (T,T) matrix a view shows for a layer, head and mode (one head, mean over heads, rollout up to the layer);
// the rollout runs in a worker so long inputs never block the page.
import { attentionRollout, headMatrix, meanOverHeads } from '../../charts/attentionMath';
import type { ExplorerView, MapMode } from '../../stores/attention';
import type { RolloutRequest } from './rollout.worker';

let worker: Worker | null = null;
/** set when the worker cannot start or fails (e.g. a file:// page that refuses module workers): compute here */
let workerBroken = false;
let nextId = 0;
const pending = new Map<number, { request: RolloutRequest; resolve: (m: Float32Array) => void }>();

function computeHere(r: RolloutRequest): Float32Array {
  return attentionRollout(r.attention, r.L, r.NH, r.T, r.upTo, r.causal);
}

function rolloutWorker(): Worker | null {
  if (worker !== null || workerBroken || typeof Worker === 'undefined') return worker;
  try {
    worker = new Worker(new URL('./rollout.worker.ts', import.meta.url), { type: 'module' });
  } catch {
    workerBroken = true;
    return null;
  }
  worker.onmessage = (e: MessageEvent<{ id: number; result: Float32Array }>) => {
    pending.get(e.data.id)?.resolve(e.data.result);
    pending.delete(e.data.id);
  };
  worker.onerror = () => {
    workerBroken = true;
    worker?.terminate();
    worker = null;
    for (const { request, resolve } of pending.values()) resolve(computeHere(request));
    pending.clear();
  };
  return worker;
}

/** Rollout through `layer` (inclusive); computed in the worker where there is one. */
export function rolloutMatrix(v: ExplorerView, layer: number): Promise<Float32Array> {
  // the attention is copied to the worker (structured clone of one Float32Array), the view keeps its own
  const request: RolloutRequest = { id: nextId++, attention: v.attention, L: v.L, NH: v.NH, T: v.T, upTo: layer + 1, causal: v.causal };
  const w = rolloutWorker();
  if (w === null) return Promise.resolve(computeHere(request));
  return new Promise((resolve) => {
    pending.set(request.id, { request, resolve });
    w.postMessage(request);
  });
}

/** One head or the mean over heads (cheap, computed here). */
export function viewMatrix(v: ExplorerView, layer: number, head: number, mode: Exclude<MapMode, 'rollout'>): Float32Array {
  return mode === 'mean' ? meanOverHeads(v.attention, v.NH, v.T, layer) : headMatrix(v.attention, v.NH, v.T, layer, head);
}

/** "Layer 2 · head 3", "Layer 2 · mean of 4 heads", "Rollout through layer 2". */
export function matrixTitle(t: (key: string, named?: Record<string, unknown>) => string, v: ExplorerView, layer: number, head: number, mode: MapMode): string {
  if (mode === 'mean') return t('attention.titleMean', { layer, n: v.NH });
  if (mode === 'rollout') return t('attention.titleRollout', { layer });
  return t('attention.titleHead', { layer, head });
}
