// The embeddings training form's fields: the numeric settings each method shows, and the i18n key of the label the
// form shows for an API field path (so a refusal of 'settings.memoryMB' reads "Memory budget (MiB)").

export type Method = 'word2vec' | 'fasttext' | 'glove';

/** The numeric settings shown for each method, in form order. */
export const FIELDS: Record<Method, string[]> = {
  word2vec: ['dim', 'window', 'epochs', 'minCount', 'negative', 'sample', 'alpha'],
  fasttext: ['dim', 'window', 'epochs', 'minCount', 'negative', 'sample', 'alpha', 'minN', 'maxN'],
  glove: ['dim', 'window', 'epochs', 'minCount', 'xMax', 'eta', 'memoryMB'],
};

const LABELLED = new Set([...Object.values(FIELDS).flat(), 'dataset', 'method', 'chinese', 'name']);

/** 'settings.memoryMB' → 'embeddings.train.memoryMB'; undefined for a field the form does not show. */
export function trainFieldLabelKey(field: string): string | undefined {
  const key = field.replace(/^settings\./, '');
  if (key === 'sg') return 'embeddings.train.architecture';
  return LABELLED.has(key) ? `embeddings.train.${key}` : undefined;
}
