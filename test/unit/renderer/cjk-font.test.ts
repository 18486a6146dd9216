// The bundled Chinese font (issue 14): the build keeps only the CJK slices of Noto Sans SC 400 as woff2, for every weight.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { keepCjkSlices } from '../../../renderer/build/cjkFontPlugin';
import { cjkCharacters } from '../../../renderer/utils/cjk';
import zhCN from '../../../renderer/i18n/zh-CN';

const css = readFileSync(createRequire(import.meta.url).resolve('@fontsource/noto-sans-sc/400.css'), 'utf8');

describe('keepCjkSlices', () => {
  const kept = keepCjkSlices(css);
  const faces = kept.match(/@font-face/g) ?? [];

  it('keeps the numbered unicode-range slices and drops latin, latin-ext, cyrillic and vietnamese', () => {
    expect(css).toMatch(/noto-sans-sc-latin-400-normal/);
    expect(faces.length).toBeGreaterThan(90);
    expect(kept).not.toMatch(/latin|cyrillic|vietnamese/);
    expect((kept.match(/unicode-range/g) ?? []).length).toBe(faces.length);
  });

  it('references woff2 only, and declares each face for every weight (no emboldened copy)', () => {
    expect(kept).not.toMatch(/\.woff\)/);
    expect((kept.match(/\.woff2\)/g) ?? []).length).toBe(faces.length);
    expect(kept).not.toMatch(/font-weight: 400;/);
    expect((kept.match(/font-weight: 100 900;/g) ?? []).length).toBe(faces.length);
  });

  it('covers every Chinese character of the UI', () => {
    const ranges = [...kept.matchAll(/unicode-range: ([^;]+);/g)].flatMap((m) =>
      m[1].split(',').map((r) => {
        const [a, b] = r.trim().replace(/^U\+/i, '').split('-');
        return [parseInt(a, 16), parseInt(b ?? a, 16)] as const;
      }),
    );
    const missing = [...cjkCharacters(JSON.stringify(zhCN))].filter((ch) => {
      const cp = ch.codePointAt(0) ?? 0;
      return !ranges.some(([a, b]) => cp >= a && cp <= b);
    });
    expect(missing).toEqual([]);
  });
});

describe('cjkCharacters', () => {
  it('keeps each ideograph and CJK punctuation once, in order, and nothing else', () => {
    expect(cjkCharacters('Attention Lab 注意力实验室，注意！')).toBe('注意力实验室，！');
    expect(cjkCharacters('plain ASCII')).toBe('');
  });
});
