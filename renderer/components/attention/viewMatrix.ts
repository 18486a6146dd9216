// Which matrix a panel shows (one head, the mean over heads, rollout up to a layer, or the head view's rows), fetched
// from the service that keeps the attention, and its title. Only the newest request's answer is shown.
import { ref, shallowRef, watch, type Ref, type ShallowRef } from 'vue';
import { errorMessage } from '../../api';
import { useAttentionStore, type ExplorerView, type MapMode, type MatrixKind } from '../../stores/attention';

export interface MatrixRequest {
  view: ExplorerView;
  kind: MatrixKind;
  layer: number;
  head?: number;
  query?: number;
}

export interface ShownMatrix {
  /** the request the values answer; null until the first answer */
  shown: ShallowRef<(MatrixRequest & { values: Float32Array }) | null>;
  /** a newer request is on its way (the shown matrix is stale) */
  loading: Ref<boolean>;
  error: Ref<string | null>;
}

/** Fetches the matrix `request()` names whenever it changes; answers to older requests arriving late are dropped. */
export function useViewMatrix(request: () => MatrixRequest | null): ShownMatrix {
  const store = useAttentionStore();
  const shown = shallowRef<(MatrixRequest & { values: Float32Array }) | null>(null);
  const loading = ref(false);
  const error = ref<string | null>(null);
  let asked = 0;
  const id = (): string => {
    const r = request();
    return r === null || r.view.key === null ? '' : `${r.view.key}|${r.kind}|${r.layer}|${r.head ?? 0}|${r.query ?? 0}`;
  };
  watch(id, async () => {
    const ticket = ++asked;
    const r = request();
    if (r === null || r.view.key === null) {
      shown.value = null;
      return;
    }
    loading.value = true;
    // the watcher first runs inside the render of a new view: start the request in a task of its own
    await new Promise((resolve) => setTimeout(resolve, 0));
    if (ticket !== asked) return;
    try {
      const values = await store.matrix(r.view, r.kind, r.layer, r.head ?? 0, r.query ?? 0);
      if (ticket !== asked) return;
      shown.value = { ...r, values };
      error.value = null;
    } catch (e) {
      if (ticket === asked) error.value = errorMessage(e);
    } finally {
      if (ticket === asked) loading.value = false;
    }
  }, { immediate: true });
  return { shown, loading, error };
}

/** "Layer 2 · head 3", "Layer 2 · mean of 4 heads", "Rollout through layer 2". */
export function matrixTitle(t: (key: string, named?: Record<string, unknown>) => string, v: ExplorerView, layer: number, head: number, mode: MapMode): string {
  if (mode === 'mean') return t('attention.titleMean', { layer, n: v.NH });
  if (mode === 'rollout') return t('attention.titleRollout', { layer });
  return t('attention.titleHead', { layer, head });
}

/** A short tag of what a drawn matrix is ("layer-3-head-2", "mean-3", "rollout-3"): tests wait for it to appear. */
export function drawnTag(r: MatrixRequest | null): string {
  if (r === null) return '';
  return r.kind === 'head' ? `layer-${r.layer}-head-${r.head ?? 0}` : `${r.kind}-${r.layer}`;
}
