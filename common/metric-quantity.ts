// Which quantity a metric of a run measures: GPT's val/loss is a next-token loss, BERT's a masked-token loss; both
// are called "val/loss" but are not the same quantity, so no table may mark one as better than the other.

/** What a family's training objective predicts: masked tokens (BERT), the next token (GPT and language-model RNNs),
 *  or, for any other family, its own objective (named after the family). */
export function objectiveOf(family: string): string {
  if (family === 'bert') return 'masked-token';
  if (family === 'gpt' || family === 'rnn' || family === 'lstm' || family === 'gru') return 'next-token';
  return family;
}

/** Metrics whose value depends on what the model is trained to predict (loss, accuracy, perplexity of any split). */
export function isObjectiveMetric(key: string): boolean {
  return /^(train|val|validation|test)\/(loss|accuracy|perplexity)$/.test(key);
}

/** The quantity `key` measures for a run of `family`: objective metrics carry the objective, the rest (speed,
 *  memory, gradient norm, learning rate) are the same quantity whatever the family. */
export function metricQuantity(key: string, family: string): string {
  return isObjectiveMetric(key) ? `${objectiveOf(family)}:${key}` : key;
}

/** Groups runs by the quantity `key` measures for them; runs compared for "best" must share a group. */
export function quantityGroups<R extends { family: string }>(runs: readonly R[], key: string): Map<string, R[]> {
  const groups = new Map<string, R[]>();
  for (const r of runs) {
    const q = metricQuantity(key, r.family);
    const list = groups.get(q);
    if (list) list.push(r);
    else groups.set(q, [r]);
  }
  return groups;
}
