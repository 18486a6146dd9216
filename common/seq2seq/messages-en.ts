// English words of the seq2seq experiment (variant and metric names, verdict sentences); the UI (vue-i18n, under
// `seq2seq.`) and the CLI (english.ts) word the lab's verdicts with these. {name} placeholders come from wording.ts.
const seq2seqEn = {
  variants: {
    none: 'RNN, no attention', dot: 'RNN + dot', general: 'RNN + general (x W y)', concat: 'RNN + concat (Bahdanau)',
    scaled: 'RNN + scaled dot-product', location: 'RNN + location (Luong)', transformer: 'Transformer', attention: 'the best alignment function',
  },
  metrics: { exactMatch: 'exact match', tokenAccuracy: 'token accuracy', bleu: 'BLEU', chrf: 'chrF' },
  verdicts: {
    falls: '{variant}: {metric} falls from {first} on sources of {firstLo}–{firstHi} tokens to {last} on sources of {lastLo}–{lastHi} tokens.',
    holds: '{variant}: {metric} holds up as sources grow ({first} on {firstLo}–{firstHi} tokens, {last} on {lastLo}–{lastHi} tokens).',
    attentionWinsLong: 'On the longest sources ({lo}–{hi} tokens) attention wins: {variant} reaches {with} {metric}, the RNN without attention {without}.',
    attentionLosesLong: 'On the longest sources ({lo}–{hi} tokens) the RNN without attention does better: {without} {metric} against {with} for {variant}.',
    attentionTiesLong: 'On the longest sources ({lo}–{hi} tokens) {variant} ({with} {metric}) and the RNN without attention ({without}) are within the spread of the seeds.',
    alignmentBest: 'Best alignment function: {variant} with {value} {metric}, ahead of {runnerUp} ({runnerValue}) beyond the spread of the seeds.',
    alignmentTie: 'No alignment function is clearly best: {variant} ({value} {metric}) and {runnerUp} ({runnerValue}) are within the spread of the seeds.',
    fewAlignments: 'Fewer than two alignment functions were measured, so none can be called best.',
    transformerBetter: 'The Transformer does better than the best RNN with attention ({variant}): {transformer} {metric} against {rnn}.',
    transformerWorse: 'The best RNN with attention ({variant}) does better than the Transformer: {rnn} {metric} against {transformer}.',
    transformerTie: 'The Transformer ({transformer} {metric}) and the best RNN with attention ({variant}, {rnn}) are within the spread of the seeds.',
    cost: 'Fastest to train: {fastest} at {fastestSpeed} target tokens/s, {ratio}× the slowest ({slowest}, {slowestSpeed} tokens/s); {fastestParams} and {slowestParams} parameters.',
    unmeasured: 'Not measured yet: {variant} has no finished, measured run.',
    oneBucket: '{variant}: the held-out sources fill only one length bucket, so no trend with length can be read.',
  },
};

export default seq2seqEn;
