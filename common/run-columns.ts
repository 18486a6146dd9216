// The runs table's optional columns and which start hidden (issue 14: the table fits a 1,440-px window). The name, the
// selection box and the row actions always show; the person's choice is a lab setting (settings.hiddenRunColumns).

/** Columns a person may hide, in table order; 'figures' is the "last · best · min" line under each metric. */
export const RUN_COLUMNS = ['family', 'dataset', 'tokenizer', 'status', 'progress', 'settings', 'figures', 'tokensPerSecond', 'duration', 'started', 'tags', 'notes'] as const;
export type RunColumn = (typeof RUN_COLUMNS)[number];

/** Hidden until the person shows them: with these out, a lab's usual table fits 1,440 px without sideways scrolling. */
export const DEFAULT_HIDDEN_RUN_COLUMNS: readonly RunColumn[] = ['tokenizer', 'figures', 'tokensPerSecond', 'started'];

/** The set of columns shown, from the stored hidden list (null: never chosen, the defaults). */
export function shownRunColumns(hidden: readonly string[] | null): Set<RunColumn> {
  const off = new Set(hidden ?? DEFAULT_HIDDEN_RUN_COLUMNS);
  return new Set(RUN_COLUMNS.filter((c) => !off.has(c)));
}
