// English words of the tutorial's measured BERT-vs-GPT table (issue 18): each claim, each measured number, each verdict.
// The CLI reads them through english() in wording.ts and the UI through vue-i18n (finetune.tutorial), so both agree.
const tutorialEn = {
  claims: {
    understanding: 'Understanding: BERT suits classification; fine-tuned, it classifies better than GPT',
    fewLabels: 'Pre-training + fine-tuning does well with few labels',
    bidirectional: 'Bidirectional context: BERT reads both sides of a word, GPT only the left',
    generation: 'Generation: GPT writes more coherent text than BERT',
    objective: 'Prediction target and training method: BERT autoencoding (masked words), GPT autoregressive (next word)',
  },
  measures: {
    f1: {
      'bert-pretrained': 'BERT pre-trained, {labels}/class',
      'gpt-pretrained': 'GPT pre-trained, {labels}/class',
      'bert-scratch': 'BERT from scratch, {labels}/class',
      'gpt-scratch': 'GPT from scratch, {labels}/class',
      'tfidf-logreg': 'TF-IDF + LR, {labels}/class',
    },
    fill: {
      bertBoth: 'BERT fill-in top-1, both sides',
      bertLeft: 'BERT fill-in top-1, left side only',
      gptLeft: 'GPT fill-in top-1 (left side only)',
      unigram: 'unigram baseline top-1 (always {token})',
      bertSameGuess: 'BERT both sides and left only guess the same token',
      bertModalShare: 'BERT (both sides) guesses its favourite token {token}',
    },
    gen: {
      distinct2: {
        gpt: 'GPT continuations, distinct-2',
        bert: 'BERT mask-predict continuations, distinct-2',
        reference: 'the real text, distinct-2',
      },
      degenerate: {
        gpt: 'GPT continuations degenerate (distinct-2 < {threshold})',
        bert: 'BERT continuations degenerate (distinct-2 < {threshold})',
      },
      bigramNll: {
        gpt: 'GPT continuations, held-out bigram NLL',
        bert: 'BERT continuations, held-out bigram NLL',
        reference: 'the real text, held-out bigram NLL',
      },
    },
    loss: {
      gpt: 'GPT next-token cross-entropy',
      bert: 'BERT masked-token cross-entropy ({mask} masked)',
    },
  },
  units: { f1: 'macro-F1', fraction: '', nats: 'nats' },
  verdict: {
    supports: 'Supports the tutorial.',
    contradicts: 'Contradicts the tutorial.',
    mixed: 'Mixed.',
    noClearDifference: 'No clear difference (inside the seed spread).',
    asBuilt: 'As built.',
    undertrained: 'Not judged: BERT is under-trained.',
    provisional: '(One seed: provisional, no spread to judge by.)',
  },
  detail: {
    understanding: 'At {labels} labels per class BERT − GPT = {gap} macro-F1; BERT is clearly ahead at {bertWins} of {budgets} budgets.',
    fewLabels: 'At {labels} labels per class pre-training clearly helped {helped} of the 2 models and clearly hurt {hurt}; clearly above TF-IDF + LR: {beatBaseline}.',
    bidirectional: 'Reading the right-hand side as well changes BERT\'s top-1 by {gap} on {sites} blanks per seed.',
    generation: 'Repetition (distinct-2) favours {distinct}; the bigram model of the pre-training text favours {nll}.',
    generationDegenerate: 'Continuations with distinct-2 below {threshold} (one token or a short loop over and over) are degenerate: the bigram model does not score them, and a model whose continuations are mostly degenerate loses its vote (degenerate: GPT {degenerateGpt}, BERT {degenerateBert}).',
    bidirectionalUndertrained: 'BERT\'s top-1 reading both sides ({both}) does not beat always guessing {unigramToken} ({unigram}): it guesses {modalToken} at {modalShare} of the blanks, and its two readings agree at {sameGuess}, so it has learned little more than how often each token occurs. Pre-train it longer (more steps) before reading this row.',
    objective: 'GPT: cross-entropy of the next token at every position. BERT: cross-entropy of the {mask} of tokens it masks in training (no next-sentence prediction; its validation loss above masks 15%). Fine-tunes: cross-entropy of a classification head.',
  },
  recipe: {
    title: 'How each side was pre-trained',
    gpt: 'GPT: learning rate {lr}, warm-up {warmup} steps, {steps} steps of {batch} × {context} tokens; it predicts the next token at every position ({targets} targets a step).',
    bert: 'BERT: learning rate {lr}, warm-up {warmup} steps, {steps} steps of {batch} × {context} tokens; it masks {mask} of the tokens and predicts only those (about {targets} targets a step).',
    swept: 'Each learning rate is the best of a short sweep around the recipe\'s.',
    whyMasked: 'Why BERT\'s recipe differs: BERT learns only from the tokens it masks, so at the textbook 15% it gets 15% of GPT\'s targets a step and stays longer on the unigram plateau (guessing the most common token at every blank). This preset\'s recipe masks {mask} at learning rate {lr}, which gives it {ratio} of GPT\'s targets and learned fastest when the recipe was measured. Both read the same tokens; validation and the fill-in row mask 15% and one token for both.',
    whyStandard: 'Why it matters: BERT learns only from the {mask} of tokens it masks ({ratio} of GPT\'s targets a step), so it leaves the unigram plateau (the most common token at every blank) later than GPT; a few hundred steps of this preset may not be enough. If its fill-in row says it is under-trained, pre-train it longer (more steps).',
    default: 'These are the defaults: the BERT-vs-GPT comparison\'s recipe ({preset} preset, each rate the best of a short sweep) for {steps} steps, three times the comparison\'s. On Shakespeare\'s byte-level BPE tokens BERT stays on its unigram plateau for about 2,000 steps (fill-in 0.10 vs 0.10 at 2,000, two seeds) and leaves it by 3,000 (0.28 vs 0.10 at 6,000); GPT clears its bar at 2,000 already (next token 0.27 vs 0.10; bench/RESULTS.md, issue 18).',
    notDefault: 'These are not the defaults ({preset} preset, {steps} steps, each rate the best of a short sweep). If BERT\'s fill-in row says it is under-trained, pre-train it longer: on Shakespeare\'s BPE tokens the tiny preset needed about 3,000 steps to leave the unigram plateau.',
  },
  who: { tie: 'neither', unmeasured: 'not measured', none: 'none', bert: 'BERT', gpt: 'GPT', both: 'BERT and GPT' },
};

export default tutorialEn;
