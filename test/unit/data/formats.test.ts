// Every import format on real temp files: txt/md modes, csv/tsv columns and quoting errors, jsonl lines, folders.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inspectSource } from '../../../main/data/import/index';
import { WHOLE_SEGMENT_CHARS } from '../../../main/data/import/plain';
import { codePointLength, ellipsize } from '../../../main/data/text';
import { importAll, labError, tempDir, type TempDir } from './helpers';

let t: TempDir;
beforeEach(() => {
  t = tempDir();
});
afterEach(() => t.remove());

describe('txt and md', () => {
  const text = 'First block\nstill first.\n\n\n  Second block  \r\n\r\n   \n\nThird\n';

  it('splits paragraphs on blank lines, trimmed, CRLF normalised, empty blocks dropped', async () => {
    const p = t.write('a.txt', text);
    const { docs, summary } = await importAll(p, { mode: 'paragraphs' });
    expect(docs).toEqual([
      { text: 'First block\nstill first.', label: null },
      { text: 'Second block', label: null },
      { text: 'Third', label: null },
    ]);
    expect(summary).toMatchObject({ format: 'txt', encoding: 'utf-8', bytes: Buffer.byteLength(text), files: 1, invalidCount: 0 });
    expect(summary.sha256).toBe(createHash('sha256').update(readFileSync(p)).digest('hex'));
  });

  it('keeps the whole file as one document in whole mode', async () => {
    const p = t.write('notes.md', text);
    const { docs, summary } = await importAll(p, { mode: 'whole' });
    expect(docs).toEqual([{ text, label: null }]);
    expect(summary.format).toBe('md');
  });

  it('inspects a text file: encoding, size, hash and the first paragraphs', async () => {
    const p = t.write('a.txt', text);
    const info = await inspectSource(p);
    expect(info).toMatchObject({ path: p, format: 'txt', encoding: 'utf-8', bytes: Buffer.byteLength(text) });
    expect(info.preview).toEqual(['First block\nstill first.', 'Second block', 'Third']);
    expect(info.sha256).toBe(createHash('sha256').update(readFileSync(p)).digest('hex'));
  });

  it('previews paragraphs as the import cuts them, without holding a long one: long lines, astral text, no blank line', async () => {
    const emoji = '😀'.repeat(300);
    const long = Array.from({ length: 20_000 }, (_, i) => `line ${i} of one paragraph that never ends`).join('\n');
    const text = `  ${emoji}\nsecond line\n\n${'x'.repeat(500)}\n\n\nshort\n\n${long}\n\nafter`;
    const p = t.write('p.txt', text);
    const { docs } = await importAll(p, { mode: 'paragraphs' });
    const info = await inspectSource(p);
    expect(info.preview).toEqual(docs.slice(0, 5).map((d) => ellipsize(d.text, 200)));
    expect(info.preview?.[0]).toBe(`${'😀'.repeat(199)}…`);
    expect(info.preview?.[3]).toMatch(/^line 0 of one paragraph that never ends\nline 1 .*…$/s);
  });

  it('applies a transform to each document of a single file', async () => {
    const p = t.write('a.txt', 'one\n\ntwo');
    const { docs } = await importAll(p, { transform: (s, file) => `${s.toUpperCase()}@${file === p}` });
    expect(docs.map((d) => d.text)).toEqual(['ONE@true', 'TWO@true']);
  });

  const shakespeare = resolve('../shared/data/tinyshakespeare.txt');
  it.skipIf(!existsSync(shakespeare))('counts 1,115,394 characters in tinyshakespeare.txt as one whole text', async () => {
    const { docs, summary } = await importAll(shakespeare, { mode: 'whole' });
    expect(docs.length).toBeGreaterThanOrEqual(Math.ceil(1_115_394 / WHOLE_SEGMENT_CHARS));
    expect(codePointLength(docs.map((d) => d.text).join(''))).toBe(1_115_394);
    // every segment but the last ends at a line break and none is longer than the limit
    for (const d of docs.slice(0, -1)) expect(d.text.endsWith('\n')).toBe(true);
    expect(Math.max(...docs.map((d) => d.text.length))).toBeLessThanOrEqual(WHOLE_SEGMENT_CHARS);
    expect(summary.bytes).toBe(1_115_394);
  });

  it('refuses a file that holds only blank lines', async () => {
    const p = t.write('blank.txt', '\n \n\t\n');
    const err = await labError(() => importAll(p));
    expect(err.message).toBe('blank.txt holds only blank lines: nothing to import.');
  });
});

