// The experiment's verdicts from constructed numbers: quality falling with length without attention and holding with
// it, attention winning on the longest sources, the best alignment function or a tie within the seeds' spread, the
// Transformer against the best RNN, cost; and their words in English and Chinese (same placeholders in both).
import { describe, expect, it } from 'vitest';
import type { Seq2seqArmT, Seq2seqBucketT } from '../../../common/api/seq2seq';
import { seedStat, seq2seqVerdicts } from '../../../common/seq2seq/verdicts';
import { english, verdictText } from '../../../common/seq2seq/wording';
import seq2seqEn from '../../../common/seq2seq/messages-en';
import seq2seqZhCN from '../../../common/seq2seq/messages-zh-CN';

const EDGES = [[1, 10], [11, 20], [21, 30], [31, 40]];

/** An arm whose seeds score `bleu` per bucket (one list per seed); other metrics follow as bleu / 100. */
function arm(variant: Seq2seqArmT['variant'], perSeed: number[][], speed = 1000, parameters = 50_000): Seq2seqArmT {
  return {
    variant,
    seeds: perSeed.map((bleus, i) => {
      const buckets: Seq2seqBucketT[] = bleus.map((b, j) => ({ lo: EDGES[j][0], hi: EDGES[j][1], pairs: 50, exactMatch: b / 100, tokenAccuracy: b / 100, bleu: b, chrf: b }));
      const mean = bleus.reduce((a, b) => a + b, 0) / bleus.length;
      return { seed: i + 1, runId: i + 1, status: 'completed' as const, step: 100, parameters, trainSeconds: 10, tokensPerSecond: speed + i,
        overall: { pairs: 200, exactMatch: mean / 100, tokenAccuracy: mean / 100, bleu: mean, chrf: mean }, buckets };
    }),
  };
}

const byId = (vs: ReturnType<typeof seq2seqVerdicts>): Record<string, (typeof vs)[number]> => Object.fromEntries(vs.map((v) => [v.id, v]));

describe('seq2seq verdicts', () => {
  it('the classic result: falls without attention, holds with it, attention wins long', () => {
    const v = byId(seq2seqVerdicts([
      arm('none', [[95, 70, 40, 15], [93, 66, 38, 12]], 3000, 40_000),
      arm('dot', [[98, 97, 96, 95], [99, 97, 95, 96]], 2000),
      arm('general', [[97, 96, 92, 90], [97, 95, 93, 89]], 1900),
      arm('transformer', [[99, 99, 98, 97], [99, 98, 98, 98]], 1500, 90_000),
    ]));
    expect(v['length.none']).toMatchObject({ tone: 'clear', key: 'falls', params: { variant: 'none', first: 94, last: 13.5, firstLo: 1, lastHi: 40 } });
    expect(v['length.attention']).toMatchObject({ tone: 'tie', key: 'holds', params: { variant: 'dot' } });
    expect(v['long.attention']).toMatchObject({ tone: 'clear', key: 'attentionWinsLong', params: { with: 95.5, without: 13.5, lo: 31, hi: 40 } });
    expect(v['alignment.best']).toMatchObject({ tone: 'clear', key: 'alignmentBest', params: { variant: 'dot', runnerUp: 'general' } });
    expect(v.transformer).toMatchObject({ tone: 'clear', key: 'transformerBetter', params: { variant: 'dot', transformer: 98.25 } });
    expect(v.cost).toMatchObject({ params: { fastest: 'none', slowest: 'transformer', fastestParams: 40_000, slowestParams: 90_000 } });
    expect(verdictText(v['length.none'], english)).toBe('RNN, no attention: BLEU falls from 94.0 on sources of 1–10 tokens to 13.5 on sources of 31–40 tokens.');
    expect(verdictText(v['long.attention'], english)).toBe('On the longest sources (31–40 tokens) attention wins: RNN + dot reaches 95.5 BLEU, the RNN without attention 13.5.');
  });

  it('a gap within the seeds\' spread is a tie; one seed needs 2 points', () => {
    const v = byId(seq2seqVerdicts([arm('dot', [[90, 90, 90, 90], [80, 80, 80, 80]]), arm('concat', [[88, 88, 88, 88], [84, 84, 84, 84]])]));
    expect(v['alignment.best']).toMatchObject({ tone: 'tie', key: 'alignmentTie' });
    const one = byId(seq2seqVerdicts([arm('dot', [[90, 90, 90, 90]]), arm('concat', [[88.5, 88.5, 88.5, 88.5]])], 'bleu'));
    expect(one['alignment.best'].tone).toBe('tie');
    const two = byId(seq2seqVerdicts([arm('dot', [[90, 90, 90, 90]]), arm('concat', [[87, 87, 87, 87]])], 'bleu'));
    expect(two['alignment.best'].tone).toBe('clear');
  });

  it('says what is not measured yet', () => {
    const pending = arm('none', [[0, 0, 0, 0]]);
    pending.seeds[0].overall = null;
    const v = byId(seq2seqVerdicts([pending]));
    expect(v['length.none']).toMatchObject({ tone: 'unmeasured', key: 'unmeasured' });
    expect(v['alignment.best']).toMatchObject({ tone: 'unmeasured', key: 'fewAlignments' });
    expect(verdictText(v['length.none'], english)).toBe('Not measured yet: RNN, no attention has no finished, measured run.');
    // an experiment without a Transformer arm gets no Transformer verdict, not an "unmeasured" one
    expect(byId(seq2seqVerdicts([arm('dot', [[90, 90, 90, 90]])])).transformer).toBeUndefined();
  });

  it('seedStat gives the sample standard deviation', () => {
    expect(seedStat([1, 3])).toEqual({ mean: 2, std: Math.SQRT2, n: 2 });
    expect(seedStat([])).toEqual({ mean: null, std: null, n: 0 });
  });

  it('every English sentence has its Chinese one with the same placeholders', () => {
    const holes = (s: string): string[] => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const [k, en] of Object.entries(seq2seqEn.verdicts)) expect(holes(seq2seqZhCN.verdicts[k as keyof typeof seq2seqEn.verdicts]), k).toEqual(holes(en));
  });
});
