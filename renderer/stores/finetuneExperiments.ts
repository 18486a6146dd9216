// Store of the "pre-train + fine-tune, BERT vs GPT" experiments: the list (polled while one runs) and starting one.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { FinetuneExperimentRequestT, FinetuneExperimentT } from '../../common/api/finetune-experiment';
import { call, errorMessage, onEvent } from '../api';

export const useFinetuneExperimentsStore = defineStore('finetuneExperiments', () => {
  const items = ref<FinetuneExperimentT[]>([]);
  const loaded = ref(false);
  const error = ref<string | null>(null);
  let timer: ReturnType<typeof setInterval> | null = null;
  let unsubscribe: (() => void) | null = null;

  async function refresh(): Promise<void> {
    try {
      items.value = await call('finetune.experiment.list', {});
      error.value = null;
    } catch (e) {
      error.value = errorMessage(e);
    } finally {
      loaded.value = true;
    }
  }

  /** Polls every 3 s while an experiment runs (its phases and fine-tunes move on without an event each). */
  function watch(): void {
    unsubscribe ??= onEvent('experiments.changed', () => void refresh());
    timer ??= setInterval(() => {
      if (items.value.some((e) => e.status === 'running')) void refresh();
    }, 3000);
  }

  function unwatch(): void {
    if (timer !== null) clearInterval(timer);
    timer = null;
    unsubscribe?.();
    unsubscribe = null;
  }

  async function start(input: Partial<FinetuneExperimentRequestT> & { pretrainDataset: string; task: string; labels: number[] }): Promise<FinetuneExperimentT> {
    const e = await call('finetune.experiment.start', input);
    await refresh();
    return e;
  }

  return { items, loaded, error, refresh, watch, unwatch, start };
});
