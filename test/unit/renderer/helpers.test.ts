// Pure renderer helpers: number/size formatting, bin labels, visible whitespace, split estimates, import requests.
import { describe, expect, it } from 'vitest';
import { formatBytes } from '../../../common/format';
import { binLabels, chipHue, formatNumber, formatPercent, visibleToken } from '../../../renderer/charts/format';
import { estimateSplitCounts, percentSumProblem, ratiosFromPercents } from '../../../renderer/utils/split';
import { buildImportRequest, defaultChoices, nameFromPath } from '../../../renderer/utils/importRequest';
import { VOCAB_RANGES } from '../../../common/tokenizers';
import { defaultTokenizerName } from '../../../renderer/utils/tokenizerForm';
import { byteLevelAlphabet, byteLevelToText } from '../../../common/byte-level';
import type { SourceInspectionT } from '../../../common/api';

describe('formatting', () => {
  it('groups thousands per locale and trims decimals', () => {
    expect(formatNumber(1115394)).toBe('1,115,394');
    expect(formatNumber(1115394, 'zh-CN')).toBe('1,115,394');
    expect(formatNumber(12.345)).toBe('12.3');
    expect(formatNumber(0.1234, 'en', 3)).toBe('0.123');
    expect(formatPercent(0.0123)).toBe('1.23%');
  });

  it('formats sizes in binary steps', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    // tinyshakespeare.txt: 1,115,394 bytes = 1.0637 MiB
    expect(formatBytes(1115394)).toBe('1.1 MB');
  });

  it('labels histogram bins from n + 1 edges', () => {
    expect(binLabels([0, 12.5, 25])).toEqual(['0–13', '13–25']);
    expect(binLabels([7])).toEqual([]);
  });

  it('makes whitespace and control characters visible', () => {
    expect(visibleToken(' a\tb\n')).toBe('·a⇥b⏎');
    expect(visibleToken('\u0001')).toBe('\\x01');
    expect(visibleToken('\r\n')).toBe('\\r⏎');
    expect(visibleToken('注意力')).toBe('注意力');
  });

  it('gives the same id the same hue at the same parity and neighbours different hues', () => {
    expect(chipHue(42, 0)).toBe(chipHue(42, 2));
    expect(chipHue(42, 0)).not.toBe(chipHue(42, 1));
    for (let id = 0; id < 200; id += 1) {
      const h = chipHue(id, id);
      expect(h).toBeGreaterThanOrEqual(0);
      expect(h).toBeLessThan(360);
    }
  });
});

describe('split helpers', () => {
  it('turns percents into ratios', () => {
    expect(ratiosFromPercents({ train: 80, validation: 10, test: 10 })).toEqual({ train: 0.8, validation: 0.1, test: 0.1 });
  });

  it('reports a sum other than 100 and negative parts', () => {
    expect(percentSumProblem({ train: 80, validation: 10, test: 10 })).toBeNull();
    expect(percentSumProblem({ train: 80, validation: 10, test: 5 })).toBe(95);
    expect(Number.isNaN(percentSumProblem({ train: 110, validation: -10, test: 0 }))).toBe(true);
  });

  it('estimates counts by largest remainder', () => {
    // 7 docs at 80/10/10: exact 5.6 / 0.7 / 0.7 → floors 5/0/0, 2 left: validation (.7) then test (.7)
    expect(estimateSplitCounts(7, { train: 80, validation: 10, test: 10 })).toEqual({ train: 5, validation: 1, test: 1 });
    // 10 docs at 70/20/10 divide exactly
    expect(estimateSplitCounts(10, { train: 70, validation: 20, test: 10 })).toEqual({ train: 7, validation: 2, test: 1 });
    // 3 docs at 34/33/33: exact 1.02 / 0.99 / 0.99 → floors 1/0/0, 2 left to validation and test
    expect(estimateSplitCounts(3, { train: 34, validation: 33, test: 33 })).toEqual({ train: 1, validation: 1, test: 1 });
    // a 0% part never receives a leftover document
    expect(estimateSplitCounts(5, { train: 90, validation: 10, test: 0 })).toEqual({ train: 5, validation: 0, test: 0 });
  });
});

const csv: SourceInspectionT = {
  path: '/data/reviews.csv',
  format: 'csv',
  encoding: 'utf-8',
  bytes: 100,
  columns: ['id', 'Review', 'Sentiment'],
  preview: [],
  duplicateOf: null,
};