describe('csv and tsv', () => {
  it('takes the default text column and the chosen label column, with quoted commas and newlines', async () => {
    const p = t.write('reviews.csv', 'id,review,stars\n1,"Great, really",5\n2,"Two\nlines ""quoted""",1\n3,,3\n4,Plain,\n');
    const { docs, summary } = await importAll(p, { labelColumn: 'stars' });
    expect(docs).toEqual([
      { text: 'Great, really', label: '5' },
      { text: 'Two\nlines "quoted"', label: '1' },
      { text: 'Plain', label: null },
    ]);
    expect(summary.format).toBe('csv');
  });

  it('reads a chosen text column case-insensitively, and tsv with bare quotes', async () => {
    const p = t.write('s.tsv', 'Body\tLabel\nhe said "hi" there\tpos\nsecond\tneg\n');
    const { docs } = await importAll(p, { textColumn: 'body', labelColumn: 'label' });
    expect(docs).toEqual([
      { text: 'he said "hi" there', label: 'pos' },
      { text: 'second', label: 'neg' },
    ]);
  });

  it('names the missing chosen column and lists the columns', async () => {
    const p = t.write('x.csv', 'a,b,c\n1,2,3\n');
    const err = await labError(() => importAll(p, { textColumn: 'body' }));
    expect(err.message).toBe('Column "body" is not in x.csv; its columns are: a, b, c.');
    expect(err.code).toBe('invalid_input');
    const none = await labError(() => importAll(p));
    expect(none.message).toBe('x.csv has no column named text/content/sentence/review; its columns are: a, b, c. Choose the text column.');
  });

  it('reports an unclosed quote at the line where the broken row starts', async () => {
    const p = t.write('x.csv', 'text,label\nok,1\nfine,2\n"never closed,3\nmore,4\n');
    const err = await labError(() => importAll(p));
    expect(err.code).toBe('bad_file');
    expect(err.message).toBe(
      'Line 4 of x.csv: a quote opened on or after this line is never closed (a " inside a field must be written as ""): fix the quotes, then import again.',
    );
    expect(err.field).toBe(`${p}:4`);
  });

  it('reports a stray closing quote and a row with the wrong number of fields', async () => {
    const quote = t.write('q.csv', 'text,label\n"ab"c,1\n');
    expect((await labError(() => importAll(quote))).message).toMatch(/^Line 2 of q\.csv: a closing quote is followed by more characters/);
    const fields = t.write('f.csv', 'text,label\nok,1\ntoo,many,fields\n');
    expect((await labError(() => importAll(fields))).message).toBe(
      'Line 3 of f.csv has 3 fields but the header has 2: look for a missing or extra delimiter or quote on that line.',
    );
    // the bad row right under the header: the parser fails before the header row reaches the reader
    const second = t.write('g.csv', 'text,label\ntoo,many,fields\nok,1\n');
    expect((await labError(() => importAll(second))).message).toBe(
      'Line 2 of g.csv has 3 fields but the header has 2: look for a missing or extra delimiter or quote on that line.',
    );
  });

  it('inspects the header and previews the text column', async () => {
    const p = t.write('r.csv', 'id,text\n1,hello\n2,world\n');
    const info = await inspectSource(p);
    expect(info).toMatchObject({ format: 'csv', encoding: 'utf-8', columns: ['id', 'text'], preview: ['hello', 'world'] });
    expect(info.sha256).toBe(createHash('sha256').update(readFileSync(p)).digest('hex'));
  });
});

