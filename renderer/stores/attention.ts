// Attention explorer store: the chosen source (a run's checkpoint or an ONNX file), the text, the analysed view,
// the chosen layer/head/token, a second run for side-by-side, and per-step views for the training slider.
// The attention itself stays in the service (151 MB at 512 tokens × 12 × 12 heads): a view carries its key, and the
// panels fetch only the matrices they draw (about 1 MB each), kept here in a small cache.
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { AttentionViewT, ChannelOutput, HeadStepsT, OnnxInspectionT } from '../../common/api';
import { call, errorMessage, LabApiError } from '../api';
import { unpackBytes, unpackFloat32 } from '../charts/attentionMath';

export type SourceKind = 'run' | 'onnx';
export type MapMode = 'head' | 'mean' | 'rollout';
export type MatrixKind = MapMode | 'queryRows';
/** A view as the explorer keeps it: everything but the attention, and the key the service keeps that under
 *  (null when the model exposes no attention). */
export type ExplorerView = Omit<AttentionViewT, 'attention' | 'attentionPacked' | 'key'> & { key: string | null };
/** The model view's maps: (L,NH,size,size) bytes, 255 = each map's own largest weight (maxima, layer-major). */
export interface Thumbnails {
  size: number;
  bytes: Uint8Array;
  maxima: number[];
}

function toExplorerView(v: AttentionViewT): ExplorerView {
  const { attentionPacked: _packed, attention: _attention, key, ...rest } = v;
  return { ...rest, key: key ?? null };
}

/** Matrices fetched lately: switching back to a head, or between two runs, needs no new request. */
const MATRIX_CACHE = 48;
type Checkpoint = ChannelOutput<'analysis.checkpoints'>['checkpoints'][number];

