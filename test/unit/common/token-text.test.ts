// The one notation for tokens (common/token-text): what pages, charts and the CLI show for whitespace pieces.
import { describe, expect, it } from 'vitest';
import { shortToken, TOKEN_LEGEND, visibleText, visibleToken } from '../../../common/token-text';

describe('visibleToken', () => {
  it('writes a space as ·, a newline as ⏎ and a tab as ⇥, so whitespace pieces are never blank cells', () => {
    expect(visibleToken(' the')).toBe('·the');
    expect(visibleToken(' ')).toBe('·');
    expect(visibleToken('\n\n')).toBe('⏎⏎');
    expect(visibleToken('\t')).toBe('⇥');
    expect(visibleToken('')).toBe('∅');
  });

  it('escapes other control characters and keeps every other script', () => {
    expect(visibleToken('\r')).toBe('\\r');
    expect(visibleToken('\u0000')).toBe('\\x00');
    expect(visibleToken('\u007f')).toBe('\\x7f');
    expect(visibleToken('注意力')).toBe('注意力');
    expect(visibleToken('##ing')).toBe('##ing');
  });
});

describe('shortToken', () => {
  it('cuts long tokens with an ellipsis, counting characters rather than UTF-16 units', () => {
    expect(shortToken(' abcdefghijk', 6)).toBe('·abcd…');
    expect(shortToken('😀😀😀', 3)).toBe('😀😀😀');
    expect(shortToken('😀😀😀😀', 3)).toBe('😀😀…');
  });
});

describe('visibleText', () => {
  it('marks each newline and still breaks the line there', () => {
    expect(visibleText('a\nb')).toBe('a⏎\nb');
    expect(visibleText('a\n\nb')).toBe('a⏎⏎\n\nb');
  });

  it('folds a run of newlines into one break, so a continuation of newlines is one short row', () => {
    const out = visibleText('\n'.repeat(40));
    expect(out).toBe(`${'⏎'.repeat(40)}\n`);
    expect(out.split('\n')).toHaveLength(2);
  });

  it('shows leading and trailing spaces as · and keeps the spaces between words', () => {
    expect(visibleText('  to be ')).toBe('··to be·');
    expect(visibleText('   ')).toBe('···');
    expect(visibleText('a\tb\r\n')).toBe('a⇥b⏎\n');
  });

  it('has a one-line legend for the CLI that names every mark', () => {
    for (const mark of ['·', '⏎', '⇥', '∅']) expect(TOKEN_LEGEND).toContain(mark);
  });
});
