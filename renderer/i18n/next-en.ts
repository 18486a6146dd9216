// English strings of the "Next" links that lead a person on from each page (issue 14: no dead ends).
export default {
  title: 'Next:',
  datasetTokenizer: 'Train a tokenizer on it',
  datasetSeq2seq: 'Train an encoder-decoder on these pairs (with vs without attention)',
  datasetCompare: 'Compare BERT and GPT on it',
  tokenizerCompare: 'Train BERT and GPT with it',
  runAttention: 'Explore its attention',
  runProbe: 'Fill blanks and continue text',
  runCompare: 'Compare its curves with the other runs',
  runRuns: 'All runs',
  noModels: 'No trained model yet. The explorer looks inside a model you trained: import a dataset, then train BERT and GPT on it.',
  openDatasets: 'Open Datasets',
  newComparison: 'New BERT-vs-GPT comparison',
  experimentRuns: 'Compare the curves of its runs',
};
