// usePagedList: one page of a server-side list (offset/limit paging) that reloads when its inputs change; only the latest answer lands.
import { ref, watch, type Ref, type WatchSource } from 'vue';
import { errorMessage } from '../api';

/** What a paged channel answers: the rows of this page and the count of all matching rows. */
export interface PageOf<T> {
  items: T[];
  total: number;
}

export interface PagedList<T> {
  offset: Ref<number>;
  rows: Ref<T[]>;
  total: Ref<number>;
  error: Ref<string | null>;
}

/**
 * fetchPage(offset) asks for one page. A change in `resetOn` (search text, filters) goes back to the first page;
 * a change in `reloadOn` (the owner's id, a version counter) reloads the current page. Typing fires many loads,
 * so each answer is dropped unless it belongs to the latest request.
 */
export function usePagedList<T>(
  fetchPage: (offset: number) => Promise<PageOf<T>>,
  resetOn: WatchSource[],
  reloadOn: WatchSource[] = [],
): PagedList<T> {
  const offset = ref(0);
  const rows = ref([]) as Ref<T[]>;
  const total = ref(0);
  const error = ref<string | null>(null);
  let request = 0;

  async function load(): Promise<void> {
    const mine = ++request;
    try {
      const page = await fetchPage(offset.value);
      if (mine !== request) return;
      rows.value = page.items;
      total.value = page.total;
      error.value = null;
    } catch (e) {
      if (mine === request) error.value = errorMessage(e);
    }
  }

  watch(resetOn, () => {
    offset.value = 0;
    void load();
  });
  watch([offset, ...reloadOn], () => void load(), { immediate: true });

  return { offset, rows, total, error };
}
