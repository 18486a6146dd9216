// Helpers of the dataset service: literal LIKE patterns, code-point lengths, and export file names.
import { describe, expect, it } from 'vitest';
import { safeFileName } from '../../../main/lab/datasets/service';
import { codePointLength } from '../../../main/data/text';
import { likePattern } from '../../../main/store/datasets';

describe('dataset row helpers', () => {
  it('escapes LIKE wildcards and the escape character', () => {
    expect(likePattern('50%_off\\now')).toBe('%50\\%\\_off\\\\now%');
    expect(likePattern('plain')).toBe('%plain%');
  });

  it('counts code points, not UTF-16 units', () => {
    // independent reference: the string iterator walks code points
    for (const s of ['', 'abc', '注意力', 'a😀b', '😀😀', '\ud800x', 'x\udc00']) expect(codePointLength(s)).toBe([...s].length);
  });

  it('makes a dataset name safe as a file name on every OS', () => {
    expect(safeFileName('reviews: 2024/05')).toBe('reviews_ 2024_05');
    expect(safeFileName('中文 语料')).toBe('中文 语料');
    expect(safeFileName('trailing dots...')).toBe('trailing dots');
    expect(safeFileName('...')).toBe('dataset');
  });
});
