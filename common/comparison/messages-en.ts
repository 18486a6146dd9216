// English words of the BERT-vs-GPT comparison table (rows, descriptive cells, verdicts); the CLI prints the same ones.
// Keys under rows/short follow the lab's row ids (fill.token.top1 → rows.fill.token.top1).
const comparisonEn = {
  rows: {
    about: { objective: 'Training objective', predicts: 'What is predicted', direction: 'Input direction', architecture: 'Architecture' },
    fill: {
      token: { top1: 'Fill in the blank: single token, top-1 accuracy', top5: 'Fill in the blank: single token, top-5 accuracy' },
      word: { top1: 'Fill in the blank: whole word (all its tokens), exact' },
    },
    continue: { next: 'Continue the text: next-token accuracy (left context only)', perplexity: 'Perplexity: GPT next-token vs BERT pseudo-perplexity' },
    cost: { parameters: 'Cost: parameters', tokens_per_s: 'Cost: training throughput (tokens/s)', wall: 'Cost: training wall time', memory: 'Cost: peak worker memory (RSS)' },
    summary: { strengths: 'Strengths (from the numbers above)' },
  },
  /** the quality rows' names in the strengths summary */
  short: {
    fill: { token: { top1: 'single-token blanks (top-1)', top5: 'single-token blanks (top-5)' }, word: { top1: 'whole-word blanks' } },
    continue: { next: 'next token from the left', perplexity: 'perplexity' },
  },
  about: {
    objective: {
      gpt: 'Autoregressive language modelling (next-token prediction)', bert: 'Masked language modelling (autoencoding: hidden tokens predicted from both sides)',
      rnn: 'Autoregressive language modelling, as GPT (next-token prediction)',
    },
    predicts: { gpt: 'Every next token, from the tokens before it', bert: 'Only the masked tokens, from everything around them', rnn: 'Every next token, from the tokens before it' },
    direction: {
      gpt: 'Left to right (causal attention mask)', bert: 'Bidirectional (every token sees every other)',
      rnn: 'Left to right, one token at a time: everything read so far is carried in a hidden state, with no attention',
    },
    architecture: {
      gpt: 'Decoder-only Transformer: {layers} layers × {heads} heads, d_model {dModel}, context {context}, {norm}-LN; tied LM head',
      bert: 'Encoder-only Transformer: {layers} layers × {heads} heads, d_model {dModel}, context {context}, {norm}-LN; MLM head (dense + GELU + LN), tied decoder',
      gru: 'GRU language model: {layers} layers × {hidden} units, embedding {embed}, trained through windows of {context} tokens; linear output layer',
      lstm: 'LSTM language model: {layers} layers × {hidden} units, embedding {embed}, trained through windows of {context} tokens; linear output layer',
    },
  },
  figures: 'GPT {gpt}, BERT {bert}',
  figuresOverSeeds: 'GPT {gpt}, BERT {bert} (mean ± std over {n} seeds)',
  verdict: {
    design: 'A property of the design, not measured.',
    unmeasured: 'Not measured for both models, so no verdict.',
    tie: 'No clear difference: {figures}.',
    tieSpread: 'No clear difference: {figures}; the gap is within the seed spread.',
    better: '{winner} did better by {by}: {figures}.',
    incomparable: 'No winner: {figures} are different quantities.',
    summary: 'On this data, filling a blank favoured {fill} and continuing the text favoured {next}; GPT won {gptWins} and BERT {bertWins} of the measured quality rows.',
  },
  by: {
    points: '{n} points',
    relative: "{gap} ({percent}% of {loser}'s figure)",
    ratio: '{by}, {ratio}×',
  },
  strengths: { some: 'Measured better at: {list}', none: 'Better at none of the measured tasks here', separator: '; ' },
  name: { gpt: 'GPT', bert: 'BERT', gru: 'GRU', lstm: 'LSTM', neither: 'neither' },
  /** the third model's verdict against GPT ({rnn} is GRU or LSTM) */
  rnn: {
    column: '{rnn} vs GPT',
    figures: '{rnn} {value}, GPT {gpt}',
    unmeasured: 'Not measured for both, so no verdict.',
    tie: 'No clear difference ({figures}).',
    tieSpread: 'No clear difference ({figures}); within the seed spread.',
    better: '{winner} better by {by} ({figures}).',
  },
  baseline: {
    column: 'Unigram baseline',
    hint: 'Always predicts the most frequent token of the train split ({token}), scored on the same blanks and windows.',
    below: 'not above the unigram baseline',
  },
  notes: {
    oneSeed: 'One seed: there is no spread to judge a gap by, so every verdict is provisional. Run 3 or more seeds to know.',
    belowBaseline: '{name} has not beaten the unigram baseline ({rows}): it has learned little more than how often each token occurs. Train it longer or at another learning rate before reading its verdicts.',
    learningRate: '{name} trained at learning rate {lr}.',
    learningRateSwept: '{name} trained at learning rate {lr}, the best of a {steps}-step sweep ({trials}){edge}.',
    edge: '; it was the edge of the range tried, so the best rate may lie beyond it',
  },
  caveat: {
    pseudoPerplexity: "BERT's pseudo-perplexity sees both sides of every token, so it is not the same quantity as GPT's perplexity.",
    backends: "The runs trained on different kernels (GPT {gpt}, BERT {bert}), so this gap is mostly the backend's.",
  },
};

export type ComparisonMessages = typeof comparisonEn;
export default comparisonEn;
