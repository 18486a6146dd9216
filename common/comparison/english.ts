// The comparison table in English (the CLI prints it, and --json adds it): the lab sends row ids, message keys and
// numbers; this words them with the UI's own English messages (messages-en.ts), so the terminal and the app agree.
import type { ComparisonRowT, ComparisonT, ExperimentT } from '../api';
import comparisonEn from './messages-en';
import { rowLabel, verdictText, type Translate } from './wording';

/** The English messages of the table, looked up by dotted key ("verdict.tie") with {name} placeholders filled. */
export const english: Translate = (key, params = {}) => {
  const found = key.split('.').reduce<unknown>((node, k) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[k] : undefined), comparisonEn);
  if (typeof found !== 'string') throw new Error(`The comparison messages have no text for "${key}".`);
  return found.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
};

/** The table's rows in English: the lab sends keys and numbers, which the UI words in its own language. */
export function englishRows(c: ComparisonT): Array<ComparisonRowT & { label: string; text: string }> {
  return c.rows.map((r) => ({ ...r, label: rowLabel(r, english), text: verdictText(r, c.seeds.length, english, 'en-US') }));
}

/** The experiment as --json prints it: every row also carries its English label and verdict text. */
export function withEnglish(e: ExperimentT): ExperimentT {
  return e.comparison === null ? e : { ...e, comparison: { ...e.comparison, rows: englishRows(e.comparison) } };
}
