// Learns BPE-style merges from counted words with incremental pair counts (shared by byte-level BPE and WordPiece).

export interface MergeTrainingInput {
  /** each distinct word as initial symbol ids (rewritten in place as merges apply) */
  words: number[][];
  /** how often each word occurs */
  counts: number[];
  /** token text per id; ids below symbols.length exist before training (specials, alphabet) */
  symbols: string[];
  /** the vocabulary size to stop at */
  targetSize: number;
  /** text of the token made by merging left and right (WordPiece drops the right side's "##") */
  join(left: string, right: string): string;
  onProgress?: (done: number, total: number) => void;
}

export interface MergeTrainingResult {
  /** all token texts by id (input symbols first, then one per new token) */
  symbols: string[];
  /** merges in the order learned, as token texts */
  merges: [string, string][];
}

/**
 * Every adjacent pair seen, as a dense index into typed arrays (left id, right id, live count, the merge step
 * that last grew it) plus a linked list of the words it occurs in. An open-addressing hash finds a pair's index;
 * pairs are never removed (a merged or vanished pair keeps count 0), so no tombstones are needed. Typed arrays and
 * small-integer indices keep millions of pairs cheap for the garbage collector.
 */
class PairTable {
  size = 0;
  left = new Int32Array(1024);
  right = new Int32Array(1024);
  count = new Float64Array(1024);
  grownAt = new Int32Array(1024).fill(-1);
  /** per pair, the first node of its word list (-1: none); lists may name a word twice or one that lost the pair */
  head = new Int32Array(1024).fill(-1);
  /** word-list nodes: the word index and the next node */
  nodeWord = new Int32Array(4096);
  nodeNext = new Int32Array(4096);
  private nodes = 0;
  private buckets = new Int32Array(2048); // pair index + 1, 0 = empty

  private slotOf(a: number, b: number): number {
    const mask = this.buckets.length - 1;
    let h = (Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca77)) & mask;
    for (;;) {
      const p = this.buckets[h] - 1;
      if (p < 0 || (this.left[p] === a && this.right[p] === b)) return h;
      h = (h + 1) & mask;
    }
  }

  find(a: number, b: number): number {
    return this.buckets[this.slotOf(a, b)] - 1;
  }

  intern(a: number, b: number): number {
    const slot = this.slotOf(a, b);
    if (this.buckets[slot] > 0) return this.buckets[slot] - 1;
    const p = this.size++;
    if (p === this.left.length) this.growDense();
    this.left[p] = a;
    this.right[p] = b;
    this.buckets[slot] = p + 1;
    if (this.size * 2 > this.buckets.length) this.rehash();
    return p;
  }

  private growDense(): void {
    const n = this.left.length * 2;
    const grow = <T extends Int32Array | Float64Array>(old: T, make: (n: number) => T): T => {
      const next = make(n);
      next.set(old);
      return next;
    };
    this.left = grow(this.left, (k) => new Int32Array(k));
    this.right = grow(this.right, (k) => new Int32Array(k));
    this.count = grow(this.count, (k) => new Float64Array(k));
    const grownAt = new Int32Array(n).fill(-1);
    grownAt.set(this.grownAt);
    this.grownAt = grownAt;
    const head = new Int32Array(n).fill(-1);
    head.set(this.head);
    this.head = head;
  }

  /** Notes that word w contains pair p (skipped when w is already the newest entry). */
  addWord(p: number, w: number): void {
    const first = this.head[p];
    if (first >= 0 && this.nodeWord[first] === w) return;
    if (this.nodes === this.nodeWord.length) {
      const word = new Int32Array(this.nodes * 2);
      const next = new Int32Array(this.nodes * 2);
      word.set(this.nodeWord);
      next.set(this.nodeNext);
      this.nodeWord = word;
      this.nodeNext = next;
    }
    this.nodeWord[this.nodes] = w;
    this.nodeNext[this.nodes] = first;
    this.head[p] = this.nodes++;
  }

  private rehash(): void {
    this.buckets = new Int32Array(this.buckets.length * 2);
    for (let p = 0; p < this.size; p++) this.buckets[this.slotOf(this.left[p], this.right[p])] = p + 1;
  }
}

/**
 * Max-heap of (count snapshot, pair index), lazily updated: a pair that grew gets a fresh entry; one that shrank
 * keeps its old, too-high entry, re-pushed with the live count when it surfaces. Every pair so always has an entry
 * >= its live count, and a top entry that matches its live count is the best pair. Ties go to the smaller
 * (left, right) ids, i.e. older tokens first, so training is deterministic.
 */
