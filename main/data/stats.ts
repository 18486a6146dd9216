// StatsAccumulator: dataset statistics gathered one document at a time (counts, CJK-aware words, lengths, alphabet).
import type { DatasetStatsT } from '../../common/api';
import { wordStep } from './text';

/** how many bins the length histogram aims for */
const TARGET_BINS = 20;
const TOP_CHARACTERS = 30;

/** The smallest 1, 2 or 5 × 10^k that is ≥ raw (and ≥ 1: lengths are whole characters). */
function niceWidth(raw: number): number {
  if (raw <= 1) return 1;
  const pow = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * pow >= raw) return m * pow;
  return 10 * pow;
}

/**
 * Equal-width bins with round edges over [min, max] of the lengths: ≤ ~20 bins, edges.length = counts.length + 1,
 * bin i holds lengths in [edges[i], edges[i+1]).
 */
export function lengthHistogram(lengths: ArrayLike<number>, count: number, min: number, max: number): { edges: number[]; counts: number[] } {
  if (count === 0) return { edges: [0, 1], counts: [0] };
  const width = niceWidth((max - min) / TARGET_BINS);
  const start = Math.floor(min / width) * width;
  const bins = Math.floor((max - start) / width) + 1;
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < count; i++) counts[Math.floor((lengths[i] - start) / width)]++;
  const edges = Array.from({ length: bins + 1 }, (_, i) => start + i * width);
  return { edges, counts };
}

function isSpace(cp: number): boolean {
  return cp === 0x20 || (cp >= 0x09 && cp <= 0x0d) || cp === 0xa0 || cp === 0x3000 || cp === 0x2028 || cp === 0x2029 || cp === 0xfeff;
}

/**
 * Feed every document with add(), then call finish(). Memory is O(documents) for the lengths (4 bytes each, so a few
 * million documents are fine) plus a fixed 512 KB table of BMP character counts; text is never kept.
 */
export class StatsAccumulator {
  private documents = 0;
  private characters = 0;
  private words = 0;
  private minLength = Infinity;
  private maxLength = 0;
  private readonly labels = new Map<string, number>();
  private lengths = new Uint32Array(1024);
  /** counts per BMP code point; astral ones (emoji, rare CJK) go to the map */
  private readonly bmp = new Float64Array(0x10000);
  private readonly astral = new Map<number, number>();

  add(text: string, label: string | null): void {
    let chars = 0;
    let words = 0;
    let inRun = false;
    const bmp = this.bmp;
    const n = text.length;
    for (let i = 0; i < n; i++) {
      let cp = text.charCodeAt(i);
      if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < n) {
        const lo = text.charCodeAt(i + 1);
        if (lo >= 0xdc00 && lo <= 0xdfff) {
          cp = ((cp - 0xd800) << 10) + (lo - 0xdc00) + 0x10000;
          i++;
        }
      }
      chars++;
      if (cp < 0x10000) bmp[cp]++;
      else this.astral.set(cp, (this.astral.get(cp) ?? 0) + 1);
      const step = wordStep(cp, inRun);
      words += step & 1;
      inRun = (step & 2) !== 0;
    }
    if (this.documents === this.lengths.length) {
      const grown = new Uint32Array(this.lengths.length * 2);
      grown.set(this.lengths);
      this.lengths = grown;
    }
    this.lengths[this.documents++] = chars;
    this.characters += chars;
    this.words += words;
    if (chars < this.minLength) this.minLength = chars;
    if (chars > this.maxLength) this.maxLength = chars;
    if (label !== null) this.labels.set(label, (this.labels.get(label) ?? 0) + 1);
  }

  /** The totals so far. topCharacters leaves out whitespace (it would always lead and says nothing about the alphabet). */
  finish(): DatasetStatsT {
    let unique = this.astral.size;
    const top: { cp: number; count: number }[] = [];
    const consider = (cp: number, count: number) => {
      if (!isSpace(cp)) top.push({ cp, count });
    };
    for (let cp = 0; cp < 0x10000; cp++) {
      const c = this.bmp[cp];
      if (c > 0) {
        unique++;
        consider(cp, c);
      }
    }
    for (const [cp, c] of this.astral) consider(cp, c);
    top.sort((a, b) => b.count - a.count || a.cp - b.cp);
    const labels: Record<string, number> = {};
    for (const [k, v] of [...this.labels].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) labels[k] = v;
    const empty = this.documents === 0;
    return {
      documents: this.documents,
      characters: this.characters,
      words: this.words,
      uniqueCharacters: unique,
      labels,
      lengthHistogram: lengthHistogram(this.lengths, this.documents, empty ? 0 : this.minLength, this.maxLength),
      minLength: empty ? 0 : this.minLength,
      maxLength: this.maxLength,
      meanLength: empty ? 0 : this.characters / this.documents,
      topCharacters: top.slice(0, TOP_CHARACTERS).map((t) => ({ char: String.fromCodePoint(t.cp), count: t.count })),
    };
  }
}
