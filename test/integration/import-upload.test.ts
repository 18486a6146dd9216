// The import dialog's source as the person sees it (issue 14): a browser upload is read from a copy in <home>/uploads,
// but no sentence, inspection or dataset names that copy; a text's inspection carries the 'whole' mode's preview too.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLab, type Lab } from '../../main/lab/index';
import { LabError } from '../../common/errors';
import type { ChannelOutput } from '../../common/api';

let home: string;
let lab: Lab;
const TEXT = 'First paragraph, line one.\nLine two.\n\nSecond paragraph.\n\nThird.';

beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'lab-upload-'));
  lab = createLab({ home, env: { LANG: 'en_US.UTF-8' }, mode: 'cli' });
  mkdirSync(join(home, 'uploads'), { recursive: true });
});
afterAll(() => {
  lab.close();
  rmSync(home, { recursive: true, force: true });
});

describe('an uploaded file', () => {
  it('is inspected with both previews: paragraphs, and the whole text with its line breaks', async () => {
    const copy = join(home, 'uploads', '3fa1b2c3d4e5-poems.txt');
    writeFileSync(copy, TEXT);
    const seen = (await lab.call('datasets.inspect', { path: copy })) as ChannelOutput<'datasets.inspect'>;
    expect(seen.preview).toEqual(['First paragraph, line one.\nLine two.', 'Second paragraph.', 'Third.']);
    expect(seen.previewWhole).toBe(TEXT);
  });

  it('is named as the person chose it in a refusal, never by its copy in uploads/', async () => {
    const copy = join(home, 'uploads', '0a1b2c3d4e5f-scan.txt');
    writeFileSync(copy, Buffer.from([0x00, 0x01, 0x02, 0xff, 0x00, 0x00, 0x89, 0x50, 0x4e, 0x47]));
    const e = await lab.call('datasets.inspect', { path: copy }).then(() => null, (err: unknown) => err);
    expect(e).toBeInstanceOf(LabError);
    expect((e as LabError).message).toContain('scan.txt');
    expect((e as LabError).message).not.toContain('uploads');
    expect((e as LabError).message).not.toContain('0a1b2c3d4e5f');
  });

  it('is recorded as its own name: the copy is gone after the import', async () => {
    const copy = join(home, 'uploads', 'abcdef012345-verses.txt');
    writeFileSync(copy, TEXT.replace('First', 'Other'));
    const done = (await lab.call('datasets.import', { path: copy, name: 'verses', mode: 'whole' })) as ChannelOutput<'datasets.import'>;
    expect(done.dataset.sourcePath).toBe('verses.txt');
  });
});
