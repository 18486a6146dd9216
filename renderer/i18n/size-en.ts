// English strings of the wizard's custom model size (issue 14): the five fields, their problems, the live estimate.
export default {
  custom: 'Custom size…',
  legend: 'Custom size (both models)',
  fields: { nLayer: 'Layers', nHead: 'Heads', dModel: 'd_model', dFF: 'Feed-forward width (d_ff)', contextLength: 'Context (tokens)' },
  range: '{field} is {value}, but it must be a whole number from {min} to {max}.',
  missing: 'empty',
  divisible: 'd_model {dModel} is not divisible by {nHead} heads: each head gets d_model ÷ heads dimensions. Choose {divisors} heads, or another d_model.',
  recipe: 'Trains with the {preset} recipe (learning rate, batch {batch}).',
  estimate: 'GPT {gpt} and BERT {bert} parameters; training needs about {gptMemory} (GPT) and {bertMemory} (BERT) at batch {batch}, with {free} of memory free.',
  vocabAssumed: 'The counts assume a vocabulary of {n} until the tokenizer is known.',
  tooBig: 'This size needs about {need} to train, but only {free} of memory is free: choose fewer layers, a smaller d_model or a shorter context.',
  fixFirst: 'Fix the custom size first (the sentences under its fields say what is wrong).',
  shown: 'Custom: layers {n}, heads {heads}, d_model {d}, d_ff {ff}, context {t}',
  legendOne: 'Custom size',
  estimateOne: '{family}: {n} parameters; training needs about {memory} at batch {batch}, with {free} of memory free.',
  estimating: 'Estimating…',
};
