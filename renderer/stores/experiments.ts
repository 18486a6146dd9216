// Experiments store: BERT-vs-GPT comparisons (list, one in detail, create, measure), refreshed on experiments.changed.
import { defineStore } from 'pinia';
import type { ChannelInput, ExperimentT } from '../../common/api';
import { call, errorMessage, onEvent } from '../api';
import { useListState } from './listState';

export const useExperimentsStore = defineStore('experiments', () => {
  const { items, loaded, error, refresh, subscribeOnce } = useListState<ExperimentT>(() => call('experiments.list', {}));

  function upsert(e: ExperimentT): void {
    const i = items.value.findIndex((x) => x.id === e.id);
    if (i >= 0) items.value.splice(i, 1, e);
    else items.value.unshift(e);
  }

  /** Re-reads one experiment (its runs' statuses and, once measured, the comparison table). */
  async function load(id: number): Promise<ExperimentT | null> {
    try {
      const e = await call('experiments.get', { id });
      upsert(e);
      error.value = null;
      return e;
    } catch (e) {
      error.value = errorMessage(e);
      return null;
    }
  }

  async function init(): Promise<void> {
    subscribeOnce(() => {
      onEvent('experiments.changed', (p) => void load(p.id));
      // a run of an experiment moved to another status: the experiment's derived status may have moved too
      onEvent('runs.changed', (p) => {
        const e = p.experimentId === null ? undefined : byId(p.experimentId);
        if (e && e.runs.some((r) => r.id === p.id && r.status !== p.status)) void load(e.id);
      });
    });
    await refresh();
  }

  function byId(id: number): ExperimentT | undefined {
    return items.value.find((e) => e.id === id);
  }

  async function create(input: ChannelInput<'experiments.create'>): Promise<ExperimentT> {
    const e = await call('experiments.create', input);
    upsert(e);
    return e;
  }

  async function measure(id: number): Promise<void> {
    upsert(await call('experiments.measure', { id }));
  }

  return { items, loaded, error, init, refresh, load, byId, create, measure };
});
