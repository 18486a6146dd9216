// Retained attention views: max-pooled thumbnails on hand-worked maps, the byte budget that drops the oldest view,
// the sentences for a dropped key or a head out of range, and the head view's lines from (NH,T) rows.
import { describe, expect, it } from 'vitest';
import { poolMaps, RetainedViews, type RetainedView } from '../../../main/jobs/analysis/retained';
import { headViewLines, headViewRowLines } from '../../../renderer/charts/headView';

/** A retained view around `attention` (L=1, NH=2, T=2): only what matrix() and thumbnails() read is filled in. */
function entry(attention: Float32Array): RetainedView {
  const view = { L: 1, NH: 2, T: 2, causal: false } as RetainedView['view'];
  return { view, positional: null, attention, L: 1, NH: 2, T: 2, causal: false, rollouts: new Map(), thumbnails: new Map() };
}

describe('poolMaps', () => {
  it('a 4 × 4 map pools to 2 × 2 block maxima, bytes against the map’s own largest weight', () => {
    // rows of a causal map; the 2 × 2 blocks' maxima are 1, 0 | 0.3, 0.4 by hand
    const m = Float32Array.from([1, 0, 0, 0, 0.5, 0.5, 0, 0, 0.3, 0.3, 0.4, 0, 0.1, 0.2, 0.3, 0.4]);
    const { S, bytes, maxima } = poolMaps(m, 1, 4, 2);
    expect(S).toBe(2);
    expect(maxima).toEqual([1]);
    expect(Array.from(bytes)).toEqual([255, 0, Math.round(255 * Math.fround(0.3)), Math.round(255 * Math.fround(0.4))]);
  });

  it('uneven blocks (5 tokens into 2: rows 0–2 and 3–4), each map scaled alone, a map of zeros stays zero', () => {
    const T = 5;
    const a = new Float32Array(2 * T * T);
    a[0 * T + 4] = 0.2; // block (0,1)
    a[3 * T + 2] = 0.1; // block (1,0)
    a[4 * T + 4] = 0.05; // block (1,1)
    const { S, bytes, maxima } = poolMaps(a, 2, T, 2);
    expect(S).toBe(2);
    expect(maxima).toEqual([Math.fround(0.2), 0]);
    expect(Array.from(bytes.subarray(0, 4))).toEqual([0, 255, Math.round((255 * Math.fround(0.1)) / Math.fround(0.2)), Math.round((255 * Math.fround(0.05)) / Math.fround(0.2))]);
    expect(Array.from(bytes.subarray(4))).toEqual([0, 0, 0, 0]);
  });

  it('a map smaller than the size asked for keeps one cell per token', () => {
    const { S, bytes } = poolMaps(Float32Array.from([1, 0, 0.25, 0.75]), 1, 2, 64);
    expect(S).toBe(2);
    expect(Array.from(bytes)).toEqual([255, 0, 64, 191]);
  });
});

describe('RetainedViews', () => {
  it('keeps views within the byte budget, dropping the oldest used first', () => {
    const kept = new RetainedViews(40);
    kept.put('a', entry(new Float32Array(4)));
    kept.put('b', entry(new Float32Array(4)));
    expect(kept.peek('a')).toBeDefined(); // 'a' is now the newest used
    kept.put('c', entry(new Float32Array(4))); // 48 bytes > 40: 'b' goes
    expect(kept.peek('b')).toBeUndefined();
    expect(kept.peek('a')).toBeDefined();
    expect(kept.peek('c')).toBeDefined();
  });

  it('keeps the newest view even when it alone is over the budget', () => {
    const kept = new RetainedViews(8);
    kept.put('big', entry(new Float32Array(8)));
    expect(kept.peek('big')).toBeDefined();
  });

  it('cuts one head and the rows of one query out of (1,2,2,2); says what to do with a dropped key', () => {
    const kept = new RetainedViews();
    kept.put('k', entry(Float32Array.from([1, 0, 0.5, 0.5, 1, 0, 0.25, 0.75])));
    const head1 = kept.matrix({ key: 'k', kind: 'head', layer: 0, head: 1, query: 0 });
    expect([head1.rows, head1.cols, head1.max]).toEqual([2, 2, 1]);
    expect(Array.from(head1.values)).toEqual([1, 0, 0.25, 0.75]);
    // a copy that owns its buffer: structured clone to the service would otherwise carry the whole (L,NH,T,T) tensor
    expect(head1.values.buffer.byteLength).toBe(head1.values.byteLength);
    const rows = kept.matrix({ key: 'k', kind: 'queryRows', layer: 0, head: 0, query: 1 });
    expect(Array.from(rows.values)).toEqual([0.5, 0.5, 0.25, 0.75]);
    const mean = kept.matrix({ key: 'k', kind: 'mean', layer: 0, head: 0, query: 0 });
    expect(Array.from(mean.values)).toEqual([1, 0, 0.375, 0.625]);
    expect(() => kept.matrix({ key: 'gone', kind: 'head', layer: 0, head: 0, query: 0 })).toThrow('The attention with key "gone" is no longer kept (the lab keeps the few texts analysed last, and none across a restart); analyse the text again.');
    expect(() => kept.matrix({ key: 'k', kind: 'head', layer: 0, head: 2, query: 0 })).toThrow('Head 2 does not exist: this view has 2, numbered 0 to 1.');
  });

  it('gives the same key to the same analysis and a different one to any change', () => {
    const a = RetainedViews.keyOf({ file: '/x@1', text: 'to be' });
    expect(RetainedViews.keyOf({ file: '/x@1', text: 'to be' })).toBe(a);
    expect(RetainedViews.keyOf({ file: '/x@2', text: 'to be' })).not.toBe(a);
  });
});

describe('headViewRowLines', () => {
  it('draws from (NH,T) rows exactly what headViewLines draws from the full tensor', () => {
    // (L=2, NH=2, T=3): layer 1, query 2
    const att = new Float32Array(2 * 2 * 3 * 3);
    att.set([0.2, 0.3, 0.5], ((1 * 2 + 0) * 3 + 2) * 3);
    att.set([0.005, 0.9, 0.095], ((1 * 2 + 1) * 3 + 2) * 3);
    const rows = Float32Array.from([0.2, 0.3, 0.5, 0.005, 0.9, 0.095]);
    const fromRows = headViewRowLines(rows, 3, [0, 1], ['red', 'blue']);
    expect(fromRows).toEqual(headViewLines(att, 2, 3, 1, 2, [0, 1], ['red', 'blue']));
    // 0.005 is under the 0.01 cut; the strongest line is last
    expect(fromRows.map((l) => `${l.head}:${l.key}`)).toEqual(['1:2', '0:0', '0:1', '0:2', '1:1']);
  });
});
