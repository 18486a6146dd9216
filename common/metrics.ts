// Facts about metric keys every side applies the same way: which direction of a metric is better.

/** Keys where a higher value is better (accuracies, throughput); every other metric (losses, perplexity, grad norm) is best when lowest. */
export function higherIsBetter(key: string): boolean {
  return /accuracy|tokens_per_s/.test(key);
}
