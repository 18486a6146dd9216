// listState: what every list store keeps (items, loaded, error), its refresh from one list channel, and a one-time subscription.
import { ref, type Ref } from 'vue';
import { errorMessage } from '../api/errors';

export interface ListState<T> {
  items: Ref<T[]>;
  /** true once the first answer (or failure) is in, so pages can tell "empty" from "not loaded yet" */
  loaded: Ref<boolean>;
  error: Ref<string | null>;
  refresh: () => Promise<void>;
  /** Runs `subscribe` the first time it is called and never again: stores are initialised by every page that uses them. */
  subscribeOnce: (subscribe: () => void) => void;
}

/** `fetchAll` asks the lab for the whole list (e.g. `() => call('datasets.list', {})`). */
export function useListState<T>(fetchAll: () => Promise<T[]>): ListState<T> {
  const items = ref([]) as Ref<T[]>;
  const loaded = ref(false);
  const error = ref<string | null>(null);
  let subscribed = false;
  /** refreshes asked for, and the newest one whose answer is shown */
  let asked = 0;
  let shown = 0;

  /**
   * Re-reads the list. Refreshes overlap (every status event asks for one) and their answers can come back in any
   * order; an answer older than the one already shown is dropped, so a late, stale list never hides a newer status.
   */
  async function refresh(): Promise<void> {
    const mine = ++asked;
    try {
      const list = await fetchAll();
      if (mine < shown) return;
      shown = mine;
      items.value = list;
      error.value = null;
    } catch (e) {
      if (mine > shown) error.value = errorMessage(e);
    } finally {
      loaded.value = true;
    }
  }

  function subscribeOnce(subscribe: () => void): void {
    if (subscribed) return;
    subscribed = true;
    subscribe();
  }

  return { items, loaded, error, refresh, subscribeOnce };
}