export const useAttentionStore = defineStore('attention', () => {
  const source = ref<SourceKind>('run');
  const runId = ref<number | null>(null);
  /** null = the newest checkpoint */
  const step = ref<number | null>(null);
  const checkpoints = ref<Checkpoint[]>([]);
  const onnxPath = ref('');
  const inspection = ref<OnnxInspectionT | null>(null);
  const text = ref('To be, or not to be, that is the question.');
  const pair = ref('');
  const window = ref<'truncate' | 'error'>('truncate');
  /** with truncate: the text token the window begins at, for text longer than the context */
  const start = ref(0);
  const hideSpecial = ref(false);

  // Views are large flat arrays: shallowRef keeps Vue from making every weight reactive.
  const view = shallowRef<ExplorerView | null>(null);
  const loading = ref(false);
  const error = ref<string | null>(null);

  const layer = ref(0);
  const head = ref(0);
  const mode = ref<MapMode>('head');
  /** colour each map from 0 to its own largest weight (near-uniform maps of young models become visible) */
  const scaleToMax = ref(false);
  /** the selected token (query row): its predictions are shown and the head view starts from it */
  const selected = ref(0);

  const compareRunId = ref<number | null>(null);
  const compareView = shallowRef<ExplorerView | null>(null);
  const compareError = ref<string | null>(null);
  const compareLoading = ref(false);

  /** step → view of the same text, for the training slider (cleared when the text or run changes) */
  const stepViews = shallowRef(new Map<number, ExplorerView>());

  async function loadCheckpoints(id: number | null): Promise<void> {
    runId.value = id;
    step.value = null;
    checkpoints.value = [];
    stepViews.value = new Map();
    if (id === null) return;
    try {
      checkpoints.value = (await call('analysis.checkpoints', { runId: id })).checkpoints;
    } catch (e) {
      error.value = errorMessage(e);
    }
  }

  async function inspect(): Promise<void> {
    try {
      inspection.value = await call('analysis.onnxInspect', { path: onnxPath.value });
      error.value = null;
    } catch (e) {
      inspection.value = null;
      error.value = errorMessage(e);
    }
  }

  /** The window start as the API takes it: a whole number from 0 (an emptied or negative field means the start). */
  function windowStart(): number {
    const n = Math.floor(Number(start.value));
    return Number.isFinite(n) && n > 0 ? n : 0;
  }

  /** The explorer always asks the service to retain the attention and send only its key. */
  function textInput(): { text: string; window: 'truncate' | 'error'; start: number; hideSpecial: boolean; retain: true } {
    return { text: text.value, window: window.value, start: windowStart(), hideSpecial: hideSpecial.value, retain: true };
  }

  /** key → the request that made it: a key the service has dropped is made again by the same request (same key). */
  const remakes = new Map<string, () => Promise<unknown>>();
  const matrices = new Map<string, Float32Array>();

  /** Analyses through `request` and remembers how to make the answer's key again. */
  async function analysed(request: () => Promise<AttentionViewT>): Promise<ExplorerView> {
    const answer = await request();
    // Parsing a long view's answer and rendering its 512 tokens are each a few tens of ms: a macrotask between them
    // lets the page paint and take input instead of running both as one long task.
    await new Promise((resolve) => setTimeout(resolve, 0));
    const v = toExplorerView(answer);
    if (v.key !== null) {
      remakes.delete(v.key);
      remakes.set(v.key, request);
      if (remakes.size > MATRIX_CACHE) remakes.delete(remakes.keys().next().value as string);
    }
    return v;
  }

  /** Calls `fetch` for a retained key; when the service no longer keeps it, analyses the text again once and retries. */
  async function withKey<T>(key: string, fetch: () => Promise<T>): Promise<T> {
    try {
      return await fetch();
    } catch (e) {
      const remake = remakes.get(key);
      if (!(e instanceof LabApiError && e.code === 'not_found' && e.field === 'key') || remake === undefined) throw e;
      await remake();
      return fetch();
    }
  }

  /**
   * One matrix of a view, row-major: (T,T) for head, mean and rollout (through `layer`), (NH,T) for queryRows (row
   * `query` of every head of `layer`). Fetched once, then served from a small cache.
   */
  async function matrix(v: ExplorerView, kind: MatrixKind, layer: number, head = 0, query = 0): Promise<Float32Array> {
    const key = v.key;
    if (key === null) throw new Error('This view has no attention to show.');
    const id = `${key}|${kind}|${layer}|${kind === 'head' ? head : 0}|${kind === 'queryRows' ? query : 0}`;
    const hit = matrices.get(id);
    if (hit !== undefined) {
      matrices.delete(id);
      matrices.set(id, hit);
      return hit;
    }
    const answer = await withKey(key, () => call('analysis.matrix', { key, kind, layer, head, query }));
    const m = unpackFloat32(answer.packed);
    matrices.set(id, m);
    if (matrices.size > MATRIX_CACHE) matrices.delete(matrices.keys().next().value as string);
    return m;
  }

  /** Every map of a view, pooled to at most size × size in the service. */
  async function thumbnails(v: ExplorerView, size: number): Promise<Thumbnails> {
    const key = v.key;
    if (key === null) throw new Error('This view has no attention to show.');
    const answer = await withKey(key, () => call('analysis.thumbnails', { key, size }));
    return { size: answer.size, bytes: unpackBytes(answer.packed), maxima: answer.maxima };
  }

  function runInput(id: number, at: number | null): { runId: number; step?: number; pair?: string } {
    return { runId: id, ...(at === null ? {} : { step: at }), ...(pair.value.trim() === '' ? {} : { pair: pair.value }) };
  }

  /** A run's view of the current text (the text options are read now, so a remake asks for the same key). */
  function analysedRun(run: { runId: number; step?: number; pair?: string }): Promise<ExplorerView> {
    const input = { ...run, ...textInput() };
    return analysed(() => call('analysis.attention', input));
  }

  /** Keeps the chosen layer, head and token inside the new view's size. */
  function clampSelection(v: ExplorerView): void {
    layer.value = Math.min(layer.value, Math.max(0, v.L - 1));
    head.value = Math.min(head.value, Math.max(0, v.NH - 1));
    selected.value = Math.min(selected.value, Math.max(0, v.T - 1));
  }

  async function analyse(): Promise<void> {
    loading.value = true;
    error.value = null;
    stepViews.value = new Map();
    try {
      const onnx = { path: onnxPath.value, ...textInput() };
      const v = source.value === 'onnx'
        ? await analysed(() => call('analysis.onnxRun', onnx))
        : runId.value === null
          ? null
          : await analysedRun(runInput(runId.value, step.value));
      if (v === null) {
        error.value = null;
        return;
      }
      clampSelection(v);
      view.value = v;
    } catch (e) {
      error.value = errorMessage(e);
    } finally {
      loading.value = false;
    }
  }

  /** The same text through a second run (BERT vs GPT); a pair is only sent to BERT. */
  async function analyseCompare(): Promise<void> {
    if (compareRunId.value === null) return;
    compareLoading.value = true;
    compareError.value = null;
    try {
      compareView.value = await analysedRun({ runId: compareRunId.value });
    } catch (e) {
      compareView.value = null;
      compareError.value = errorMessage(e);
    } finally {
      compareLoading.value = false;
    }
  }

  /** The view at one checkpoint step of the current run (fetched once per step and text). */
  async function viewAtStep(at: number): Promise<ExplorerView> {
    const cached = stepViews.value.get(at);
    if (cached !== undefined) return cached;
    if (runId.value === null) throw new Error('Choose a run first.');
    const v = await analysedRun(runInput(runId.value, at));
    stepViews.value = new Map(stepViews.value).set(at, v);
    return v;
  }

  async function headSteps(query: number): Promise<HeadStepsT> {
    if (runId.value === null) throw new Error('Choose a run first.');
    const { runId: id, step: at, pair: p } = runInput(runId.value, step.value);
    return call('analysis.headSteps', { runId: id, step: at, pair: p, text: text.value, window: window.value, start: windowStart(), layer: layer.value, head: head.value, query });
  }

  async function exportOnnx(): Promise<ChannelOutput<'analysis.exportOnnx'>> {
    if (runId.value === null) throw new Error('Choose a run first.');
    return call('analysis.exportOnnx', { runId: runId.value, ...(step.value === null ? {} : { step: step.value }) });
  }

  return {
    source, runId, step, checkpoints, onnxPath, inspection, text, pair, window, start, hideSpecial,
    view, loading, error, layer, head, mode, scaleToMax, selected,
    compareRunId, compareView, compareError, compareLoading, stepViews,
    loadCheckpoints, inspect, analyse, analyseCompare, viewAtStep, headSteps, exportOnnx, matrix, thumbnails,
  };
});
