// Attention explorer store: the chosen source (a run's checkpoint or an ONNX file), the text, the analysed view,
// the chosen layer/head/token, a second run for side-by-side, and per-step views for the training slider.
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { AttentionViewT, ChannelOutput, HeadStepsT, OnnxInspectionT } from '../../preload/api';
import { call, errorMessage } from '../api';
import { unpackFloat32 } from '../charts/attentionMath';

export type SourceKind = 'run' | 'onnx';
export type MapMode = 'head' | 'mean' | 'rollout';
/** A view as the explorer keeps it: the (L,NH,T,T) attention as one Float32Array. */
export type ExplorerView = Omit<AttentionViewT, 'attention' | 'attentionPacked'> & { attention: Float32Array };

function unpack(v: AttentionViewT): ExplorerView {
  const { attentionPacked, attention, ...rest } = v;
  return { ...rest, attention: attentionPacked === undefined ? Float32Array.from(attention) : unpackFloat32(attentionPacked) };
}
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

  /** The explorer always asks for packed attention: one base64 float32 string instead of a long number array. */
  function textInput(): { text: string; window: 'truncate' | 'error'; hideSpecial: boolean; packed: true } {
    return { text: text.value, window: window.value, hideSpecial: hideSpecial.value, packed: true };
  }

  function runInput(id: number, at: number | null): { runId: number; step?: number; pair?: string } {
    return { runId: id, ...(at === null ? {} : { step: at }), ...(pair.value.trim() === '' ? {} : { pair: pair.value }) };
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
      const answer = source.value === 'onnx'
        ? await call('analysis.onnxRun', { path: onnxPath.value, ...textInput() })
        : runId.value === null
          ? null
          : await call('analysis.attention', { ...runInput(runId.value, step.value), ...textInput() });
      const v = answer === null ? null : unpack(answer);
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
      compareView.value = unpack(await call('analysis.attention', { runId: compareRunId.value, ...textInput() }));
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
    const v = unpack(await call('analysis.attention', { ...runInput(runId.value, at), ...textInput() }));
    stepViews.value = new Map(stepViews.value).set(at, v);
    return v;
  }

  async function headSteps(query: number): Promise<HeadStepsT> {
    if (runId.value === null) throw new Error('Choose a run first.');
    const { runId: id, step: at, pair: p } = runInput(runId.value, step.value);
    return call('analysis.headSteps', { runId: id, step: at, pair: p, text: text.value, window: window.value, layer: layer.value, head: head.value, query });
  }

  async function exportOnnx(): Promise<ChannelOutput<'analysis.exportOnnx'>> {
    if (runId.value === null) throw new Error('Choose a run first.');
    return call('analysis.exportOnnx', { runId: runId.value, ...(step.value === null ? {} : { step: step.value }) });
  }

  return {
    source, runId, step, checkpoints, onnxPath, inspection, text, pair, window, hideSpecial,
    view, loading, error, layer, head, mode, scaleToMax, selected,
    compareRunId, compareView, compareError, compareLoading, stepViews,
    loadCheckpoints, inspect, analyse, analyseCompare, viewAtStep, headSteps, exportOnnx,
  };
});
