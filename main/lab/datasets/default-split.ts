// The split a dataset gets when training (a run, or a tokenizer) needs one and none was made: the same everywhere.

export const DEFAULT_SPLIT = { train: 0.9, validation: 0.1, test: 0, seed: 42 } as const;

/** The sentence that says so, with the counts when known. */
export function defaultSplitNote(name: string, counts?: { train: number; validation: number }): string {
  const s = DEFAULT_SPLIT;
  return `Dataset "${name}" had no split, so the default one was made (train ${s.train}, validation ${s.validation}, test ${s.test}, seed ${s.seed})${counts ? `: ${counts.train} train and ${counts.validation} validation documents` : ''}.`;
}
