// Bad input: binary, empty, vanishing and unreadable files, wrong path kinds, empty folders — each with its sentence.
import { chmodSync, rmSync, truncateSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inspectSource, readDocuments } from '../../../main/data/import/index';
import { DETECT_BYTES } from '../../../main/data/import/encoding';
import { fsError } from '../../../main/data/import/source';
import { CHUNK_BYTES } from '../../../main/data/import/stream';
import { LabError } from '../../../common/errors';
import { importAll, labError, tempDir, type TempDir } from './helpers';

let t: TempDir;
beforeEach(() => {
  t = tempDir();
});
afterEach(() => t.remove());

// the first bytes of a real PNG (signature + IHDR chunk header) and of an ELF executable
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000100000001008060000001ff3ff61', 'hex');
const ELF = Buffer.concat([Buffer.from('7f454c4602010100', 'hex'), Buffer.alloc(56)]);

describe('binary files', () => {
  it('refuses an image and a program, in import and inspection', async () => {
    const png = t.write('x.png', PNG);
    const err = await labError(() => importAll(png, { format: 'txt' }));
    expect(err.message).toBe('x.png looks like a binary file (an image or program), not text: choose a text file.');
    expect(err.code).toBe('bad_file');
    expect(err.field).toBe(png);
    const elf = t.write('prog.txt', ELF);
    expect((await labError(() => inspectSource(elf))).message).toBe('prog.txt looks like a binary file (an image or program), not text: choose a text file.');
  });

  it('refuses mostly-control-character data even without NUL bytes', async () => {
    const p = t.write('ctl.txt', Buffer.from(Array.from({ length: 400 }, (_, i) => (i % 3 === 0 ? 0x01 : 0x41))));
    expect((await labError(() => importAll(p))).message).toMatch(/^ctl\.txt looks like a binary file/);
  });
});

describe('empty and missing', () => {
  it('refuses an empty file', async () => {
    const p = t.write('x.txt', '');
    const err = await labError(() => importAll(p));
    expect(err.message).toBe('x.txt is empty: nothing to import.');
    expect(err.code).toBe('bad_file');
  });

  it('refuses a path that does not exist', async () => {
    const p = `${t.dir}/nope.txt`;
    const err = await labError(() => importAll(p));
    expect(err.message).toBe(`nope.txt does not exist at ${p}: check the path.`);
  });

  it('refuses an unknown extension unless a format is chosen', async () => {
    const p = t.write('data.dat', 'hello');
    expect((await labError(() => importAll(p))).message).toBe(
      'data.dat has the extension ".dat", which does not say its format: choose one of txt, md, csv, tsv, jsonl.',
    );
    expect((await importAll(p, { format: 'txt' })).docs).toEqual([{ text: 'hello', label: null }]);
  });
});

describe('wrong kind of path', () => {
  it('refuses a folder when a file format was chosen, and a file for the folder format', async () => {
    t.write('dir/a.txt', 'x');
    const dirErr = await labError(() => importAll(`${t.dir}/dir`, { format: 'csv' }));
    expect(dirErr.message).toBe('dir is a folder, but the csv format reads a single file: choose the folder format or a file inside it.');
    const file = t.write('one.txt', 'x');
    const fileErr = await labError(() => importAll(file, { format: 'folder' }));
    expect(fileErr.message).toBe('one.txt is a file, but the folder format reads a folder of files: choose its folder or a file format (txt, md, csv, tsv, jsonl).');
  });

  it('refuses a folder with no text files', async () => {
    t.write('pics/a.png', PNG);
    t.write('pics/.notes.txt', 'hidden');
    const err = await labError(() => importAll(`${t.dir}/pics`));
    expect(err.message).toBe('pics has no text files (.txt, .md or files without an extension) in it or its sub-folders: choose a folder of text files.');
  });

  it('refuses a folder whose text files are all binary or empty, listing why', async () => {
    t.write('bad/a.txt', PNG);
    t.write('bad/b.txt', '');
    const err = await labError(() => importAll(`${t.dir}/bad`));
    expect(err.message).toBe('Every file in bad was skipped (2 binary, empty or unreadable files, e.g. a.txt): nothing to import.');
  });
});

describe('unreadable paths', () => {
  it('maps permission and folder errors to sentences', () => {
    const eacces = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    const mapped = fsError(eacces, '/data/secret.txt') as LabError;
    expect(mapped).toBeInstanceOf(LabError);
    expect(mapped.message).toBe('secret.txt cannot be read (permission denied): give your user read access to it or copy it somewhere readable.');
    const eisdir = fsError(Object.assign(new Error('EISDIR'), { code: 'EISDIR' }), '/data/dir') as LabError;
    expect(eisdir.message).toBe('dir is a folder, not a file: choose the folder format or a file inside it.');
    const other = new Error('something else');
    expect(fsError(other, '/x')).toBe(other);
  });

  it.skipIf(process.getuid?.() === 0)('refuses a file without read permission (not checkable as root)', async () => {
    const p = t.write('locked.txt', 'secret');
    chmodSync(p, 0o000);
    const err = await labError(() => importAll(p));
    expect(err.message).toBe('locked.txt cannot be read (permission denied): give your user read access to it or copy it somewhere readable.');
  });
});

describe('files that change during an import', () => {
  it('stops when the file shrinks under the reader', async () => {
    // larger than the first read (the detection window) plus a few chunks, so the shrink happens mid-stream
    const lines = 'a paragraph of text\n\n'.repeat(Math.ceil((DETECT_BYTES + 3 * CHUNK_BYTES) / 21));
    const p = t.write('growing.txt', lines);
    const gen = readDocuments(p, { mode: 'paragraphs' });
    expect((await gen.next()).value).toEqual({ text: 'a paragraph of text', label: null });
    truncateSync(p, DETECT_BYTES + CHUNK_BYTES + 10);
    const err = await labError(async () => {
      for (let s = await gen.next(); s.done !== true; s = await gen.next());
    });
    expect(err.message).toMatch(/^growing\.txt shrank or vanished while it was being imported \(read \d+ of \d+ bytes\): wait until it is fully written, then import it again\.$/);
  });

  it('stops when a folder file vanishes mid-import', async () => {
    t.write('f/a.txt', 'first');
    const b = t.write('f/b.txt', 'second');
    const gen = readDocuments(`${t.dir}/f`);
    expect((await gen.next()).value).toEqual({ text: 'first', label: null });
    rmSync(b);
    const err = await labError(() => gen.next());
    expect(err.message).toBe('b.txt in f vanished or changed while the folder was being imported: let it settle, then import the folder again.');
  });

  it('refuses a file removed after the import was set up', async () => {
    const p = t.write('gone.txt', 'text');
    const gen = readDocuments(p);
    rmSync(p);
    const err = await labError(() => gen.next());
    expect(err.message).toBe(`gone.txt does not exist at ${p}: check the path.`);
  });
});
