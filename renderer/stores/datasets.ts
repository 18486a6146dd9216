// Datasets store: the lab's dataset list and the sample corpora, refreshed on datasets.changed events.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ChannelOutput, DatasetT } from '../../common/api';
import { call, errorMessage, onEvent } from '../api';
import { useListState } from './listState';

export type SampleCorpusT = ChannelOutput<'datasets.samples'>[number];

export const useDatasetsStore = defineStore('datasets', () => {
  const { items, loaded, error, refresh, subscribeOnce } = useListState<DatasetT>(() => call('datasets.list', {}));
  const samples = ref<SampleCorpusT[]>([]);

  async function loadSamples(): Promise<void> {
    try {
      samples.value = await call('datasets.samples', {});
    } catch (e) {
      error.value = errorMessage(e);
    }
  }

  async function init(): Promise<void> {
    subscribeOnce(() => onEvent('datasets.changed', () => void refresh()));
    await Promise.all([refresh(), loadSamples()]);
  }

  function byId(id: number): DatasetT | undefined {
    return items.value.find((d) => d.id === id);
  }

  return { items, samples, loaded, error, init, refresh, byId };
});
