// Encodings: BOMs, UTF-16, GB18030 detection, characters split across read chunks, and invalid UTF-8 messages.
import iconv from 'iconv-lite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DETECT_BYTES, Utf8Validator } from '../../../main/data/import/encoding';
import { CHUNK_BYTES } from '../../../main/data/import/stream';
import { importAll, labError, tempDir, type TempDir } from './helpers';

let t: TempDir;
beforeEach(() => {
  t = tempDir();
});
afterEach(() => t.remove());

const chinese = '深度学习模型很有趣。\n\n注意力机制是核心，𠀀字也要对。\n\n第三段：Transformer 与 BERT。';
const paragraphs = chinese.split('\n\n');

describe('BOMs and UTF-16', () => {
  it('strips a UTF-8 BOM', async () => {
    const p = t.write('bom.txt', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('héllo\n\nwörld', 'utf8')]));
    const { docs, summary } = await importAll(p);
    expect(docs.map((d) => d.text)).toEqual(['héllo', 'wörld']);
    expect(summary.encoding).toBe('utf-8');
  });

  it('reads UTF-16 LE and BE with a BOM', async () => {
    const le = t.write('le.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(chinese, 'utf16-le')]));
    const be = t.write('be.txt', Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(chinese, 'utf16-be')]));
    const a = await importAll(le);
    const b = await importAll(be);
    expect(a.docs.map((d) => d.text)).toEqual(paragraphs);
    expect(b.docs.map((d) => d.text)).toEqual(paragraphs);
    expect(a.summary.encoding).toBe('utf-16le');
    expect(b.summary.encoding).toBe('utf-16be');
  });

  it('reads explicit UTF-16 without a BOM (not mistaken for binary)', async () => {
    const p = t.write('le.txt', iconv.encode('plain text', 'utf16-le'));
    const { docs } = await importAll(p, { encoding: 'utf-16le' });
    expect(docs[0].text).toBe('plain text');
  });
});

describe('GB18030', () => {
  it('is detected automatically and yields the exact Chinese characters', async () => {
    const p = t.write('zh.txt', iconv.encode(chinese, 'gb18030'));
    const { docs, summary } = await importAll(p);
    expect(summary.encoding).toBe('gb18030');
    expect(docs.map((d) => d.text)).toEqual(paragraphs);
  });

  it('can be chosen explicitly (also for a jsonl file)', async () => {
    const p = t.write('zh.jsonl', iconv.encode('{"text":"你好，世界","label":"问候"}\n', 'gb18030'));
    const { docs, summary } = await importAll(p, { encoding: 'gb18030' });
    expect(docs).toEqual([{ text: '你好，世界', label: '问候' }]);
    expect(summary.encoding).toBe('gb18030');
  });

  it('is refused as UTF-8 when UTF-8 is chosen, with line and byte', async () => {
    const p = t.write('zh.txt', Buffer.concat([Buffer.from('ok\n'), iconv.encode('中文', 'gb18030')]));
    const err = await labError(() => importAll(p, { encoding: 'utf-8' }));
    expect(err.message).toBe('zh.txt is not valid UTF-8 at line 2 (byte 3): choose its encoding (e.g. gb18030) or convert it to UTF-8.');
    expect(err.field).toBe(`${p}:2`);
  });
});

