// Import-time checks of a labelled file (csv/tsv label column, jsonl label field): a label column that mixes numbers
// and text is refused after the last row, naming the lines of the rarer kind (a stray "spam" among 0/1 labels, or a
// stray 1 among class names, is almost always a mistake); a row with a label but no text is skipped and named in the
// import summary, so a person sees which rows the dataset left out instead of a silently smaller class.
import { LabError } from '../../../common/errors';
import type { InvalidLog } from './invalid';
import { displayName } from './source';

/** How many lines of each kind a refusal names (the count covers all of them). */
const NAMED_LINES = 10;

/** A number as a label cell writes it: 1, -2, 0.5, 1e3 (surrounding spaces are trimmed before). */
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

interface Kind {
  count: number;
  /** the first NAMED_LINES lines of this kind with their value, in file order */
  seen: Array<{ line: number; value: string }>;
}

export class LabelColumnCheck {
  private readonly numbers: Kind = { count: 0, seen: [] };
  private readonly texts: Kind = { count: 0, seen: [] };
  private readonly name: string;

  /** `what` names the label's place in the file for messages: 'column "label"' or 'field "label"'. */
  constructor(private readonly path: string, private readonly what: string) {
    this.name = displayName(path);
  }

  /** Notes a row's (trimmed, non-empty) label. */
  label(value: string, line: number): void {
    const kind = NUMBER.test(value) ? this.numbers : this.texts;
    kind.count++;
    if (kind.seen.length < NAMED_LINES) kind.seen.push({ line, value });
  }

  /** Records a labelled row whose text is empty as skipped, with the sentence the import summary shows. */
  emptyText(log: InvalidLog, line: number, textPlace: string, label: string): void {
    log.add(this.path, line, `Line ${line} of ${this.name} has the label ${JSON.stringify(label)} but no text in ${textPlace}, so it was left out; fill in its text (or delete the row) and import the file again to keep it.`);
  }

  /** Throws when the labels mix numbers and text (after the last row: the caller's transaction rolls the rows back). */
  finish(): void {
    if (this.numbers.count === 0 || this.texts.count === 0) return;
    // the rarer kind is the one to fix; on a tie, the numbers (class names read better than codes)
    const [odd, usual, oddWord, usualWord] = this.texts.count < this.numbers.count
      ? [this.texts, this.numbers, 'text', 'numbers'] as const
      : [this.numbers, this.texts, 'numbers', 'text'] as const;
    const listed = odd.seen.map((s) => `line ${s.line} ${JSON.stringify(s.value)}`).join(', ');
    const more = odd.count > odd.seen.length ? ` and ${odd.count - odd.seen.length} more` : '';
    const example = usual.seen[0];
    throw new LabError(
      'bad_file',
      `The ${this.what} of ${this.name} mixes numbers and text: ${odd.count} row${odd.count === 1 ? ' holds' : 's hold'} ${oddWord} (${listed}${more}) ` +
        `while ${usual.count} hold${usual.count === 1 ? 's' : ''} ${usualWord} (e.g. ${JSON.stringify(example.value)} on line ${example.line}). ` +
        'Write every label the same way — all class names or all class numbers — and import the file again; nothing was imported.',
      {
        field: `${this.path}:${odd.seen[0].line}`,
        details: { numberRows: this.numbers.count, textRows: this.texts.count, lines: odd.seen.map((s) => s.line) },
      },
    );
  }
}
