// Plain text and Markdown: the whole file as one document, or one document per blank-line-separated block.
import type { ImportedDoc } from './types';
import { lines, type TextFile } from './stream';

/** Longest segment of a 'whole' text, in UTF-16 units: bounds memory for any file size (a 200 MB text never
 *  becomes one string) while keeping enough segments for a contiguous train/validation/test split. */
export const WHOLE_SEGMENT_CHARS = 16_384;

/**
 * 'whole': the file is one continuous text, yielded in order as consecutive segments of at most
 * WHOLE_SEGMENT_CHARS, each cut just after a line break where one exists; concatenating the segments gives back
 * the decoded text exactly (line endings kept), so character counts match the file.
 * 'paragraphs': blocks separated by blank (whitespace-only) lines, each trimmed, '\r\n' normalised to '\n'.
 */
export async function* readPlain(file: TextFile, mode: 'whole' | 'paragraphs'): AsyncGenerator<ImportedDoc, void, void> {
  if (mode === 'whole') {
    let pending = '';
    let sawText = false;
    for await (const chunk of file.chunks()) {
      pending += chunk;
      while (pending.length >= WHOLE_SEGMENT_CHARS) {
        const cut = segmentEnd(pending);
        const text = pending.slice(0, cut);
        pending = pending.slice(cut);
        sawText ||= text.trim() !== '';
        yield { text, label: null };
      }
    }
    if (pending !== '' && (sawText || pending.trim() !== '')) yield { text: pending, label: null };
    return;
  }
  let block: string[] = [];
  for await (const { line } of lines(file.chunks())) {
    if (line.trim() === '') {
      if (block.length > 0) {
        const text = block.join('\n').trim();
        block = [];
        if (text !== '') yield { text, label: null };
      }
    } else {
      block.push(line);
    }
  }
  if (block.length > 0) {
    const text = block.join('\n').trim();
    if (text !== '') yield { text, label: null };
  }
}

/** End (exclusive) of the next segment of `text` (length >= WHOLE_SEGMENT_CHARS): after the last line break in
 *  the window, else at the window's end, never between the two halves of a surrogate pair. */
function segmentEnd(text: string): number {
  const newline = text.lastIndexOf('\n', WHOLE_SEGMENT_CHARS - 1);
  if (newline >= WHOLE_SEGMENT_CHARS / 2) return newline + 1;
  const code = text.charCodeAt(WHOLE_SEGMENT_CHARS - 1);
  return code >= 0xd800 && code <= 0xdbff ? WHOLE_SEGMENT_CHARS - 1 : WHOLE_SEGMENT_CHARS;
}