describe('invalid UTF-8', () => {
  it('names the line and byte of the first bad byte when UTF-8 is chosen', async () => {
    const p = t.write('x.txt', Buffer.concat([Buffer.from('line one\nline two\nbad '), Buffer.from([0xff]), Buffer.from(' here')]));
    const err = await labError(() => importAll(p, { encoding: 'utf-8' }));
    expect(err.code).toBe('bad_file');
    expect(err.message).toBe('x.txt is not valid UTF-8 at line 3 (byte 22): choose its encoding (e.g. gb18030) or convert it to UTF-8.');
  });

  it('refuses Latin-1 text in auto mode: neither UTF-8 nor GB18030', async () => {
    const p = t.write('fr.txt', iconv.encode('Un café.\nUn résumé très élégant à côté.', 'latin1'));
    const err = await labError(() => importAll(p));
    expect(err.message).toBe(
      'fr.txt is not valid UTF-8 at line 1 (byte 6) and does not read as GB18030 Chinese either: choose its encoding or convert it to UTF-8.',
    );
  });

  it('catches a bad byte after the detection window, while streaming', async () => {
    const body = Buffer.alloc(DETECT_BYTES + 100, 'a');
    for (let i = 99; i < body.length; i += 100) body[i] = 0x0a;
    body[DETECT_BYTES + 50] = 0xc3; // a lead byte followed by 'a' instead of a continuation byte
    const p = t.write('late.txt', body);
    const err = await labError(() => importAll(p));
    const line = Math.floor((DETECT_BYTES + 50) / 100) + 1;
    expect(err.message).toBe(`late.txt is not valid UTF-8 at line ${line} (byte ${DETECT_BYTES + 50}): choose its encoding (e.g. gb18030) or convert it to UTF-8.`);
  });

  it('agrees with a fatal TextDecoder on random byte strings', () => {
    let seed = 12345;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    const alphabet = [0x41, 0x80, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xa0, 0xed, 0x9f, 0xef, 0xf0, 0x90, 0xf4, 0x8f, 0xf5, 0xff];
    for (let trial = 0; trial < 3000; trial++) {
      const bytes = Uint8Array.from({ length: 1 + (next() % 8) }, () => alphabet[next() % alphabet.length]);
      let reference = true;
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      } catch {
        reference = false;
      }
      const v = new Utf8Validator();
      const split = next() % (bytes.length + 1);
      let bad = v.push(bytes.subarray(0, split));
      if (bad === -1) bad = v.push(bytes.subarray(split));
      if (bad === -1) bad = v.end();
      expect(bad === -1, `bytes ${Buffer.from(bytes).toString('hex')}`).toBe(reference);
    }
  });
});

describe('characters split across read chunks', () => {
  /**
   * ASCII filler with '𝄞世界é' placed so the 4-byte '𝄞' starts 2 bytes before each chunk edge and the end of the
   * detection window; `bytes` measures text in the target encoding, `unit` is the size of one 'a' in it.
   */
  function straddling(bytes: (s: string) => number, unit: number): string {
    let s = '';
    for (const cut of [CHUNK_BYTES, 2 * CHUNK_BYTES, DETECT_BYTES, DETECT_BYTES + CHUNK_BYTES]) {
      s += 'a'.repeat((cut - 2 - bytes(s)) / unit);
      expect(bytes(s)).toBe(cut - 2);
      s += '𝄞世界é';
    }
    return s + '\nend';
  }

  it('keeps UTF-8 characters intact', async () => {
    const text = straddling((x) => Buffer.byteLength(x), 1);
    const p = t.write('big.txt', text);
    const { docs } = await importAll(p, { mode: 'whole' });
    expect(docs.map((d) => d.text).join('') === text).toBe(true);
  });

  it('keeps GB18030 characters intact (2- and 4-byte sequences)', async () => {
    const text = straddling((x) => iconv.encode(x, 'gb18030').length, 1);
    const p = t.write('big-gb.txt', iconv.encode(text, 'gb18030'));
    const { docs, summary } = await importAll(p, { mode: 'whole' });
    expect(summary.encoding).toBe('gb18030');
    expect(docs.map((d) => d.text).join('') === text).toBe(true);
  });

  it('keeps UTF-16 surrogate pairs intact', async () => {
    const text = straddling((x) => 2 + x.length * 2, 2);
    const p = t.write('big-16.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, 'utf16-le')]));
    const { docs } = await importAll(p, { mode: 'whole' });
    expect(docs.map((d) => d.text).join('') === text).toBe(true);
  });
});
