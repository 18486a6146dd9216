// Runs store: the run list, per-run metric series (downsampled by the lab, extended by live points), and run actions.
import { defineStore } from 'pinia';
import { markRaw, nextTick, ref } from 'vue';
import type { ChannelInput, EventPayload, MetricSeriesT, RunT } from '../../common/api';
import { call, errorMessage, onEvent } from '../api';
import { useListState } from './listState';

/** A live metric point as the lab streams it: { key: "train/loss", step, value, time (s since epoch) }. */
export type LivePoint = EventPayload<'runs.metrics'>['points'][number];

/** Statuses in which a run can still change, so its list row and curves are kept fresh. */
export const ACTIVE_STATUSES: readonly RunT['status'][] = ['queued', 'running', 'paused'];
/** How often the list is re-read while a run is active and no live event has arrived lately. */
const POLL_MS = 2000;
/** Live updates reach the charts at most this often (the limit: ≤ 10 a second). */
const REDRAW_MS = 100;
/** runs.metrics calls in flight at once when a comparison loads many runs (the lab answers them one by one anyway). */
const SERIES_CONCURRENCY = 4;

/** Cached series of one run: key → columns. Kept out of Vue's reactivity (10,000-point arrays); `version` signals changes. */
type RunSeries = Map<string, MetricSeriesT>;

