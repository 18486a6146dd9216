// The measured tutorial table: verdicts follow the numbers (a gap inside the seed spread is no clear difference, one
// seed is provisional), distinct-n and the bigram model against hand-computed values, and the English wording.
import { describe, expect, it } from 'vitest';
import { COMPARE_RECIPE, experimentChannels } from '../../../common/api/experiments';
import { FINETUNE_PRETRAIN, FinetuneExperimentRequest, type CurvePointT, type CurveModelT } from '../../../common/api/finetune-experiment';
import { cellText, english, englishRows, isDefaultRecipe, recipeLines } from '../../../common/finetune/wording';
import tutorialEn from '../../../common/finetune/messages-en';
import tutorialZh from '../../../common/finetune/messages-zh-CN';
import { BigramModel, distinctN, generationFigures, isDegenerate, type TutorialPairFigures } from '../../../main/jobs/measure/tutorial';
import { clearlyBetter, seedCell, tutorialTable } from '../../../main/lab/finetune/tutorial-table';
import { experimentInput } from '../../../main/cli/commands/finetune-experiment';

function curve(values: Partial<Record<CurveModelT, number[]>>, labels = 16): CurvePointT[] {
  return Object.entries(values).map(([model, v]) => ({ model: model as CurveModelT, labelsPerClass: labels, macroF1: seedCell(v), runIds: [] }));
}

function pair(seed: number, fill: TutorialPairFigures['fill'], gpt: [number, number], bert: [number, number]): TutorialPairFigures {
  const gen = ([distinct2, bigramNll]: [number, number]): TutorialPairFigures['generation']['gpt'] => ({ distinct1: distinct2, distinct2, bigramNll });
  return { seed, split: 'test', sites: 40, fill, generation: { gpt: gen(gpt), bert: gen(bert), reference: gen([0.95, 4]) }, samples: [] };
}

