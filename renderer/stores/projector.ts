// Embedding projector store: the chosen vectors (a run's word vectors, a model's token/position table or contextual
// vectors, a vectors file), the open set's labels and columns (its vectors stay in the analysis worker), the projection
// streaming in frame by frame, the selected point and its neighbours, search hits, an analogy, an isolated
// neighbourhood, a second set side by side, the checkpoint series and the bookmarks.
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { ChannelInput, ChannelOutput, ProjectorBookmarkT, ProjectorSetT, ProjectorSourceRunT, SpaceComparisonT } from '../../common/api';
import { call, errorMessage, LabApiError, onEvent } from '../api';
import { unpackFloat32 } from '../charts/attentionMath';

export type SourceKind = ProjectorSourceRunT['kinds'][number];
export type Method = 'pca' | 'tsne' | 'umap';
type Source = ChannelInput<'projector.open'>['source'];
type Neighbor = ChannelOutput<'projector.neighbors'>['neighbors'][number];
type Params = ChannelInput<'projector.project'>['params'];

function packFloat32(a: Float32Array): string {
  let s = '';
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** One side of the view: an open set and its layout (coords index the shown rows: all, or `rows`). */
export interface Side {
  set: ProjectorSetT;
  source: Source;
  coords: Float32Array;
  dims: 2 | 3;
  /** rows of the set shown (an isolated neighbourhood), or null for all */
  rows: number[] | null;
  jobId: number | null;
  progress: { iteration: number; total: number; kl: number | null } | null;
  /** frames streamed by the current projection so far */
  frames: number;
  /** the parameters of the layout shown (not the controls, which may have changed since) */
  params: Params | null;
  /** the limit the set was opened with (part of its key), to open it again */
  limit: number | null;
  done: { method: Method; seconds: number; explained: number[] | null; kl: number | null } | null;
}

export const useProjectorStore = defineStore('projector', () => {
  const sources = ref<ProjectorSourceRunT[]>([]);
  const runId = ref<number | null>(null);
  const kind = ref<SourceKind>('token-embedding');
  const checkpoint = ref<string | null>(null);
  const layer = ref(1);
  const texts = ref('The bank of the river was muddy.\nShe took her money to the bank.');
  const useHeldOut = ref(false);
  const heldOut = ref(20);
  const limit = ref<number | null>(5000);
  /** open a vectors file instead of a run */
  const fromFile = ref(false);
  const filePath = ref('');
  const fileFormat = ref<'w2v-text' | 'w2v-bin' | 'projector'>('w2v-text');
  const metadataPath = ref('');

  const method = ref<Method>('umap');
  const dims = ref<2 | 3>(2);
  const metric = ref<'cosine' | 'euclidean'>('cosine');
  const perplexity = ref(15);
  const neighbors = ref(15);
  const minDist = ref(0.1);
  const iterations = ref<number | null>(null);

  const main = shallowRef<Side | null>(null);
  const second = shallowRef<Side | null>(null);
  const opening = ref(false);
  const error = ref<string | null>(null);

  const selected = ref<number | null>(null);
  const neighbours = ref<Neighbor[]>([]);
  const k = ref(10);
  const query = ref('');
  const hits = ref<number[]>([]);
  /** the last search that found nothing (cleared by the next search or selection) */
  const searchMiss = ref<string | null>(null);
  const colorBy = ref<string | null>(null);
  const analogy = ref<{ a: string; b: string; c: string; rows: number[]; answers: Neighbor[] } | null>(null);
  const comparison = shallowRef<SpaceComparisonT | null>(null);
  const series = shallowRef<{ checkpoints: string[]; layouts: Float32Array[]; dims: 2 | 3; N: number } | null>(null);
  const bookmarks = ref<ProjectorBookmarkT[]>([]);

  const source = computed(() => sources.value.find((s) => s.runId === runId.value) ?? null);
  /** set row → shown index, for the main side */
  const shownOf = computed(() => {
    const rows = main.value?.rows;
    return rows ? new Map(rows.map((r, i) => [r, i])) : null;
  });
  const shownLabels = computed(() => {
    const m = main.value;
    if (!m) return [];
    return m.rows ? m.rows.map((r) => m.set.labels[r]) : m.set.labels;
  });
  function shown(row: number): number | null {
    return shownOf.value ? (shownOf.value.get(row) ?? null) : row;
  }
  function rowOf(index: number): number {
    return main.value?.rows ? main.value.rows[index] : index;
  }

  const fail = (e: unknown): void => { error.value = errorMessage(e); };

  /** Runs `ask`; when the worker no longer holds the side's set (it keeps the few used last, and a restarted worker
   *  holds none), opens the set again once and asks again. */
  async function held<R>(side: Side, ask: () => Promise<R>): Promise<R> {
    try {
      return await ask();
    } catch (e) {
      if (!(e instanceof LabApiError && e.code === 'not_found' && e.field === 'key')) throw e;
      await call('projector.open', { source: side.source, ...(side.limit === null ? {} : { limit: side.limit }) });
      return ask();
    }
  }

  async function loadSources(): Promise<void> {
    try {
      sources.value = await call('projector.sources', {});
      if (runId.value === null && sources.value.length > 0) chooseRun(sources.value[sources.value.length - 1].runId);
    } catch (e) {
      fail(e);
    }
  }

  function chooseRun(id: number): void {
    runId.value = id;
    const s = source.value;
    if (s && !s.kinds.includes(kind.value)) kind.value = s.kinds[0];
    checkpoint.value = null;
    if (s?.layers != null) layer.value = Math.min(layer.value, s.layers);
  }

  function currentSource(): Source | null {
    if (fromFile.value) {
      return { kind: 'file', path: filePath.value.trim(), format: fileFormat.value, ...(metadataPath.value.trim() === '' ? {} : { metadataPath: metadataPath.value.trim() }) };
    }
    if (runId.value === null) return null;
    const cp = checkpoint.value ?? undefined;
    if (kind.value === 'contextual') {
      return useHeldOut.value
        ? { kind: 'contextual', runId: runId.value, checkpoint: cp, layer: layer.value, heldOut: heldOut.value }
        : { kind: 'contextual', runId: runId.value, checkpoint: cp, layer: layer.value, texts: texts.value.split('\n').filter((t) => t.trim() !== '') };
    }
    return { kind: kind.value, runId: runId.value, checkpoint: cp } as Source;
  }

  function params(): ChannelInput<'projector.project'>['params'] {
    return {
      method: method.value, dims: dims.value, metric: metric.value,
      ...(method.value === 'tsne' ? { perplexity: perplexity.value } : {}),
      ...(method.value === 'umap' ? { neighbors: neighbors.value, minDist: minDist.value } : {}),
      ...(iterations.value !== null && method.value !== 'pca' ? { iterations: iterations.value } : {}),
    };
  }

  function clearView(): void {
    selected.value = null;
    neighbours.value = [];
    hits.value = [];
    searchMiss.value = null;
    analogy.value = null;
    comparison.value = null;
    series.value = null;
  }

  /** Opens the chosen vectors and projects them. */
  async function open(src: Source | null = currentSource()): Promise<void> {
    if (src === null) return;
    opening.value = true;
    error.value = null;
    try {
      const set = await call('projector.open', { source: src, ...(limit.value === null ? {} : { limit: limit.value }) });
      second.value = null;
      main.value = { set, source: src, coords: new Float32Array(set.N * dims.value), dims: dims.value, rows: null, jobId: null, progress: null, frames: 0, params: null,
        limit: limit.value, done: null };
      clearView();
      // counts of an imported file are all 0: nothing to colour by
      colorBy.value = set.columns.count?.some((v) => Number(v) > 0) ? 'count' : 'sentence' in set.columns ? 'sentence' : 'kind' in set.columns ? 'kind' : null;
      void loadBookmarks();
      await project();
    } catch (e) {
      fail(e);
    } finally {
      opening.value = false;
    }
  }

  async function projectSide(side: Side, rows: number[] | null, init?: Float32Array): Promise<Side> {
    if (side.jobId !== null && side.progress !== null && side.done === null) await call('projector.stop', { jobId: side.jobId }).catch(() => undefined);
    const p = params();
    const { jobId } = await held(side, () => call('projector.project', {
      key: side.set.key, params: p, ...(rows ? { rows } : {}), ...(init ? { initPacked: packFloat32(init) } : {}),
    }));
    const N = rows ? rows.length : side.set.N;
    return known({ ...side, rows, jobId, dims: dims.value, coords: side.coords.length === N * dims.value ? side.coords : new Float32Array(N * dims.value),
      progress: { iteration: 0, total: 1, kl: null }, frames: 0, params: p, done: null });
  }

  async function project(rows: number[] | null = main.value?.rows ?? null): Promise<void> {
    if (!main.value) return;
    error.value = null;
    try {
      main.value = await projectSide(main.value, rows);
      if (second.value) second.value = await projectSide(second.value, null);
    } catch (e) {
      fail(e);
    }
  }

  async function stop(): Promise<void> {
    for (const side of [main.value, second.value]) {
      if (side?.jobId != null) await call('projector.stop', { jobId: side.jobId }).catch(fail);
    }
  }

  /** Events of a job whose id has not come back yet (over HTTP the event stream can overtake the call's answer):
   *  replayed once the id is known. Ids only grow, so anything at or below the newest known id is stale. */
  const early = new Map<number, Array<(side: Side) => Side>>();
  let newestJob = 0;

  function onFrameOrDone(jobId: number, apply: (side: Side) => Side): void {
    if (main.value?.jobId === jobId) main.value = apply(main.value);
    else if (second.value?.jobId === jobId) second.value = apply(second.value);
    else if (jobId > newestJob) early.set(jobId, [...(early.get(jobId) ?? []), apply]);
  }

  function known(side: Side): Side {
    const jobId = side.jobId ?? 0;
    newestJob = Math.max(newestJob, jobId);
    let out = side;
    for (const apply of early.get(jobId) ?? []) out = apply(out);
    for (const id of [...early.keys()]) if (id <= newestJob) early.delete(id);
    return out;
  }

  onEvent('projector.frame', (f) => onFrameOrDone(f.jobId, (s) => ({
    ...s, coords: unpackFloat32(f.coordsPacked), dims: f.dims as 2 | 3, progress: { iteration: f.iteration, total: f.total, kl: f.kl }, frames: s.frames + 1,
  })));
  onEvent('projector.done', (d) => onFrameOrDone(d.jobId, (s) => ({
    ...s, coords: unpackFloat32(d.coordsPacked), dims: d.dims as 2 | 3, rows: d.rows, progress: null,
    done: { method: d.method, seconds: d.seconds, explained: d.explained, kl: d.kl },
  })));
  onEvent('projector.failed', (f) => onFrameOrDone(f.jobId, (s) => {
    error.value = f.message;
    return { ...s, progress: null };
  }));

  /** Selects a shown point and lists its neighbours in the original space. */
  async function select(index: number | null): Promise<void> {
    selected.value = index;
    if (index !== null) searchMiss.value = null;
    neighbours.value = [];
    const m = main.value;
    if (index === null || !m) return;
    try {
      neighbours.value = (await held(m, () => call('projector.neighbors', { key: m.set.key, index: rowOf(index), k: k.value, metric: metric.value }))).neighbors;
    } catch (e) {
      fail(e);
    }
  }

  async function search(): Promise<void> {
    const m = main.value;
    hits.value = [];
    searchMiss.value = null;
    if (!m || query.value.trim() === '') return;
    try {
      const { indices } = await held(m, () => call('projector.search', { key: m.set.key, query: query.value.trim(), limit: 50 }));
      hits.value = indices.map(shown).filter((i): i is number => i !== null);
      if (hits.value.length === 0) searchMiss.value = query.value.trim();
      if (hits.value.length > 0) await select(hits.value[0]);
    } catch (e) {
      fail(e);
    }
  }

  /** Projects the selected point and its neighbours alone. */
  async function isolate(size: number): Promise<void> {
    const m = main.value;
    if (!m || selected.value === null) return;
    try {
      const row = rowOf(selected.value);
      const { rows } = await held(m, () => call('projector.neighbourhood', { key: m.set.key, index: row, k: size, metric: metric.value }));
      selected.value = 0;
      neighbours.value = [];
      hits.value = [];
      analogy.value = null;
      await project(rows);
    } catch (e) {
      fail(e);
    }
  }

  async function showAll(): Promise<void> {
    selected.value = null;
    neighbours.value = [];
    await project(null);
  }

  async function solveAnalogy(a: string, b: string, c: string): Promise<void> {
    const m = main.value;
    if (!m) return;
    error.value = null;
    try {
      const r = await held(m, () => call('projector.analogy', { key: m.set.key, a, b, c, k: 5, metric: metric.value }));
      analogy.value = { a, b, c, rows: r.rows, answers: r.answers };
    } catch (e) {
      analogy.value = null;
      fail(e);
    }
  }

  /** Opens a second set, compares neighbour lists on the words both have, and projects it beside the first. */
  async function compareWith(src: Source): Promise<void> {
    const m = main.value;
    if (!m) return;
    error.value = null;
    try {
      const set = await call('projector.open', { source: src, ...(limit.value === null ? {} : { limit: limit.value }) });
      comparison.value = await held(m, () => call('projector.compare', { keyA: m.set.key, keyB: set.key, k: k.value, metric: metric.value }));
      // both sides with the same projection, so the two pictures can be read side by side
      second.value = { set, source: src, coords: new Float32Array(set.N * dims.value), dims: dims.value, rows: null, jobId: null, progress: null, frames: 0, params: null,
        limit: limit.value, done: null };
      await project();
    } catch (e) {
      fail(e);
    }
  }

  function closeSecond(): void {
    second.value = null;
    comparison.value = null;
  }

  async function buildSeries(): Promise<void> {
    const m = main.value;
    const s = source.value;
    if (!m || !s || m.source.kind === 'file') return;
    error.value = null;
    try {
      const r = await call('projector.series', { source: { ...m.source, checkpoint: undefined } as Source, checkpoints: s.checkpoints.slice(-12), params: params(), limit: Math.min(m.set.N, 2000) });
      series.value = { checkpoints: r.checkpoints, layouts: r.coordsPacked.map(unpackFloat32), dims: r.dims as 2 | 3, N: r.N };
    } catch (e) {
      fail(e);
    }
  }

  async function loadBookmarks(): Promise<void> {
    if (!main.value) return;
    try {
      bookmarks.value = await call('projector.bookmarks', { setKey: main.value.set.key });
    } catch (e) {
      fail(e);
    }
  }

  async function saveBookmark(name: string): Promise<void> {
    const m = main.value;
    if (!m) return;
    try {
      await call('projector.bookmarkSave', {
        name, setKey: m.set.key, source: m.source, params: m.params ?? params(), coordsPacked: packFloat32(m.coords), N: m.coords.length / m.dims,
        view: { selected: selected.value, rows: m.rows, colorBy: colorBy.value, query: query.value },
      });
      await loadBookmarks();
    } catch (e) {
      fail(e);
    }
  }

  async function applyBookmark(b: ProjectorBookmarkT): Promise<void> {
    const m = main.value;
    if (!m) return;
    try {
      const { coordsPacked } = await call('projector.bookmarkCoords', { id: b.id });
      const v = b.view as { selected?: number | null; rows?: number[] | null; colorBy?: string | null; query?: string };
      method.value = b.params.method;
      dims.value = b.params.dims;
      main.value = { ...m, coords: unpackFloat32(coordsPacked), dims: b.params.dims, rows: v.rows ?? null, jobId: null, progress: null, frames: 0, params: b.params, done: null };
      colorBy.value = v.colorBy ?? null;
      query.value = v.query ?? '';
      await select(v.selected ?? null);
    } catch (e) {
      fail(e);
    }
  }

  async function deleteBookmark(id: number): Promise<void> {
    await call('projector.bookmarkDelete', { id }).catch(fail);
    await loadBookmarks();
  }

  return {
    sources, runId, kind, fromFile, filePath, fileFormat, metadataPath, checkpoint, layer, texts, useHeldOut, heldOut, limit, method, dims, metric, perplexity, neighbors, minDist,
    iterations, main, second, opening, error, selected, neighbours, k, query, hits, searchMiss, colorBy, analogy, comparison, series, bookmarks,
    source, shownLabels, shown, rowOf, loadSources, chooseRun, open, project, stop, select, search, isolate, showAll, solveAnalogy,
    compareWith, closeSecond, buildSeries, loadBookmarks, saveBookmark, applyBookmark, deleteBookmark,
  };
});
