// Normalizers of Hugging Face's tokenizer.json that work code point by code point, with alignment back to the input.
import { LabError } from '../../../common/errors';

/** The normalized text and, per normalized code unit, the [start, end) code units of the input it came from. */
export interface AlignedText {
  text: string;
  starts: Int32Array;
  ends: Int32Array;
}

type CodePointStep = (ch: string, cp: number) => string;

/** The CJK ideograph blocks BERT's normalizer pads with spaces (the same blocks as Google's original BERT). */
export function isCjkIdeograph(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b820 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

const OTHER = /^\p{C}$/u; // Cc, Cf, Cs, Co, Cn: BERT's "control" characters
const WHITE = /^\p{White_Space}$/u;
const NONSPACING_MARK = /\p{Mn}/gu;

const lowercaseStep: CodePointStep = (ch) => ch.toLowerCase();
const nfdStep: CodePointStep = (ch) => ch.normalize('NFD');
const stripAccentsStep: CodePointStep = (ch) => ch.replace(NONSPACING_MARK, '');

function bertSteps(cfg: Record<string, unknown>): CodePointStep[] {
  const lowercase = cfg.lowercase !== false;
  // Hugging Face: strip_accents null means "follow lowercase"
  const stripAccents = cfg.strip_accents === null || cfg.strip_accents === undefined ? lowercase : cfg.strip_accents === true;
  const steps: CodePointStep[] = [];
  if (cfg.clean_text !== false) {
    steps.push((ch, cp) => {
      if (ch === '\t' || ch === '\n' || ch === '\r') return ' ';
      if (cp === 0 || cp === 0xfffd || OTHER.test(ch)) return '';
      return WHITE.test(ch) ? ' ' : ch;
    });
  }
  if (cfg.handle_chinese_chars !== false) steps.push((ch, cp) => (isCjkIdeograph(cp) ? ` ${ch} ` : ch));
  if (stripAccents) steps.push((ch) => stripAccentsStep(nfdStep(ch, 0), 0));
  if (lowercase) steps.push(lowercaseStep);
  return steps;
}

function stepsFor(spec: unknown): CodePointStep[] {
  if (spec === null || spec === undefined) return [];
  const cfg = spec as Record<string, unknown>;
  switch (cfg.type) {
    case 'Lowercase':
      return [lowercaseStep];
    case 'NFD':
      return [nfdStep];
    case 'StripAccents':
      return [stripAccentsStep];
    case 'BertNormalizer':
      return bertSteps(cfg);
    case 'Sequence':
      return Array.isArray(cfg.normalizers) ? cfg.normalizers.flatMap(stepsFor) : [];
    default:
      throw new LabError(
        'bad_file',
        `This tokenizer.json uses the normalizer "${String(cfg.type)}", which Attention Lab cannot apply: it supports Lowercase, NFD, StripAccents, BertNormalizer and Sequences of them.`,
        { field: 'normalizer' },
      );
  }
}

/** Whether the normalizer lowercases (shown in the UI, stored in the row). */
export function normalizerLowercases(spec: unknown): boolean {
  if (spec === null || spec === undefined) return false;
  const cfg = spec as Record<string, unknown>;
  if (cfg.type === 'Lowercase') return true;
  if (cfg.type === 'BertNormalizer') return cfg.lowercase !== false;
  if (cfg.type === 'Sequence' && Array.isArray(cfg.normalizers)) return cfg.normalizers.some(normalizerLowercases);
  return false;
}

/**
 * Applies a tokenizer.json normalizer. Every supported step maps one code point to a string, so the whole
 * normalizer is a per-code-point function; results are cached per code point.
 */
export class TextNormalizer {
  private readonly steps: CodePointStep[];
  private readonly cache = new Map<number, string>();

  constructor(spec: unknown) {
    this.steps = stepsFor(spec);
  }

  get identity(): boolean {
    return this.steps.length === 0;
  }

  private mapCodePoint(ch: string, cp: number): string {
    let out = this.cache.get(cp);
    if (out !== undefined) return out;
    out = ch;
    for (const step of this.steps) {
      let next = '';
      for (const c of out) next += step(c, c.codePointAt(0)!);
      out = next;
    }
    this.cache.set(cp, out);
    return out;
  }

  /** The normalized text alone (training does not need alignment). */
  apply(text: string): string {
    if (this.identity) return text;
    let out = '';
    for (const ch of text) out += this.mapCodePoint(ch, ch.codePointAt(0)!);
    return out;
  }

  normalize(text: string): AlignedText {
    if (this.identity) {
      const starts = new Int32Array(text.length);
      const ends = new Int32Array(text.length);
      for (let i = 0; i < text.length; i++) {
        starts[i] = i;
        ends[i] = i + 1;
      }
      return { text, starts, ends };
    }
    const parts: string[] = [];
    const starts: number[] = [];
    const ends: number[] = [];
    for (let i = 0; i < text.length; ) {
      const cp = text.codePointAt(i)!;
      const units = cp > 0xffff ? 2 : 1;
      const out = this.mapCodePoint(text.slice(i, i + units), cp);
      parts.push(out);
      for (let k = 0; k < out.length; k++) {
        starts.push(i);
        ends.push(i + units);
      }
      i += units;
    }
    return { text: parts.join(''), starts: Int32Array.from(starts), ends: Int32Array.from(ends) };
  }
}
