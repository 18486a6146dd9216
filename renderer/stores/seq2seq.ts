// Seq2seq store: the "with vs without attention" experiments (list, one in detail, create, stop), refreshed on
// seq2seq.changed and when one of their runs changes status.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ChannelInput } from '../../common/api';
import type { Seq2seqExperimentSummaryT, Seq2seqExperimentT } from '../../common/api/seq2seq';
import { call, errorMessage, onEvent } from '../api';

export const useSeq2seqStore = defineStore('seq2seq', () => {
  const list = ref<Seq2seqExperimentSummaryT[]>([]);
  const experiments = ref(new Map<number, Seq2seqExperimentT>());
  const loaded = ref(false);
  const error = ref<string | null>(null);
  let subscribed = false;

  async function refresh(): Promise<void> {
    try {
      list.value = await call('seq2seq.list', {});
      error.value = null;
    } catch (e) {
      error.value = errorMessage(e);
    } finally {
      loaded.value = true;
    }
  }

  async function load(id: number): Promise<Seq2seqExperimentT | null> {
    try {
      const e = await call('seq2seq.get', { id });
      experiments.value.set(id, e);
      error.value = null;
      return e;
    } catch (e) {
      error.value = errorMessage(e);
      return null;
    }
  }

  function byId(id: number): Seq2seqExperimentT | undefined {
    return experiments.value.get(id);
  }

  async function init(): Promise<void> {
    if (!subscribed) {
      subscribed = true;
      onEvent('seq2seq.changed', (p) => {
        void refresh();
        if (experiments.value.has(p.id)) void load(p.id);
      });
      onEvent('runs.changed', (p) => {
        const e = p.experimentId === null ? undefined : experiments.value.get(p.experimentId);
        const arm = e?.arms.flatMap((a) => a.seeds).find((s) => s.runId === p.id);
        if (e && arm && arm.status !== p.status) void load(e.id);
      });
    }
    await refresh();
  }

  async function create(input: ChannelInput<'seq2seq.create'>): Promise<Seq2seqExperimentT> {
    const e = await call('seq2seq.create', input);
    experiments.value.set(e.id, e);
    void refresh();
    return e;
  }

  async function stop(id: number): Promise<void> {
    experiments.value.set(id, await call('seq2seq.stop', { id }));
  }

  return { list, loaded, error, init, refresh, load, byId, create, stop };
});