describe('import request', () => {
  it('guesses text and label columns by their usual names', () => {
    expect(defaultChoices(csv)).toEqual({ mode: 'whole', text: 'Review', label: 'Sentiment', second: '' });
    expect(defaultChoices({ ...csv, columns: ['a', 'b'] })).toEqual({ mode: 'whole', text: 'a', label: '', second: '' });
    expect(defaultChoices({ ...csv, format: 'jsonl', columns: undefined, fields: ['text', 'label'] })).toMatchObject({ text: 'text', label: 'label' });
  });

  it('sends only the options of the inspected format', () => {
    const opts = { name: ' reviews ', encoding: 'auto' as const, skipInvalid: false, allowDuplicate: false, taskId: 't1' };
    expect(buildImportRequest(csv, { mode: 'whole', text: 'Review', label: '' }, opts)).toEqual({
      path: '/data/reviews.csv',
      name: 'reviews',
      format: 'csv',
      encoding: 'auto',
      skipInvalid: false,
      allowDuplicate: false,
      taskId: 't1',
      textColumn: 'Review',
    });
    const txt = buildImportRequest({ ...csv, format: 'txt', columns: undefined }, { mode: 'whole', text: '', label: '' }, opts);
    expect(txt.mode).toBe('whole');
    expect(txt.textColumn).toBeUndefined();
    const jsonl = buildImportRequest({ ...csv, format: 'jsonl' }, { mode: 'paragraphs', text: 'body', label: 'tag' }, { ...opts, skipInvalid: true });
    expect(jsonl).toMatchObject({ textField: 'body', labelField: 'tag', skipInvalid: true });
    // sentence pairs: the second text column / field is sent only when chosen
    expect(buildImportRequest(csv, { mode: 'whole', text: 'premise', label: 'label', second: 'hypothesis' }, opts)).toMatchObject({ textColumn: 'premise', secondTextColumn: 'hypothesis' });
    expect(buildImportRequest({ ...csv, format: 'jsonl' }, { mode: 'whole', text: 'q', label: '', second: 'a' }, opts)).toMatchObject({ textField: 'q', secondTextField: 'a' });
    expect(buildImportRequest(csv, { mode: 'whole', text: 'premise', label: '' }, opts).secondTextColumn).toBeUndefined();
  });

  it('names a dataset after its file or folder', () => {
    expect(nameFromPath('/home/me/reviews-2024.csv')).toBe('reviews-2024');
    expect(nameFromPath('C:\\corpora\\news\\')).toBe('news');
    expect(nameFromPath('/x/.hidden')).toBe('.hidden');
  });
});

describe('tokenizer form', () => {
  it('names a tokenizer after dataset, kind and size within 120 characters', () => {
    expect(defaultTokenizerName('shakespeare', 'bpe', 2000)).toBe('shakespeare-bpe-2000');
    expect(defaultTokenizerName('x'.repeat(200), 'wordpiece', 30000)).toHaveLength(120);
  });

  it('suggests a size inside each kind’s range (BPE needs 256 bytes + 7 special tokens)', () => {
    expect(VOCAB_RANGES.bpe.min).toBe(263);
    for (const r of Object.values(VOCAB_RANGES)) {
      expect(r.suggested).toBeGreaterThanOrEqual(r.min);
      expect(r.suggested).toBeLessThanOrEqual(r.max);
    }
  });
});

describe('byte-level BPE tokens as text', () => {
  it('uses the same 256-character alphabet as Hugging Face tokenizers', async () => {
    const { byteLevelAlphabet: hfAlphabet } = await import('tokenizers');
    expect(byteLevelAlphabet().sort()).toEqual(hfAlphabet().sort());
  });

  it('decodes GPT-2 style tokens back to text', () => {
    expect(byteLevelToText('Ġthe')).toBe(' the');
    expect(byteLevelToText('ĊĊ')).toBe('\n\n');
    // "é" is C3 A9 in UTF-8; 0xC3 → 'Ã' and 0xA9 → '©' in the byte-level alphabet
    expect(byteLevelToText('cafÃ©')).toBe('café');
    // "注" is E6 B3 A8 → 'æ', '³', '¨'
    expect(byteLevelToText('æ³¨')).toBe('注');
    // half of a multi-byte character cannot be shown as text
    expect(byteLevelToText('æ³')).toBe('\uFFFD');
    expect(byteLevelToText('[UNK]')).toBe('[UNK]');
  });
});
