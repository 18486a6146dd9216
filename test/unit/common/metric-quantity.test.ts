// GPT's next-token loss and BERT's masked-token loss are different quantities under one metric name.
import { describe, expect, it } from 'vitest';
import { metricQuantity, objectiveOf, quantityGroups } from '../../../common/metric-quantity';

describe('metric quantities', () => {
  it('tells next-token from masked-token objective metrics and leaves the family-free ones alone', () => {
    expect(objectiveOf('gpt')).toBe('next-token');
    expect(objectiveOf('lstm')).toBe('next-token');
    expect(objectiveOf('bert')).toBe('masked-token');
    expect(objectiveOf('word2vec')).toBe('word2vec');
    expect(metricQuantity('val/loss', 'gpt')).not.toBe(metricQuantity('val/loss', 'bert'));
    expect(metricQuantity('val/accuracy', 'gpt')).toBe(metricQuantity('val/accuracy', 'rnn'));
    expect(metricQuantity('train/tokens_per_s', 'gpt')).toBe(metricQuantity('train/tokens_per_s', 'bert'));
    expect(metricQuantity('system/peak_rss_mb', 'bert')).toBe('system/peak_rss_mb');
  });

  it('groups runs so that "best" is only ever chosen among runs of one quantity', () => {
    const runs = [{ id: 1, family: 'gpt' }, { id: 2, family: 'bert' }, { id: 3, family: 'gpt' }];
    const loss = quantityGroups(runs, 'val/loss');
    expect([...loss.values()].map((g) => g.map((r) => r.id))).toEqual([[1, 3], [2]]);
    expect([...quantityGroups(runs, 'train/tokens_per_s').values()].map((g) => g.length)).toEqual([3]);
  });
});
