// Reading a person's pair file (TSV, CSV, JSONL) for the seq2seq experiment: columns and keys found by name or number,
// repeats dropped, and every bad line refused with a sentence naming the file, the line and the field, or skipped and
// counted on request; wrong encodings named with the line.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LabError } from '../../../common/errors';
import { readPairFile } from '../../../main/data/pairs/file';

const dir = mkdtempSync(join(tmpdir(), 'pair-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

async function refusal(p: Promise<unknown>): Promise<LabError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(LabError);
  return err as LabError;
}

describe('readPairFile', () => {
  it('reads a TSV by its header, trims the sides and drops exact repeats', async () => {
    const p = file('ok.tsv', 'id\tsrc\ttgt\n1\tthe cat \tle chat\n2\tthe dog\tle chien\n3\tthe cat\tle chat\n');
    const f = await readPairFile(p);
    expect(f.format).toBe('tsv');
    expect(f.pairs).toEqual([{ source: 'the cat', target: 'le chat' }, { source: 'the dog', target: 'le chien' }]);
    expect(f.duplicates).toBe(1);
    expect(f.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reads CSV columns chosen by name, a headerless TSV by number and JSONL by key', async () => {
    const csv = await readPairFile(file('q.csv', 'question,answer,en\n"2+2, please",4,x\n3+5,8,y\n'), { sourceField: 'question', targetField: 'answer' });
    expect(csv.pairs[0]).toEqual({ source: '2+2, please', target: '4' });
    const bare = await readPairFile(file('bare.tsv', 'a\tb\tc\nd\te\tf\n'), { header: false, sourceField: '3', targetField: '1' });
    expect(bare.pairs).toEqual([{ source: 'c', target: 'a' }, { source: 'f', target: 'd' }]);
    const jl = await readPairFile(file('p.jsonl', '{"input": "1958-08-29", "output": "August 29"}\n\n{"input": 12, "output": "twelve"}\n'));
    expect(jl.pairs).toEqual([{ source: '1958-08-29', target: 'August 29' }, { source: '12', target: 'twelve' }]);
  });

  it('refuses a header without the columns, naming them and the flag to choose', async () => {
    const err = await refusal(readPairFile(file('cols.tsv', 'english\tfrench\nhi\tsalut\n')));
    expect(err.message).toBe('cols.tsv has no source column (looked for source/src/input/question); its header (line 1) has the columns: english, french. Choose the source column (--source-column), or say the file has no header row.');
    expect(err.field).toMatch(/cols\.tsv:1$/);
  });

  it('refuses an empty side and an over-long side with the line, and lists every bad line', async () => {
    const p = file('bad.tsv', `source\ttarget\na b\tb a\nc d\t  \n${'x'.repeat(30)}\tx\ne f\tf e\n`);
    const err = await refusal(readPairFile(p, { maxChars: 20 }));
    expect(err.message).toBe('bad.tsv has 2 invalid lines (lines 3, 4). Line 3 of bad.tsv has an empty target: fill it in or remove the line. Fix them, or skip invalid lines (CLI: --skip-invalid) to use the 2 valid pairs.');
    expect(err.field).toMatch(/bad\.tsv:3$/);
    const details = err.details as { invalid: { line: number; message: string }[] };
    expect(details.invalid[1].message).toBe('Line 4 of bad.tsv has a source of 30 characters, over the 20-character limit per side: split or shorten it, or raise the limit (--max-chars).');
    const skipped = await readPairFile(p, { maxChars: 20, skipInvalid: true });
    expect(skipped.pairs.length).toBe(2);
    expect(skipped.skippedCount).toBe(2);
  });

  it('refuses bad JSON and a missing key with the line', async () => {
    const err = await refusal(readPairFile(file('bad.jsonl', '{"source": "a", "target": "b"}\n{"source": "c", "target": }\n{"source": "d"}\n')));
    expect(err.message).toMatch(/^bad\.jsonl has 2 invalid lines \(lines 2, 3\)\. Line 2 of bad\.jsonl is not valid JSON: .+ \(expected one object per line, like \{"source": "…", "target": "…"\}\)\./);
    const details = err.details as { invalid: { message: string }[] };
    expect(details.invalid[1].message).toBe('Line 3 of bad.jsonl has no target field (looked for "target"/"tgt"/"output"/"answer"); its fields are: source. Choose the target field (--target-column).');
  });

  it('names a row with a missing delimiter and a wrong encoding with their lines', async () => {
    const short = await refusal(readPairFile(file('short.csv', 'source,target\na,b\nc\n')));
    expect(short.message).toBe('Line 3 of short.csv has 1 fields but the header has 2: look for a missing or extra delimiter or quote on that line.');
    const latin1 = Buffer.concat([Buffer.from('source\ttarget\ncafe\tcoffee\n'), Buffer.from([0x63, 0x61, 0x66, 0xe9]), Buffer.from('\tcoffee\n')]);
    const enc = await refusal(readPairFile(file('latin1.tsv', latin1)));
    expect(enc.message).toMatch(/^latin1\.tsv is not valid UTF-8 at line 3 \(byte \d+\).*choose its encoding or convert it to UTF-8\.$/);
  });

  it('refuses a format that is not a pair format', async () => {
    const err = await refusal(readPairFile(file('notes.txt', 'hello\n')));
    expect(err.message).toBe('notes.txt is read as txt, but pairs come from a TSV, CSV or JSONL file with a source and a target per line: choose one of those formats.');
  });
});
