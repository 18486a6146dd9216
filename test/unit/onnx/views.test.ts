// The CLI's views of attention and predictions, and how import names the inputs it supplies.
import { describe, expect, it } from 'vitest';
import { LabError } from '../../../common/errors';
import { inputRole } from '../../../main/onnx/import';
import { formatHead, headMatrices, predictions, tokenLabel } from '../../../main/onnx/views';
import { sampleTokenizer } from './fixtures';

// (L=2, NH=2, T=2): entry value = 1000*l + 100*h + 10*i + j, so every cell says where it came from
const shape = [2, 2, 2, 2] as const;
const data = Float32Array.from({ length: 16 }, (_, n) => {
  const [l, h, i, j] = [n >> 3, (n >> 2) & 1, (n >> 1) & 1, n & 1];
  return 1000 * l + 100 * h + 10 * i + j;
});

describe('headMatrices', () => {
  it('returns every layer and head in order by default', () => {
    const all = headMatrices(data, shape);
    expect(all.map((m) => [m.layer, m.head])).toEqual([[0, 0], [0, 1], [1, 0], [1, 1]]);
    expect(all[3].matrix).toEqual([[1100, 1101], [1110, 1111]]);
  });

  it('filters by layer and head', () => {
    expect(headMatrices(data, shape, 1).map((m) => m.head)).toEqual([0, 1]);
    expect(headMatrices(data, shape, undefined, 1).map((m) => m.layer)).toEqual([0, 1]);
    expect(headMatrices(data, shape, 0, 1)).toEqual([{ layer: 0, head: 1, matrix: [[100, 101], [110, 111]] }]);
  });

  it('names the valid range for a layer or head that does not exist', () => {
    expect(() => headMatrices(data, shape, 2)).toThrow(LabError);
    expect(() => headMatrices(data, shape, 2)).toThrow('layer 2 does not exist: this model has 2 layers, numbered 0 to 1.');
    expect(() => headMatrices(data, shape, 0, -1)).toThrow('head -1 does not exist: this model has 2 heads, numbered 0 to 1.');
  });
});

describe('predictions and text output', () => {
  it('maps top-k ids to token text per position', () => {
    const tok = sampleTokenizer();
    const t = tok.tokenToId('T') as number;
    const o = tok.tokenToId('o') as number;
    const p = predictions({ k: 2, ids: Int32Array.of(t, o, o, t), probs: Float32Array.of(0.75, 0.25, 0.5, 0.125) }, tok);
    expect(p).toEqual([
      { position: 0, candidates: [{ id: t, token: 'T', probability: 0.75 }, { id: o, token: 'o', probability: 0.25 }] },
      { position: 1, candidates: [{ id: o, token: 'o', probability: 0.5 }, { id: t, token: 'T', probability: 0.125 }] },
    ]);
  });

  it('prints a head as a grid, with exact zeros as dots and spaces made visible', () => {
    const text = formatHead({ layer: 1, head: 0, matrix: [[1, 0], [0.25, 0.75]] }, ['a', ' b']);
    expect(text.split('\n')).toEqual([
      'layer 1, head 0',
      '         a    ·b',
      'a     1.00     .',
      '·b    0.25  0.75',
    ]);
    expect(tokenLabel('abcdefghijk')).toBe('abcdefg…');
  });
});

describe('inputRole', () => {
  it('recognises the usual names of Transformer inputs', () => {
    const cases: [string, string | null][] = [
      ['input_ids', 'input_ids'], ['input', 'input_ids'], ['ids', 'input_ids'], ['tokens', 'input_ids'],
      ['attention_mask', 'attention_mask'], ['input_mask', 'attention_mask'], ['mask', 'attention_mask'],
      ['token_type_ids', 'token_type_ids'], ['segment_ids', 'token_type_ids'], ['position_ids', 'position_ids'],
      ['past_key_values.0.key', null], ['pixel_values', null],
    ];
    for (const [name, role] of cases) expect([name, inputRole(name)]).toEqual([name, role]);
  });
});