describe('jsonl', () => {
  const good = '{"text":"alpha","label":0}\n\n{"text":"beta","label":1}\n{"text":"gamma"}\n';

  it('reads text and label fields, skipping empty lines; numeric labels become strings', async () => {
    const p = t.write('d.jsonl', good);
    const { docs } = await importAll(p);
    expect(docs).toEqual([
      { text: 'alpha', label: '0' },
      { text: 'beta', label: '1' },
      { text: 'gamma', label: null },
    ]);
  });

  it('uses chosen field names (.ndjson)', async () => {
    const p = t.write('d.ndjson', '{"body":"a","tag":"t1"}\n{"body":"b","tag":"t2"}\n');
    const { docs, summary } = await importAll(p, { textField: 'body', labelField: 'tag' });
    expect(docs).toEqual([
      { text: 'a', label: 't1' },
      { text: 'b', label: 't2' },
    ]);
    expect(summary.format).toBe('jsonl');
  });

  const mixed = [
    '{"text":"one"}',
    '{"text": "two",}',
    '[1,2]',
    '{"txt":"three"}',
    '{"text":4}',
    '{"text":"five","label":{"a":1}}',
    '{"text":"six"}',
  ].join('\n');

  it('refuses a file with invalid lines, naming them, their count and how to import the valid ones', async () => {
    const p = t.write('reviews.jsonl', mixed);
    const err = await labError(() => importAll(p));
    expect(err.code).toBe('bad_file');
    expect(err.message).toMatch(/^reviews\.jsonl has 5 invalid lines \(lines 2, 3, 4, 5, 6\)\. Line 2 of reviews\.jsonl is not valid JSON: /);
    expect(err.message).toMatch(/\(expected one object per line\)\. Fix them, or re-run with skipInvalid \(CLI: --skip-invalid\) to import the 2 valid lines\.$/);
    expect(err.field).toBe(`${p}:2`);
  });

  it('imports the valid lines with skipInvalid and reports each invalid one', async () => {
    const p = t.write('reviews.jsonl', mixed);
    const { docs, summary } = await importAll(p, { skipInvalid: true });
    expect(docs.map((d) => d.text)).toEqual(['one', 'six']);
    expect(summary.invalidCount).toBe(5);
    expect(summary.invalid.map((i) => i.line)).toEqual([2, 3, 4, 5, 6]);
    expect(summary.invalid[1].message).toBe('Line 3 of reviews.jsonl is an array, not an object (expected one object per line, like {"text": "…"}).');
    expect(summary.invalid[2].message).toBe('Line 4 of reviews.jsonl has no "text" field; its fields are: txt. Choose the text field.');
    expect(summary.invalid[3].message).toBe('Line 5 of reviews.jsonl has a number in "text", not a string.');
  });

  it('lists at most 10 line numbers and says how many more', async () => {
    const lines = Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? 'oops' : '{"text":"ok"}'));
    const p = t.write('many.jsonl', lines.join('\n'));
    const err = await labError(() => importAll(p));
    expect(err.message).toMatch(/^many\.jsonl has 15 invalid lines \(lines 1, 3, 5, 7, 9, 11, 13, 15, 17, 19 and 5 more\)\./);
  });

  it('inspects the fields of the first lines', async () => {
    const p = t.write('d.jsonl', good);
    const info = await inspectSource(p);
    expect(info.fields).toEqual(['text', 'label']);
    expect(info.preview).toEqual(['alpha', 'beta', 'gamma']);
  });
});

describe('folder', () => {
  it('labels files by first-level sub-folder, root files unlabelled; skips hidden, other types, reports binary', async () => {
    t.write('corpus/root.txt', 'at the root');
    t.write('corpus/pos/a.txt', 'good one');
    t.write('corpus/pos/deeper/b.md', 'also good');
    t.write('corpus/neg/c', 'bad one');
    t.write('corpus/neg/.hidden.txt', 'hidden');
    t.write('corpus/.git/HEAD', 'ref');
    t.write('corpus/neg/table.csv', 'text\nnot read');
    t.write('corpus/neg/image', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]));
    const { docs, summary } = await importAll(`${t.dir}/corpus`);
    expect(docs).toEqual([
      { text: 'bad one', label: 'neg' },
      { text: 'good one', label: 'pos' },
      { text: 'also good', label: 'pos' },
      { text: 'at the root', label: null },
    ]);
    expect(summary).toMatchObject({ format: 'folder', encoding: 'utf-8', files: 4, invalidCount: 1 });
    expect(summary.invalid[0]).toEqual({
      file: 'neg/image',
      line: 0,
      message: 'image looks like a binary file (an image or program), not text: choose a text file.',
    });
    const info = await inspectSource(`${t.dir}/corpus`);
    expect(info).toMatchObject({ format: 'folder', labels: ['neg', 'pos'], files: 5, sha256: summary.sha256 });
  });

  it('uses include, labelOf and transform when given', async () => {
    t.write('f/x1', 'one');
    t.write('f/y1', 'two');
    const { docs } = await importAll(`${t.dir}/f`, {
      include: (rel) => rel.startsWith('x'),
      labelOf: (rel) => `L-${rel}`,
      transform: (s) => s.toUpperCase(),
    });
    expect(docs).toEqual([{ text: 'ONE', label: 'L-x1' }]);
  });

  it('detects each file encoding and says "mixed" when they differ', async () => {
    t.write('m/a.txt', 'plain');
    t.write('m/b.txt', Buffer.from([0xff, 0xfe, 0x68, 0x00, 0x69, 0x00]));
    const { docs, summary } = await importAll(`${t.dir}/m`);
    expect(docs.map((d) => d.text)).toEqual(['plain', 'hi']);
    expect(summary.encoding).toBe('mixed (utf-16le, utf-8)');
  });
});