export const useRunsStore = defineStore('runs', () => {
  const includeArchived = ref(false);
  const { items, loaded, error, refresh, subscribeOnce } = useListState<RunT>(() =>
    call('runs.list', { includeArchived: includeArchived.value }),
  );
  /** bumped (throttled) whenever cached series change; charts watch it */
  const version = ref(0);
  // Deliberately not reactive: 100 runs arriving one by one would otherwise rebuild every chart 100 times;
  // charts depend on `version`, which is bumped (throttled) once a batch is in.
  const series = new Map<number, RunSeries>();
  let pollTimer: ReturnType<typeof setInterval> | null = null;
  let redrawTimer: ReturnType<typeof setTimeout> | null = null;
  let lastLiveAt = 0;

  function anyActive(): boolean {
    return items.value.some((r) => ACTIVE_STATUSES.includes(r.status));
  }

  /**
   * Polls while a run is active and live events are quiet (browser mode before the event stream connects, or a lab
   * without live events): the list, and the series of runs whose curves are on screen.
   */
  function startPolling(): void {
    if (pollTimer) return;
    pollTimer = setInterval(() => {
      if (!anyActive() || Date.now() - lastLiveAt < 3 * POLL_MS) return;
      void refresh();
      for (const id of series.keys()) {
        const run = byId(id);
        if (run && ACTIVE_STATUSES.includes(run.status)) void loadSeries(id);
      }
    }, POLL_MS);
  }

  async function init(): Promise<void> {
    subscribeOnce(() => {
      onEvent('runs.changed', (p) => applyChange(p));
      onEvent('runs.metrics', (p) => appendPoints(p.runId, p.points));
      startPolling();
    });
    await refresh();
  }

  /** Runs asked for by id that the list does not show (archived ones, opened from Compare or a link). */
  const others = ref(new Map<number, RunT>());

  function byId(id: number): RunT | undefined {
    return items.value.find((r) => r.id === id) ?? others.value.get(id);
  }

  /** Makes sure every id can be looked up with byId, reading the ones the current list leaves out. */
  async function ensureRuns(ids: readonly number[]): Promise<void> {
    const missing = ids.filter((id) => !byId(id));
    if (missing.length === 0) return;
    try {
      const all = await call('runs.list', { includeArchived: true });
      for (const r of all) if (missing.includes(r.id)) others.value.set(r.id, r);
    } catch (e) {
      error.value = errorMessage(e);
    }
  }

  /** Replaces a run in the list with a fresher copy (from runs.get, runs.tag…); adds it when new. */
  function upsert(run: RunT): void {
    const i = items.value.findIndex((r) => r.id === run.id);
    if (i >= 0) items.value.splice(i, 1, run);
    else if (others.value.has(run.id)) others.value.set(run.id, run);
    else items.value.unshift(run);
  }

  /** how long the last redraw held the main thread (charts rebuild their options and ECharts lays them out) */
  let redrawCostMs = 0;
  let redrawAt = 0;

  /**
   * Redraws at most every REDRAW_MS, and never more often than leaves the page 80% of its time: a redraw that took
   * 150 ms (four charts of growing live series on a starved CPU) waits 600 ms before the next. At a fixed 10 a second
   * a loaded machine's page spent all its time in ECharts and stopped answering clicks, polls and input.
   */
  function scheduleRedraw(): void {
    if (redrawTimer) return;
    const wait = Math.max(REDRAW_MS, 4 * redrawCostMs) - (performance.now() - redrawAt);
    redrawTimer = setTimeout(() => {
      redrawTimer = null;
      const t0 = performance.now();
      version.value += 1;
      // the charts recompute in Vue's next flush; its end measures the redraw
      void nextTick(() => {
        redrawAt = performance.now();
        redrawCostMs = redrawAt - t0;
      });
    }, Math.max(0, wait));
  }

  /** Fetches a run's series, downsampled by the lab to about maxPoints each, into the cache without redrawing. */
  async function fetchSeries(runId: number, maxPoints: number): Promise<void> {
    const out = await call('runs.metrics', { id: runId, maxPoints });
    const map: RunSeries = new Map();
    for (const s of out.series) map.set(s.key, markRaw(s));
    series.set(runId, markRaw(map));
  }

  /** Loads (or reloads) one run's series and redraws. */
  async function loadSeries(runId: number, maxPoints = 2000): Promise<void> {
    try {
      await fetchSeries(runId, maxPoints);
      scheduleRedraw();
    } catch (e) {
      error.value = errorMessage(e);
    }
  }

  /**
   * Loads many runs' series a few at a time and redraws once at the end: redrawing after each of 100 runs would
   * rebuild every chart 100 times. `onProgress(done)` reports how many have arrived.
   */
  async function loadSeriesMany(runIds: readonly number[], maxPoints: number, onProgress: (done: number) => void = () => {}): Promise<void> {
    let next = 0;
    let done = 0;
    const worker = async (): Promise<void> => {
      while (next < runIds.length) {
        const id = runIds[next];
        next += 1;
        try {
          await fetchSeries(id, maxPoints);
        } catch (e) {
          error.value = errorMessage(e);
        }
        done += 1;
        onProgress(done);
      }
    };
    await Promise.all(Array.from({ length: Math.min(SERIES_CONCURRENCY, runIds.length) }, worker));
    scheduleRedraw();
  }

  /** Appends live points to a run's cached series (a point for an already-present step replaces it). */
  function appendPoints(runId: number, points: readonly LivePoint[]): void {
    lastLiveAt = Date.now();
    const map = series.get(runId);
    if (!map) return;
    for (const p of points) {
      let s = map.get(p.key);
      if (!s) {
        s = markRaw({ key: p.key, total: 0, steps: [], values: [], times: [] });
        map.set(p.key, s);
      }
      const last = s.steps.length - 1;
      if (last >= 0 && s.steps[last] === p.step) {
        s.values[last] = p.value;
        s.times[last] = p.time;
        continue;
      }
      s.steps.push(p.step);
      s.values.push(p.value);
      s.times.push(p.time);
      s.total += 1;
    }
    scheduleRedraw();
  }

  function seriesOf(runId: number, key: string): MetricSeriesT | undefined {
    return series.get(runId)?.get(key);
  }

  async function remove(id: number): Promise<void> {
    await call('runs.delete', { id });
    items.value = items.value.filter((r) => r.id !== id);
    series.delete(id);
    scheduleRedraw();
  }

  async function tag(id: number, add: string[], removeTags: string[]): Promise<void> {
    upsert(await call('runs.tag', { id, add, remove: removeTags }));
  }

  async function note(id: number, notes: string): Promise<void> {
    upsert(await call('runs.note', { id, notes }));
  }

  /**
   * A run moved: progress ticks patch the row in place (they come up to 10 a second); a status change, or a run
   * this list has not seen, re-reads the list so summaries, timings and errors are current.
   */
  function applyChange(p: EventPayload<'runs.changed'>): void {
    lastLiveAt = Date.now();
    const run = byId(p.id);
    if (!run || run.status !== p.status) {
      void refresh();
      return;
    }
    upsert({ ...run, step: p.step, totalSteps: p.totalSteps, error: p.error });
  }

  async function start(request: ChannelInput<'runs.start'>): Promise<RunT> {
    const run = await call('runs.start', request);
    upsert(run);
    return run;
  }

  /**
   * stop / pause / resume. The lab answers with the run as it was when it took the request, but the status events
   * that follow (a stop settles within a step) can arrive first; shown after them, that answer would put back an
   * older status ('running' over 'stopped') that no later event corrects while other runs keep the event stream busy.
   * So the list is re-read after the action instead: the newest read wins (see refresh).
   */
  async function control(id: number, action: 'stop' | 'pause' | 'resume'): Promise<void> {
    const channel = action === 'stop' ? 'runs.stop' : action === 'pause' ? 'runs.pause' : 'runs.resume';
    await call(channel, { id });
    await refresh();
  }

  async function archive(id: number, archived: boolean): Promise<void> {
    const run = await call('runs.archive', { id, archived });
    if (archived && !includeArchived.value) items.value = items.value.filter((r) => r.id !== id);
    else upsert(run);
  }

  return {
    items, loaded, error, includeArchived, version,
    init, refresh, byId, ensureRuns, upsert, loadSeries, loadSeriesMany, appendPoints, seriesOf, remove, tag, note, start, control, archive, anyActive,
  };
});
