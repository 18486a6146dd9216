// One way to write tokens everywhere (pages, charts, CLI): a space is ·, a newline ⏎, a tab ⇥, other control
// characters their escape; byte-level BPE pieces arrive already decoded ("Ġthe" → " the" → "·the").

/** The marks, in the order the legend lists them. */
export const TOKEN_MARKS = { space: '·', newline: '⏎', tab: '⇥' } as const;

function markChar(ch: string): string {
  if (ch === ' ') return TOKEN_MARKS.space;
  if (ch === '\n') return TOKEN_MARKS.newline;
  if (ch === '\t') return TOKEN_MARKS.tab;
  if (ch === '\r') return '\\r';
  const code = ch.charCodeAt(0);
  if (code < 0x20 || code === 0x7f) return `\\x${code.toString(16).padStart(2, '0')}`;
  return ch;
}

/** A token's text with its whitespace made visible: " the" → "·the", "\n\n" → "⏎⏎"; an empty token → "∅". */
export function visibleToken(text: string): string {
  if (text === '') return '∅';
  let out = '';
  for (const ch of text) out += markChar(ch);
  return out;
}

/** visibleToken cut to `max` characters (an ellipsis ends a cut one), for axis labels and narrow columns. */
export function shortToken(text: string, max = 10): string {
  const shown = [...visibleToken(text)];
  return shown.length > max ? `${shown.slice(0, max - 1).join('')}…` : shown.join('');
}

/**
 * Generated or filled text for a bounded box: each newline shows ⏎ and still breaks the line, but runs of more than
 * two newlines are folded into one break carrying every mark ("⏎⏎⏎⏎" then a break), so a continuation of newlines
 * is a short row, not a tall blank; leading and trailing spaces show as · (inner spaces stay spaces); tabs ⇥.
 */
export function visibleText(text: string): string {
  const lead = /^ +/.exec(text)?.[0].length ?? 0;
  const trail = text.length > lead ? (/ +$/.exec(text)?.[0].length ?? 0) : 0;
  const middle = text.slice(lead, text.length - trail);
  const body = middle
    .replace(/\r/g, '')
    .replace(/\t/g, TOKEN_MARKS.tab)
    .replace(/\n+/g, (run) => `${TOKEN_MARKS.newline.repeat(run.length)}${run.length > 2 ? '\n' : '\n'.repeat(run.length)}`);
  return TOKEN_MARKS.space.repeat(lead) + body + TOKEN_MARKS.space.repeat(trail);
}

/** The notation as one line for the CLI's tables (the pages show TokenLegend in the chosen language). */
export const TOKEN_LEGEND = 'Tokens: · is a space, ⏎ a newline, ⇥ a tab, ∅ an empty piece.';