class PairHeap {
  private readonly counts: number[] = [];
  private readonly pairs: number[] = [];
  constructor(private readonly table: PairTable) {}
  get size(): number {
    return this.pairs.length;
  }
  private before(c1: number, p1: number, c2: number, p2: number): boolean {
    if (c1 !== c2) return c1 > c2;
    const { left, right } = this.table;
    return left[p1] < left[p2] || (left[p1] === left[p2] && right[p1] < right[p2]);
  }
  push(count: number, pair: number): void {
    let i = this.pairs.length;
    this.counts.push(count);
    this.pairs.push(pair);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(count, pair, this.counts[p], this.pairs[p])) break;
      this.counts[i] = this.counts[p];
      this.pairs[i] = this.pairs[p];
      i = p;
    }
    this.counts[i] = count;
    this.pairs[i] = pair;
  }
  /** Removes the top entry; read it first with topCount/topPair. */
  pop(): void {
    const c = this.counts.pop()!;
    const k = this.pairs.pop()!;
    const n = this.pairs.length;
    if (n === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const m = l + 1 < n && this.before(this.counts[l + 1], this.pairs[l + 1], this.counts[l], this.pairs[l]) ? l + 1 : l;
      if (!this.before(this.counts[m], this.pairs[m], c, k)) break;
      this.counts[i] = this.counts[m];
      this.pairs[i] = this.pairs[m];
      i = m;
    }
    this.counts[i] = c;
    this.pairs[i] = k;
  }
  get topCount(): number {
    return this.counts[0];
  }
  get topPair(): number {
    return this.pairs[0];
  }
}

export function learnMerges(input: MergeTrainingInput): MergeTrainingResult {
  const { words, counts, join, targetSize } = input;
  const symbols = [...input.symbols];
  const idOf = new Map<string, number>();
  symbols.forEach((s, i) => idOf.set(s, i));
  const table = new PairTable();
  const heap = new PairHeap(table);
  let step = 0;
  const grown: number[] = [];

  const add = (a: number, b: number, delta: number, w: number): void => {
    const p = delta > 0 ? table.intern(a, b) : table.find(a, b);
    table.count[p] += delta;
    if (delta > 0) {
      table.addWord(p, w);
      if (table.grownAt[p] !== step) {
        table.grownAt[p] = step;
        grown.push(p);
      }
    }
  };
  const pushGrown = (): void => {
    for (const p of grown) if (table.count[p] > 0) heap.push(table.count[p], p);
    grown.length = 0;
  };

  for (let w = 0; w < words.length; w++) {
    const word = words[w];
    for (let i = 0; i + 1 < word.length; i++) add(word[i], word[i + 1], counts[w], w);
  }
  pushGrown();

  // the merge step that last rewrote each word, so a word listed twice under a pair is rewritten once
  const visited = new Int32Array(words.length).fill(-1);
  const merges: [string, string][] = [];
  const budget = targetSize - symbols.length;
  while (symbols.length < targetSize && heap.size > 0) {
    const count = heap.topCount;
    const p = heap.topPair;
    heap.pop();
    const live = table.count[p];
    if (live !== count) {
      if (live > 0 && live < count) heap.push(live, p);
      continue;
    }
    step++;
    const a = table.left[p];
    const b = table.right[p];
    const text = join(symbols[a], symbols[b]);
    // two different merges can spell the same token ("ab"+"c", "a"+"bc"): they share one id
    let c = idOf.get(text);
    if (c === undefined) {
      c = symbols.length;
      symbols.push(text);
      idOf.set(text, c);
    }
    merges.push([symbols[a], symbols[b]]);
    // merging (a, b) never adds to (a, b)'s own list, so the list is stable while it is walked
    for (let node = table.head[p]; node >= 0; node = table.nodeNext[node]) {
      const w = table.nodeWord[node];
      if (visited[w] === step) continue;
      visited[w] = step;
      mergeInWord(words, counts, w, a, b, c, add);
    }
    table.head[p] = -1;
    table.count[p] = 0;
    pushGrown();
    input.onProgress?.(symbols.length - input.symbols.length, budget);
  }
  return { symbols, merges };
}

/**
 * Rewrites one word, left to right, replacing each (a, b) with c. Pair counts change only next to a merge:
 * the left neighbour is already rewritten (it may be a fresh c), the right one is still original.
 */
function mergeInWord(
  words: number[][],
  counts: readonly number[],
  w: number,
  a: number,
  b: number,
  c: number,
  add: (a: number, b: number, delta: number, w: number) => void,
): void {
  const word = words[w];
  const n = counts[w];
  // compacts in place: the write index never passes the read index, so word[r + 2] is still original
  let r = 0;
  let out = 0;
  while (r < word.length) {
    if (r + 1 < word.length && word[r] === a && word[r + 1] === b) {
      if (out > 0) {
        const prev = word[out - 1];
        add(prev, a, -n, w);
        add(prev, c, n, w);
      }
      if (r + 2 < word.length) {
        const next = word[r + 2];
        add(b, next, -n, w);
        add(c, next, n, w);
      }
      word[out++] = c;
      r += 2;
    } else {
      word[out++] = word[r++];
    }
  }
  word.length = out;
}
