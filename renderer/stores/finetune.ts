// Fine-tuning store: the table of fine-tunes and baselines (polled while one trains) and the selected run's report.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { BaselineRequestT, FinetuneReportT, FinetuneRowT, FinetuneStartRequestT, RunT } from '../../common/api';
import { call, errorMessage, onEvent } from '../api';

export const useFinetuneStore = defineStore('finetune', () => {
  const rows = ref<FinetuneRowT[]>([]);
  const loaded = ref(false);
  const error = ref<string | null>(null);
  const report = ref<FinetuneReportT | null>(null);
  const reportFor = ref<number | null>(null);
  let timer: ReturnType<typeof setInterval> | null = null;
  let unsubscribe: (() => void) | null = null;

  async function refresh(): Promise<void> {
    try {
      rows.value = await call('finetune.list', {});
      error.value = null;
      if (reportFor.value !== null && report.value === null) await select(reportFor.value);
    } catch (e) {
      error.value = errorMessage(e);
    } finally {
      loaded.value = true;
    }
  }

  /** Polls every 2 s while a fine-tune trains (its metrics stream into the store), and on run events. */
  function watch(): void {
    unsubscribe ??= onEvent('runs.changed', () => void refresh());
    timer ??= setInterval(() => {
      if (rows.value.some((r) => r.run.status === 'running' || r.run.status === 'queued')) void refresh();
    }, 2000);
  }

  function unwatch(): void {
    if (timer !== null) clearInterval(timer);
    timer = null;
    unsubscribe?.();
    unsubscribe = null;
  }

  async function select(runId: number): Promise<void> {
    reportFor.value = runId;
    report.value = await call('finetune.report', { runId });
  }

  async function start(input: Partial<FinetuneStartRequestT> & { from: number; dataset: string }): Promise<RunT> {
    const run = await call('finetune.start', input);
    await refresh();
    return run;
  }

  async function baseline(input: Partial<BaselineRequestT> & { dataset: string }): Promise<FinetuneReportT> {
    const r = await call('finetune.baseline', input);
    await refresh();
    await select(r.runId);
    return r;
  }

  return { rows, loaded, error, report, reportFor, refresh, watch, unwatch, select, start, baseline };
});
