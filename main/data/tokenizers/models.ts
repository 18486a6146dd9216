// Word-level models of tokenizer.json: BPE (merges applied by rank) and WordPiece (greedy longest match).
import { LabError } from '../../../common/errors';

/** A word's tokens: ids and, per token, its end in code units of the word (tokens tile the word). */
export interface WordTokens {
  ids: Int32Array;
  ends: Int32Array;
}

export interface WordModel {
  encodeWord(word: string): WordTokens;
}

// Pair keys pack two ids (< 2^22 each) into one exact float64 integer.
const ID_SPAN = 4194304;
// Heap keys pack a merge rank (< 2^22) and a symbol position (< 2^30) the same way.
const POS_SPAN = 1073741824;

/** Min-heap of packed numbers. */
class NumberHeap {
  private readonly a: number[] = [];
  get size(): number {
    return this.a.length;
  }
  push(v: number): void {
    const a = this.a;
    let i = a.push(v) - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p] <= v) break;
      a[i] = a[p];
      i = p;
    }
    a[i] = v;
  }
  pop(): number {
    const a = this.a;
    const top = a[0];
    const last = a.pop()!;
    if (a.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= a.length) break;
        const c = l + 1 < a.length && a[l + 1] < a[l] ? l + 1 : l;
        if (a[c] >= last) break;
        a[i] = a[c];
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}

export class BpeModel implements WordModel {
  /** pair key -> rank; the merged id is in mergedId under the same key */
  private readonly rank = new Map<number, number>();
  private readonly mergedId = new Map<number, number>();

  constructor(
    private readonly vocab: ReadonlyMap<string, number>,
    merges: readonly (readonly [string, string])[],
    private readonly unkId: number | null,
  ) {
    merges.forEach(([a, b], r) => {
      const ia = vocab.get(a);
      const ib = vocab.get(b);
      const ic = vocab.get(a + b);
      if (ia === undefined || ib === undefined || ic === undefined) {
        throw new Error(`Merge ${r + 1} ("${a}" + "${b}") uses a token that is not in the vocabulary.`);
      }
      const key = ia * ID_SPAN + ib;
      if (!this.rank.has(key)) {
        this.rank.set(key, r);
        this.mergedId.set(key, ic);
      }
    });
  }

  get mergeCount(): number {
    return this.rank.size;
  }

  encodeWord(word: string): WordTokens {
    const ids: number[] = [];
    const ends: number[] = [];
    for (let i = 0; i < word.length; ) {
      const units = word.codePointAt(i)! > 0xffff ? 2 : 1;
      const id = this.vocab.get(word.slice(i, i + units)) ?? this.unkId;
      i += units;
      if (id === null) continue; // no [UNK] in this model: the character is dropped, as in Hugging Face
      ids.push(id);
      ends.push(i);
    }
    if (this.rank.size === 0 || ids.length < 2) return { ids: Int32Array.from(ids), ends: Int32Array.from(ends) };
    return this.applyMerges(ids, ends);
  }

  /** Lowest rank first, leftmost first among equal ranks; symbols form a linked list over positions. */
  private applyMerges(ids: number[], ends: number[]): WordTokens {
    const n = ids.length;
    const next = new Int32Array(n);
    const prev = new Int32Array(n);
    const alive = new Uint8Array(n).fill(1);
    for (let i = 0; i < n; i++) {
      next[i] = i + 1 < n ? i + 1 : -1;
      prev[i] = i - 1;
    }
    const heap = new NumberHeap();
    const consider = (left: number): void => {
      const right = next[left];
      if (right < 0) return;
      const r = this.rank.get(ids[left] * ID_SPAN + ids[right]);
      if (r !== undefined) heap.push(r * POS_SPAN + left);
    };
    for (let i = 0; i + 1 < n; i++) consider(i);
    while (heap.size > 0) {
      const key = heap.pop();
      const r = Math.floor(key / POS_SPAN);
      const left = key - r * POS_SPAN;
      const right = next[left];
      // stale entry: the pair at this position changed since it was queued
      if (!alive[left] || right < 0 || this.rank.get(ids[left] * ID_SPAN + ids[right]) !== r) continue;
      ids[left] = this.mergedId.get(ids[left] * ID_SPAN + ids[right])!;
      ends[left] = ends[right];
      alive[right] = 0;
      next[left] = next[right];
      if (next[right] >= 0) prev[next[right]] = left;
      if (prev[left] >= 0) consider(prev[left]);
      consider(left);
    }
    const outIds: number[] = [];
    const outEnds: number[] = [];
    for (let i = 0; i >= 0; i = next[i]) {
      outIds.push(ids[i]);
      outEnds.push(ends[i]);
    }
    return { ids: Int32Array.from(outIds), ends: Int32Array.from(outEnds) };
  }
}

export class WordPieceModel implements WordModel {
  constructor(
    private readonly vocab: ReadonlyMap<string, number>,
    /** null when the file's unk_token is missing from its vocabulary: unknown words then cannot be encoded */
    private readonly unkId: number | null,
    private readonly prefix: string,
    private readonly maxCharsPerWord: number,
  ) {}

  encodeWord(word: string): WordTokens {
    const bounds: number[] = [0]; // code-unit offsets of code point boundaries
    for (let i = 0; i < word.length; ) {
      i += word.codePointAt(i)! > 0xffff ? 2 : 1;
      bounds.push(i);
    }
    if (bounds.length - 1 > this.maxCharsPerWord) return this.unknown(word);
    const ids: number[] = [];
    const ends: number[] = [];
    let s = 0;
    while (s < bounds.length - 1) {
      let found = -1;
      let e = bounds.length - 1;
      for (; e > s; e--) {
        const sub = word.slice(bounds[s], bounds[e]);
        const id = this.vocab.get(s > 0 ? this.prefix + sub : sub);
        if (id !== undefined) {
          found = id;
          break;
        }
      }
      if (found < 0) return this.unknown(word); // one unmatched piece makes the whole word [UNK], as in BERT
      ids.push(found);
      ends.push(bounds[e]);
      s = e;
    }
    return { ids: Int32Array.from(ids), ends: Int32Array.from(ends) };
  }

  private unknown(word: string): WordTokens {
    if (this.unkId === null) {
      throw new LabError('invalid_input', `The word "${word}" cannot be encoded: this WordPiece tokenizer has no unknown token in its vocabulary (retrain it, or add one to its file).`);
    }
    return { ids: Int32Array.of(this.unkId), ends: Int32Array.of(word.length) };
  }
}
