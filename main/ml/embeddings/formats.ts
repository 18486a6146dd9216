// Word vectors in other tools' formats: word2vec text ("N D" header, then "word v1 .. vD" per line; GloVe's own files
// have no header and are read too), word2vec binary ("N D\n", then "word " + D little-endian float32, optionally
// "\n"), and the TensorFlow Embedding Projector's vectors.tsv + metadata.tsv. Imports check every line and name the
// first bad one (wrong header, ragged row, NaN/Inf, repeated word).
import { closeSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import { basename } from 'node:path';
import { LabError } from '../../../common/errors';
import type { VectorFileFormat } from '../../../common/embeddings/vector-set';
import { WordVectors } from './store';

// ---- export -------------------------------------------------------------------------------------------------------

/** Words may not hold whitespace in these formats: such characters become "_" (our pre-tokenizer never makes them). */
function safeWord(w: string): string {
  return w.replace(/\s/gu, '_');
}

/** float32 value printed so that reading it back gives the same float32. */
function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(9)));
}

class Writer {
  private readonly fd: number;
  private chunks: Buffer[] = [];
  private size = 0;
  constructor(path: string) {
    this.fd = openSync(path, 'w');
  }
  text(s: string): void {
    this.bytes(Buffer.from(s, 'utf8'));
  }
  bytes(b: Buffer | Uint8Array): void {
    this.chunks.push(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
    this.size += b.byteLength;
    if (this.size > 1 << 22) this.flush();
  }
  flush(): void {
    const all = Buffer.concat(this.chunks);
    let at = 0;
    while (at < all.length) at += writeSync(this.fd, all, at, all.length - at);
    this.chunks = [];
    this.size = 0;
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

export function exportW2vText(wv: WordVectors, path: string): void {
  const w = new Writer(path);
  try {
    w.text(`${wv.size} ${wv.dim}\n`);
    for (let i = 0; i < wv.size; i++) w.text(`${safeWord(wv.words[i])} ${Array.from(wv.row(i), fmt).join(' ')}\n`);
  } finally {
    w.close();
  }
}

export function exportW2vBin(wv: WordVectors, path: string): void {
  const w = new Writer(path);
  try {
    w.text(`${wv.size} ${wv.dim}\n`);
    for (let i = 0; i < wv.size; i++) {
      w.text(`${safeWord(wv.words[i])} `);
      const row = Buffer.alloc(wv.dim * 4);
      wv.row(i).forEach((v, d) => row.writeFloatLE(v, d * 4));
      w.bytes(row);
      w.text('\n');
    }
  } finally {
    w.close();
  }
}

/** vectors.tsv (one row of D tab-separated values per word, no header) and metadata.tsv (header "word\tcount"). */
export function exportProjector(wv: WordVectors, vectorsPath: string, metadataPath: string): void {
  const v = new Writer(vectorsPath);
  const m = new Writer(metadataPath);
  try {
    m.text('word\tcount\n');
    for (let i = 0; i < wv.size; i++) {
      v.text(`${Array.from(wv.row(i), fmt).join('\t')}\n`);
      m.text(`${wv.words[i].replace(/[\t\n\r]/gu, ' ')}\t${wv.counts[i]}\n`);
    }
  } finally {
    v.close();
    m.close();
  }
}

// ---- import -------------------------------------------------------------------------------------------------------

function bad(file: string, message: string): never {
  throw new LabError('bad_file', `${file}: ${message}`, { field: file });
}

/** Lines of a UTF-8 text file read in blocks (no whole-file string), with 1-based numbers. */
function* lines(path: string): Generator<[string, number]> {
  const fd = openSync(path, 'r');
  try {
    const block = Buffer.alloc(1 << 20);
    let rest = Buffer.alloc(0);
    let n = 0;
    for (;;) {
      const got = readSync(fd, block, 0, block.length, null);
      const data = got > 0 ? Buffer.concat([rest, block.subarray(0, got)]) : rest;
      let start = 0;
      for (let nl = data.indexOf(10, start); nl >= 0; nl = data.indexOf(10, start)) {
        yield [data.subarray(start, nl).toString('utf8').replace(/\r$/u, ''), ++n];
        start = nl + 1;
      }
      rest = Buffer.from(data.subarray(start));
      if (got === 0) {
        if (rest.length > 0) yield [rest.toString('utf8').replace(/\r$/u, ''), ++n];
        return;
      }
    }
  } finally {
    closeSync(fd);
  }
}

/** Parses one value; NaN/Inf and garbage name the line, the value's position and the word. */
function value(file: string, token: string, line: number, d: number, word: string): number {
  // C and Python print non-finite floats as nan, inf, -inf (JS would say NaN, Infinity)
  if (/^[+-]?(nan|inf|infinity)$/iu.test(token)) {
    bad(file, `line ${line}: value ${d + 1} of "${word}" is ${token}; vectors must be finite (no NaN or Inf). Fix or drop that row.`);
  }
  const v = Number(token);
  if (token === '' || !Number.isFinite(v)) bad(file, `line ${line}: value ${d + 1} of "${word}" is ${JSON.stringify(token)}, not a number.`);
  return v;
}

class VectorBuilder {
  words: string[] = [];
  private data = new Float32Array(1024);
  private firstLine = new Map<string, number>();
  /** unique: word formats name each word once; projector labels may repeat (e.g. one token in two sentences) */
  constructor(private readonly file: string, readonly dim: number, private readonly unique = true) {}
  add(word: string, values: ArrayLike<number>, line: number): void {
    const seen = this.firstLine.get(word);
    if (seen !== undefined && this.unique) bad(this.file, `line ${line} repeats the word "${word}" first given on line ${seen}; each word may appear once.`);
    if (seen === undefined) this.firstLine.set(word, line);
    const at = this.words.length * this.dim;
    if (at + this.dim > this.data.length) {
      const next = new Float32Array(Math.max(this.data.length * 2, at + this.dim));
      next.set(this.data);
      this.data = next;
    }
    this.data.set(values, at);
    this.words.push(word);
  }
  vectors(): Float32Array {
    return this.data.slice(0, this.words.length * this.dim);
  }
}

const HEADER = /^\s*(\d+)\s+(\d+)\s*$/u;

/** word2vec text, with or without the "N D" header (GloVe's files have none). */
export function importW2vText(path: string): WordVectors {
  const file = basename(path);
  let header: { n: number; dim: number } | null = null;
  let b: VectorBuilder | null = null;
  for (const [line, no] of lines(path)) {
    if (no === 1) {
      const m = HEADER.exec(line);
      if (m) {
        header = { n: Number(m[1]), dim: Number(m[2]) };
        if (header.dim < 1) bad(file, `line 1: the header "${line.trim()}" gives dimension 0; it should read "<words> <dimension>".`);
        b = new VectorBuilder(file, header.dim);
        continue;
      }
      if (/^\s*\d+(\s+\d+)*\s*$/u.test(line)) bad(file, `line 1: the header "${line.trim()}" should be two numbers, "<words> <dimension>" (e.g. "3000 100").`);
    }
    if (line.trim() === '') continue;
    const parts = line.trim().split(/[ \t]+/u);
    const word = parts[0];
    if (b === null) {
      if (parts.length < 2) bad(file, `line ${no}: "${line.slice(0, 40)}" has a word but no values; expected "word v1 v2 …" or a "<words> <dimension>" header.`);
      b = new VectorBuilder(file, parts.length - 1);
    }
    if (parts.length - 1 !== b.dim) {
      const src = header ? `the header says ${b.dim}` : `line ${no === 1 ? 1 : 'the first row'} has ${b.dim}`;
      bad(file, `line ${no}: "${word}" has ${parts.length - 1} values, but ${src}; every row needs exactly ${b.dim}.`);
    }
    const values = new Float32Array(b.dim);
    for (let d = 0; d < b.dim; d++) values[d] = value(file, parts[d + 1], no, d, word);
    b.add(word, values, no);
  }
  if (b === null || b.words.length === 0) bad(file, 'it holds no vectors (an empty file, or only a header).');
  if (header && header.n !== b.words.length) {
    bad(file, `the header announces ${header.n} words but the file holds ${b.words.length}; fix the first line to "${b.words.length} ${b.dim}" if the rows are complete.`);
  }
  return new WordVectors('imported', b.words, new Array<number>(b.words.length).fill(0), b.dim, b.vectors(), null, { format: 'w2v-text', file });
}

/** word2vec binary: "N D\n", then per word its bytes up to a space, D float32 (little-endian), an optional "\n". */
export function importW2vBin(path: string): WordVectors {
  const file = basename(path);
  const size = statSync(path).size;
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(Math.min(size, 100));
    readSync(fd, head, 0, head.length, 0);
    const nl = head.indexOf(10);
    const m = nl < 0 ? null : HEADER.exec(head.subarray(0, nl).toString('latin1'));
    if (!m) bad(file, `the first line should be the header "<words> <dimension>" followed by a newline, but it starts ${JSON.stringify(head.subarray(0, Math.min(30, head.length)).toString('latin1'))}; is this a word2vec binary file?`);
    const n = Number(m[1]);
    const dim = Number(m[2]);
    if (dim < 1 || n < 1) bad(file, `the header "${m[0].trim()}" announces ${n} words of dimension ${dim}; both must be at least 1.`);
    const b = new VectorBuilder(file, dim);
    // Read the rest in one buffer when it fits comfortably, which is every file this lab can hold in memory anyway.
    const body = Buffer.alloc(size - nl - 1);
    let got = 0;
    while (got < body.length) {
      const r = readSync(fd, body, got, body.length - got, nl + 1 + got);
      if (r === 0) break;
      got += r;
    }
    let at = 0;
    const values = new Float32Array(dim);
    for (let k = 0; k < n; k++) {
      while (at < body.length && (body[at] === 10 || body[at] === 13)) at++;
      const sp = body.indexOf(32, at);
      if (sp < 0 || sp - at > 1000) bad(file, `word ${k + 1} of ${n} (byte ${nl + 1 + at}) has no space after it within 1000 bytes; the file is truncated or the header's word count (${n}) is too large.`);
      const word = body.subarray(at, sp).toString('utf8');
      at = sp + 1;
      if (at + dim * 4 > body.length) bad(file, `the file ends inside the vector of word ${k + 1} of ${n} ("${word}"); it is truncated or the header's dimension (${dim}) is wrong.`);
      for (let d = 0; d < dim; d++) {
        const v = body.readFloatLE(at + d * 4);
        if (!Number.isFinite(v)) bad(file, `word ${k + 1} ("${word}"): value ${d + 1} is ${v}; vectors must be finite (no NaN or Inf).`);
        values[d] = v;
      }
      at += dim * 4;
      b.add(word, values, k + 2);
    }
    while (at < body.length && (body[at] === 10 || body[at] === 13)) at++;
    if (at < body.length) bad(file, `${body.length - at} bytes follow the ${n} words the header announces; the header's word count or dimension is wrong.`);
    return new WordVectors('imported', b.words, new Array<number>(n).fill(0), dim, b.vectors(), null, { format: 'w2v-bin', file });
  } finally {
    closeSync(fd);
  }
}

/** vectors.tsv (+ metadata.tsv: one label per line, or a header row and columns when there are several; labels from
 *  the column named word/label/token, else the first). Without metadata the labels are the row numbers. */
export function importProjector(vectorsPath: string, metadataPath: string | null): WordVectors {
  const file = basename(vectorsPath);
  let labels: string[] | null = null;
  let counts: number[] | null = null;
  if (metadataPath !== null) {
    const rows = [...lines(metadataPath)].map(([l]) => l);
    while (rows.length > 0 && rows[rows.length - 1] === '') rows.pop();
    const multi = rows.length > 0 && rows[0].includes('\t');
    if (multi) {
      const head = rows[0].split('\t');
      const col = Math.max(0, head.findIndex((h) => /^(word|label|token)$/iu.test(h.trim())));
      const countCol = head.findIndex((h) => /^(count|frequency)$/iu.test(h.trim()));
      const body = rows.slice(1).map((r) => r.split('\t'));
      labels = body.map((r) => r[col] ?? '');
      if (countCol >= 0) counts = body.map((r) => Number(r[countCol]) || 0);
    } else {
      labels = rows;
    }
  }
  let b: VectorBuilder | null = null;
  const words: string[] = [];
  for (const [line, no] of lines(vectorsPath)) {
    if (line.trim() === '') continue;
    const parts = line.split('\t');
    if (b === null) b = new VectorBuilder(file, parts.length, false);
    if (parts.length !== b.dim) bad(file, `line ${no} has ${parts.length} values, but line 1 has ${b.dim}; every row needs exactly ${b.dim} tab-separated values.`);
    const index = words.length;
    const label = labels ? labels[index] : String(index);
    if (label === undefined) bad(basename(metadataPath!), `it has ${labels!.length} labels but ${file} has more rows (row ${index + 1} on line ${no} has none); give one label per vector.`);
    const values = new Float32Array(b.dim);
    for (let d = 0; d < b.dim; d++) values[d] = value(file, parts[d].trim(), no, d, label);
    b.add(label, values, no);
    words.push(label);
  }
  if (b === null) bad(file, 'it holds no vectors.');
  if (labels && labels.length !== b.words.length) {
    bad(basename(metadataPath!), `it has ${labels.length} labels but ${file} has ${b.words.length} vectors; give exactly one label per vector.`);
  }
  return new WordVectors('imported', b.words, counts ?? new Array<number>(b.words.length).fill(0), b.dim, b.vectors(), null, { format: 'projector', file });
}

export function importVectors(format: VectorFileFormat, path: string, metadataPath: string | null = null): WordVectors {
  if (format === 'w2v-text') return importW2vText(path);
  if (format === 'w2v-bin') return importW2vBin(path);
  return importProjector(path, metadataPath);
}
