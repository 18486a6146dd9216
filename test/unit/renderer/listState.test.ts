// The list stores' refresh: overlapping refreshes whose answers come back out of order never show a stale list.
import { describe, expect, it } from 'vitest';
import { useListState } from '../../../renderer/stores/listState';

/** A fetch whose answers the test releases by hand, in any order. */
function manualFetch<T>(): { fetchAll: () => Promise<T>; answer: (i: number, value: T) => void; fail: (i: number, e: Error) => void } {
  const pending: Array<{ resolve: (v: T) => void; reject: (e: Error) => void }> = [];
  return {
    fetchAll: () => new Promise<T>((resolve, reject) => pending.push({ resolve, reject })),
    answer: (i, value) => pending[i].resolve(value),
    fail: (i, e) => pending[i].reject(e),
  };
}

describe('useListState.refresh', () => {
  it('keeps the answer of the newest refresh when an older one arrives after it', async () => {
    const f = manualFetch<Array<{ id: number; status: string }>>();
    const list = useListState(f.fetchAll);
    const older = list.refresh();
    const newer = list.refresh();
    f.answer(1, [{ id: 1, status: 'completed' }]);
    await newer;
    f.answer(0, [{ id: 1, status: 'running' }]);
    await older;
    expect(list.items.value).toEqual([{ id: 1, status: 'completed' }]);
    expect(list.loaded.value).toBe(true);
  });

  it('shows an answer that arrives in order, and a stale failure does not set the error', async () => {
    const f = manualFetch<number[]>();
    const list = useListState(f.fetchAll);
    const first = list.refresh();
    f.answer(0, [1]);
    await first;
    expect(list.items.value).toEqual([1]);
    const older = list.refresh();
    const newer = list.refresh();
    f.answer(2, [1, 2]);
    await newer;
    f.fail(1, new Error('The lab is not answering.'));
    await older;
    expect(list.items.value).toEqual([1, 2]);
    expect(list.error.value).toBeNull();
  });
});
