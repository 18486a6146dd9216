// Datasets store: the lab's dataset list and the sample corpora, refreshed on datasets.changed events.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ChannelOutput, DatasetT } from '../../preload/api';
import { call, errorMessage, onEvent } from '../api';

export type SampleCorpusT = ChannelOutput<'datasets.samples'>[number];

export const useDatasetsStore = defineStore('datasets', () => {
  const items = ref<DatasetT[]>([]);
  const samples = ref<SampleCorpusT[]>([]);
  const loaded = ref(false);
  const error = ref<string | null>(null);
  let subscribed = false;

  async function refresh(): Promise<void> {
    try {
      items.value = await call('datasets.list', {});
      error.value = null;
    } catch (e) {
      error.value = errorMessage(e);
    } finally {
      loaded.value = true;
    }
  }

  async function loadSamples(): Promise<void> {
    try {
      samples.value = await call('datasets.samples', {});
    } catch (e) {
      error.value = errorMessage(e);
    }
  }

  async function init(): Promise<void> {
    if (!subscribed) {
      subscribed = true;
      onEvent('datasets.changed', () => void refresh());
    }
    await Promise.all([refresh(), loadSamples()]);
  }

  function byId(id: number): DatasetT | undefined {
    return items.value.find((d) => d.id === id);
  }

  return { items, samples, loaded, error, init, refresh, byId };
});