describe('the measured tutorial table', () => {
  it('seedCell gives the mean and the sample std, clearlyBetter calls a gap inside the spread a tie', () => {
    const c = seedCell([0.5, 0.7, 0.6]);
    expect(c.mean).toBeCloseTo(0.6, 12);
    expect(c.std).toBeCloseTo(0.1, 12);
    expect(seedCell([0.4]).std).toBeNull();
    expect(clearlyBetter(seedCell([0.8, 0.82]), seedCell([0.6, 0.61]))).toBe('a');
    expect(clearlyBetter(seedCell([0.6, 0.8]), seedCell([0.65, 0.66]))).toBe('tie');
    expect(clearlyBetter(seedCell([2.0, 2.1]), seedCell([3.0, 3.1]), false)).toBe('a');
    expect(clearlyBetter(seedCell([]), seedCell([1]))).toBeNull();
  });

  it('verdicts follow the numbers, and say when they contradict the tutorial', () => {
    const rows = tutorialTable({
      curve: [
        ...curve({ 'bert-pretrained': [0.60, 0.62], 'gpt-pretrained': [0.70, 0.71], 'bert-scratch': [0.50, 0.51], 'gpt-scratch': [0.72, 0.73], 'tfidf-logreg': [0.65, 0.66] }, 8),
        ...curve({ 'bert-pretrained': [0.80, 0.81], 'gpt-pretrained': [0.70, 0.72], 'bert-scratch': [0.7, 0.7], 'gpt-scratch': [0.7, 0.7], 'tfidf-logreg': [0.7, 0.7] }, 64),
      ],
      pairs: [pair(1, { bertBoth: 0.30, bertLeft: 0.10, gptLeft: 0.12 }, [0.2, 5], [0.6, 6]), pair(2, { bertBoth: 0.32, bertLeft: 0.11, gptLeft: 0.13 }, [0.25, 5.1], [0.62, 6.2])],
      objectives: [{ seed: 1, gptLoss: 3.1, bertLoss: 4.2 }, { seed: 2, gptLoss: 3.2, bertLoss: 4.1 }],
      maskProbability: 0.15,
    });
    const byId = Object.fromEntries(rows.map((r) => [r.id, r]));
    expect(rows.map((r) => r.id)).toEqual(['understanding', 'fewLabels', 'bidirectional', 'generation', 'objective']);
    // BERT is clearly ahead at the largest budget (64) only
    expect(byId.understanding.verdict).toMatchObject({ kind: 'supports', provisional: false, params: { labels: 64, bertWins: 1, budgets: 2 } });
    // at 8 labels pre-training helped BERT (0.61 vs 0.505) and hurt GPT (0.705 vs 0.725): mixed
    expect(byId.fewLabels.verdict).toMatchObject({ kind: 'mixed', params: { labels: 8, helped: 1, hurt: 1, beatBaseline: 'gpt' } });
    expect(byId.bidirectional.verdict.kind).toBe('supports');
    // BERT's continuations repeat less (distinct-2) but read less like the text (bigram NLL): split votes
    expect(byId.generation.verdict).toMatchObject({ kind: 'mixed', params: { distinct: 'bert', nll: 'gpt' } });
    expect(byId.objective.verdict.kind).toBe('asBuilt');
    expect(byId.objective.measures[0].cell.mean).toBeCloseTo(3.15, 12);

    const english = englishRows(rows);
    expect(english[0].text).toContain('Supports the tutorial.');
    expect(english[0].text).toContain('+0.095');
    expect(english[3].text).toBe('Mixed. Repetition (distinct-2) favours BERT; the bigram model of the pre-training text favours GPT.');
    expect(english[4].text).toContain('15%');
    expect(english[1].measured[0]).toBe('BERT pre-trained, 8/class: 0.610 ± 0.014');
  });

  it('contradicts, and one seed is provisional', () => {
    const rows = tutorialTable({
      curve: curve({ 'bert-pretrained': [0.5], 'gpt-pretrained': [0.7], 'bert-scratch': [0.6], 'gpt-scratch': [0.8], 'tfidf-logreg': [0.9] }),
      pairs: [pair(1, { bertBoth: 0.1, bertLeft: 0.2, gptLeft: 0.2 }, [0.7, 5], [0.2, 7])],
      objectives: [{ seed: 1, gptLoss: 3, bertLoss: 4 }],
      maskProbability: 0.15,
    });
    expect(rows.map((r) => r.verdict.kind)).toEqual(['contradicts', 'contradicts', 'contradicts', 'supports', 'asBuilt']);
    expect(rows[0].verdict.provisional).toBe(true);
    expect(rows[4].verdict.provisional).toBe(false);
    expect(englishRows(rows)[0].text).toContain('(One seed: provisional');
    expect(cellText(rows[0].measures[0].cell, 'f1')).toBe('0.500');
  });

  it('distinct-n and the add-k bigram model agree with hand-computed values', () => {
    expect(distinctN([1, 2, 1, 2, 1], 1)).toBeCloseTo(2 / 5, 12);
    expect(distinctN([1, 2, 1, 2, 1], 2)).toBeCloseTo(2 / 4, 12);
    expect(distinctN([7], 2)).toBeNaN();
    // V = 3, k = 0.1; counts from [0 1 0 1 2]: (0,1)=2, (1,0)=1, (1,2)=1; firsts: 0→2, 1→2
    const m = new BigramModel([Int32Array.from([0, 1, 0, 1, 2])], 3, 0.1);
    const p01 = (2 + 0.1) / (2 + 0.3);
    const p12 = (1 + 0.1) / (2 + 0.3);
    expect(m.meanNll(0, [1, 2])).toBeCloseTo(-(Math.log(p01) + Math.log(p12)) / 2, 12);
    expect(m.meanNll(2, [0])).toBeCloseTo(-Math.log(0.1 / 0.3), 12);
  });

  it('an under-trained BERT (not above the unigram baseline) is not judged on bidirectional context', () => {
    // the full-size run of 2026-12-05: both readings 0.109, which is what always guessing the newline scores
    const check = { unigram: 0.109, unigramToken: '\n', sameGuess: 1, modalShare: 1, modalToken: '\n' };
    const stuck = [1, 2].map((seed) => ({ ...pair(seed, { bertBoth: 0.109, bertLeft: 0.109, gptLeft: 0.17 }, [0.5, 3], [0.5, 3]), fillCheck: check }));
    const rows = tutorialTable({ curve: [], pairs: stuck, objectives: [], maskProbability: 0.15 });
    const bi = rows.find((r) => r.id === 'bidirectional');
    expect(bi?.verdict.kind).toBe('undertrained');
    expect(bi?.measures.map((m) => m.key)).toEqual(['fill.bertBoth', 'fill.bertLeft', 'fill.gptLeft', 'fill.unigram', 'fill.bertSameGuess', 'fill.bertModalShare']);
    const text = englishRows(rows).find((r) => r.id === 'bidirectional')?.text ?? '';
    expect(text).toBe('Not judged: BERT is under-trained. BERT\'s top-1 reading both sides (0.109) does not beat always guessing "\\n" (0.109): '
      + 'it guesses "\\n" at 100% of the blanks, and its two readings agree at 100%, so it has learned little more than how often each token occurs. '
      + 'Pre-train it longer (more steps) before reading this row.');
    // a BERT well above the bar is judged as before
    const learned = [1, 2].map((seed) => ({
      ...pair(seed, { bertBoth: 0.30 + seed / 100, bertLeft: 0.1, gptLeft: 0.17 }, [0.5, 3], [0.5, 3]),
      fillCheck: { ...check, modalShare: 0.2, sameGuess: 0.3 },
    }));
    expect(tutorialTable({ curve: [], pairs: learned, objectives: [], maskProbability: 0.15 }).find((r) => r.id === 'bidirectional')?.verdict.kind).toBe('supports');
  });

  it('degenerate continuations are not scored by the bigram model and lose its vote', () => {
    // a text with many newline → newline pairs (id 0): the bigram model likes a run of newlines best
    const text = Int32Array.from([0, 0, 0, 1, 2, 3, 0, 0, 4, 5, 0, 0, 0, 6, 7, 0, 0, 0, 0, 1, 3]);
    const bigram = new BigramModel([text], 8, 0.1);
    const newlines = new Int32Array(32);
    const varied = Int32Array.from([1, 2, 3, 0, 4, 5, 0, 6, 7, 0, 1, 3]);
    expect(bigram.meanNll(0, newlines)).toBeLessThan(bigram.meanNll(0, varied));
    expect(isDegenerate(newlines)).toBe(true);
    expect(isDegenerate(varied)).toBe(false);
    const f = generationFigures(bigram, [{ previous: 0, ids: newlines }, { previous: 0, ids: varied }]);
    expect(f.degenerate).toBe(0.5);
    // only the varied continuation is scored: the newlines no longer pull the figure down
    expect(f.bigramNll).toBeCloseTo(bigram.meanNll(0, varied), 12);
    expect(generationFigures(bigram, [{ previous: 0, ids: newlines }]).bigramNll).toBeNaN();

    // the full-size run's shape: GPT loops a little, BERT writes only newlines (so it has no bigram score)
    const gen = (distinct2: number, bigramNll: number, degenerate: number): TutorialPairFigures['generation']['gpt'] => ({ distinct1: distinct2, distinct2, bigramNll, degenerate });
    const pairs = [1, 2].map((seed): TutorialPairFigures => ({
      seed, split: 'test', sites: 40, fill: { bertBoth: 0.3, bertLeft: 0.1, gptLeft: 0.2 }, samples: [],
      generation: { gpt: gen(0.47 + seed / 100, 3.2, 0), bert: gen(1 / 31, Number.NaN, 1), reference: gen(0.98, 5.3, 0) },
    }));
    const rows = tutorialTable({ curve: [], pairs, objectives: [], maskProbability: 0.15 });
    const g = rows.find((r) => r.id === 'generation');
    expect(g?.verdict).toMatchObject({ kind: 'supports', params: { distinct: 'gpt', nll: 'gpt', degenerateBert: 1, degenerateGpt: 0 } });
    expect(g?.measures.find((m) => m.key === 'gen.bigramNll.bert')?.cell.mean).toBeNull();
    expect(englishRows(rows).find((r) => r.id === 'generation')?.text).toBe('Supports the tutorial. Repetition (distinct-2) favours GPT; the bigram model of the pre-training text favours GPT. '
      + 'Continuations with distinct-2 below 0.25 (one token or a short loop over and over) are degenerate: the bigram model does not score them, '
      + 'and a model whose continuations are mostly degenerate loses its vote (degenerate: GPT 0%, BERT 100%).');
  });

  it('says what recipe each side was pre-trained with, and why BERT masks more than the textbook 15%', () => {
    const base = { warmupSteps: 60, steps: 600, batchSize: 16, contextLength: 128, swept: false };
    const gpt = { ...base, family: 'gpt' as const, lr: 1e-3, maskProbability: null, targetsPerStep: 2048 };
    const lines = recipeLines([gpt, { ...base, family: 'bert', lr: 2e-3, maskProbability: 0.4, targetsPerStep: 819.2 }], english);
    expect(lines[0]).toBe('GPT: learning rate 1e-3, warm-up 60 steps, 600 steps of 16 × 128 tokens; it predicts the next token at every position (2048 targets a step).');
    expect(lines[1]).toBe('BERT: learning rate 2e-3, warm-up 60 steps, 600 steps of 16 × 128 tokens; it masks 40% of the tokens and predicts only those (about 819 targets a step).');
    expect(lines[2]).toContain('This preset\'s recipe masks 40% at learning rate 2e-3, which gives it 40% of GPT\'s targets');
    // the textbook rate gets the plain sentence; a swept rate says so
    const standard = recipeLines([{ ...gpt, swept: true }, { ...base, family: 'bert', lr: 3e-4, maskProbability: 0.15, targetsPerStep: 307.2 }], english);
    expect(standard.slice(2)).toEqual([
      'Each learning rate is the best of a short sweep around the recipe\'s.',
      'Why it matters: BERT learns only from the 15% of tokens it masks (15% of GPT\'s targets a step), so it leaves the unigram plateau (the most common token at every blank) later than GPT; '
        + 'a few hundred steps of this preset may not be enough. If its fill-in row says it is under-trained, pre-train it longer (more steps).',
    ]);
    expect(standard[1]).toContain('learning rate 3e-4');
    expect(recipeLines([], english)).toEqual([]);
    // given the preset: the comparison's recipe (tiny, 2,000 steps, both swept) is named as the measured default, and
    // anything else (the old small × 600, or no sweep) says it is not and what to do when BERT is under-trained
    const tiny = { ...base, steps: FINETUNE_PRETRAIN.steps, contextLength: 64, swept: true };
    const defaults = [{ ...tiny, family: 'gpt' as const, lr: 3e-3, maskProbability: null, targetsPerStep: 1024 }, { ...tiny, family: 'bert' as const, lr: 3e-3, maskProbability: 0.4, targetsPerStep: 409.6 }];
    expect(isDefaultRecipe(defaults, 'tiny')).toBe(true);
    expect(recipeLines(defaults, english, 'tiny').at(-1)).toMatch(/^These are the defaults: the BERT-vs-GPT comparison's recipe \(tiny preset, each rate the best of a short sweep\) for 6,000 steps/);
    expect(isDefaultRecipe(defaults.map((r) => ({ ...r, steps: COMPARE_RECIPE.steps })), 'tiny')).toBe(false);
    expect(isDefaultRecipe(defaults.map((r) => ({ ...r, swept: false })), 'tiny')).toBe(false);
    expect(isDefaultRecipe(defaults, 'small')).toBe(false);
    expect(recipeLines([gpt, { ...gpt, family: 'bert', maskProbability: 0.15, targetsPerStep: 307.2 }], english, 'small').at(-1))
      .toBe('These are not the defaults (tiny preset, 6,000 steps, each rate the best of a short sweep). If BERT\'s fill-in row says it is under-trained, pre-train it longer: '
        + 'on Shakespeare\'s BPE tokens the tiny preset needed about 3,000 steps to leave the unigram plateau.');
    // the experiment's request defaults are the comparison's recipe (read, not copied) for three times its steps
    expect(FINETUNE_PRETRAIN).toEqual({ ...COMPARE_RECIPE, steps: 6000 });
    const request = FinetuneExperimentRequest.parse({ pretrainDataset: 'shakespeare', task: 'spam', labels: [16] });
    expect({ preset: request.preset, steps: request.pretrainSteps, lrSweep: request.lrSweep }).toEqual(FINETUNE_PRETRAIN);
    // finetune-compare's flags: none leaves the defaults to the API; --no-lr-sweep turns the sweep off
    const flags = { 'pretrain-dataset': 'shakespeare', task: 'spam', labels: '16,64' };
    const fromFlags = (values: Record<string, string | boolean>): ReturnType<typeof FinetuneExperimentRequest.parse> => {
      const { taskId, ...rest } = experimentInput(values, 'cli-1');
      expect(taskId).toBe('cli-1');
      return FinetuneExperimentRequest.parse(rest);
    };
    const plain = fromFlags(flags);
    expect({ preset: plain.preset, steps: plain.pretrainSteps, lrSweep: plain.lrSweep }).toEqual(FINETUNE_PRETRAIN);
    expect(fromFlags({ ...flags, 'no-lr-sweep': true, preset: 'small', 'pretrain-steps': '600' }))
      .toMatchObject({ lrSweep: false, preset: 'small', pretrainSteps: 600, labels: [16, 64] });
    const compare = experimentChannels['experiments.create'].input.parse({ dataset: 'shakespeare', budget: { steps: 1 } });
    expect({ preset: compare.preset, lrSweep: compare.lrSweep }).toEqual({ preset: COMPARE_RECIPE.preset, lrSweep: COMPARE_RECIPE.lrSweep });
    // the objective row: the training mask in its sentence, the validation loss at 15% whatever the training rate
    const rows = tutorialTable({ curve: [], pairs: [], objectives: [{ seed: 1, gptLoss: 3, bertLoss: 4 }], maskProbability: 0.4 });
    const objective = englishRows(rows)[0];
    expect(objective.measured[1]).toBe('BERT masked-token cross-entropy (15% masked): 4.00');
    expect(objective.text).toContain('the 40% of tokens it masks in training');
  });

  it('every message key has words in English and in Chinese', () => {
    const keys = (o: object, prefix = ''): string[] => Object.entries(o).flatMap(([k, v]) => (typeof v === 'string' ? [`${prefix}${k}`] : keys(v as object, `${prefix}${k}.`)));
    expect(keys(tutorialZh).sort()).toEqual(keys(tutorialEn).sort());
  });
});
