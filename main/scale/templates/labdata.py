# labdata.py - the lab's data side in Python: its seeded RNG (xoshiro128**), the token shards it exported, and the
# batches (GPT windows, BERT masked windows) drawn in exactly the order Attention Lab draws them
# (main/ml/rng.ts, main/ml/batches.ts, main/ml/masking.ts).
#
# Every rank draws the whole global batch from the same RNG and keeps its own rows, so the batch order does not
# depend on the number of ranks, and a run here sees the batches the lab's own run saw, step for step.
import json
import os

import numpy as np

M32 = 0xFFFFFFFF
IGNORE_INDEX = -100


def _splitmix32(x):
    """One splitmix32 step: (next state, well-mixed output word)."""
    nxt = (x + 0x9E3779B9) & M32
    z = nxt
    z = ((z ^ (z >> 16)) * 0x85EBCA6B) & M32
    z = ((z ^ (z >> 13)) * 0xC2B2AE35) & M32
    return nxt, (z ^ (z >> 16)) & M32


def mix_seed(*parts):
    """Several integers mixed into one uint32 (the lab's mixSeed: per-step dropout seeds)."""
    h = 0x811C9DC5
    for p in parts:
        p &= M32
        _, z = _splitmix32((h ^ p) & M32)
        h = ((z ^ (p >> 16)) * 0x01000193) & M32
    return _splitmix32(h)[1]


def _rotl(x, k):
    return ((x << k) | (x >> (32 - k))) & M32


class Rng:
    """xoshiro128** with a 4-word state, seeded through splitmix32: the lab's Rng, draw for draw."""

    def __init__(self, seed):
        x = seed & M32
        s = []
        for _ in range(4):
            x, z = _splitmix32(x)
            s.append(z)
        if not any(s):
            s[0] = 1
        self.s = s

    @classmethod
    def from_state(cls, state):
        r = cls(0)
        if len(state) != 4:
            raise ValueError('RNG state must be 4 uint32 words, got %d.' % len(state))
        r.s = [int(w) & M32 for w in state]
        return r

    def get_state(self):
        return list(self.s)

    def next_u32(self):
        s0, s1, s2, s3 = self.s
        result = (_rotl((s1 * 5) & M32, 7) * 9) & M32
        t = (s1 << 9) & M32
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = _rotl(s3, 11)
        self.s = [s0, s1, s2, s3]
        return result

    def next(self):
        """uniform in [0, 1) with 32 random bits"""
        return self.next_u32() / 4294967296.0

    def int(self, n):
        """uniform integer in [0, n)"""
        return int(self.next() * n)


class TokenSplit:
    """One split of the exported dataset: its documents, read from the shards through memory maps.

    index.json: {"format": "attention-lab-tokens/1", "dtype": "uint16"|"uint32", "vocabSize": V,
                 "splits": {"train": {"tokens": N, "documents": D, "offsets": "train.offsets.bin",
                                      "shards": [{"file": "train-00000.bin", "tokens": n, "sha256": ...}]}}}
    offsets: D + 1 little-endian uint64 positions; document d is tokens [offsets[d], offsets[d + 1]) of the split's
    shards read one after another.
    """

    def __init__(self, data_dir, split):
        with open(os.path.join(data_dir, 'index.json'), encoding='utf-8') as f:
            index = json.load(f)
        if index.get('format') != 'attention-lab-tokens/1':
            raise ValueError('%s/index.json is not an Attention Lab token index (format %r).' % (data_dir, index.get('format')))
        info = index['splits'].get(split)
        if info is None:
            self.offsets = np.zeros(1, dtype=np.int64)
            self.shards, self.shard_starts = [], np.zeros(1, dtype=np.int64)
            return
        dtype = {'uint16': np.uint16, 'uint32': np.uint32}[index['dtype']]
        self.shards = []
        starts = [0]
        for shard in info['shards']:
            path = os.path.join(data_dir, shard['file'])
            arr = np.memmap(path, dtype=dtype, mode='r') if shard['tokens'] > 0 else np.zeros(0, dtype=dtype)
            if arr.shape[0] != shard['tokens']:
                raise ValueError('%s holds %d tokens but index.json says %d; the file is truncated or from another export.'
                                 % (path, arr.shape[0], shard['tokens']))
            self.shards.append(arr)
            starts.append(starts[-1] + shard['tokens'])
        self.shard_starts = np.asarray(starts, dtype=np.int64)
        self.offsets = np.fromfile(os.path.join(data_dir, info['offsets']), dtype='<u8').astype(np.int64)
        if self.offsets.shape[0] != info['documents'] + 1 or self.offsets[-1] != info['tokens']:
            raise ValueError('%s does not match index.json (%d documents, %d tokens).' % (info['offsets'], info['documents'], info['tokens']))

    @property
    def total(self):
        return int(self.offsets[-1])

    @property
    def lengths(self):
        return np.diff(self.offsets)

    def take(self, idx):
        """Tokens at global positions idx (int64 array, any shape) as int64."""
        idx = np.asarray(idx, dtype=np.int64)
        out = np.empty(idx.shape, dtype=np.int64)
        which = np.searchsorted(self.shard_starts, idx, side='right') - 1
        for s, arr in enumerate(self.shards):
            sel = which == s
            if sel.any():
                out[sel] = arr[idx[sel] - self.shard_starts[s]]
        return out


class Batch:
    """Global batch rows: tokens, targets (IGNORE_INDEX where none), key mask (BERT) as (B, T) int64 arrays."""

    def __init__(self, tokens, targets, key_mask=None):
        self.tokens, self.targets, self.key_mask = tokens, targets, key_mask

    @property
    def B(self):
        return self.tokens.shape[0]

    def rows(self, start, stop):
        km = None if self.key_mask is None else self.key_mask[start:stop]
        return Batch(self.tokens[start:stop], self.targets[start:stop], km)


class GptBatches:
    """Documents joined into one stream (with [EOS] after each when the tokenizer has one); each row a random
    window of T + 1 tokens: tokens = the first T, targets = the last T."""

    def __init__(self, split, T, specials, name):
        self.split, self.T, self.eos = split, T, specials.get('eos')
        lengths = split.lengths
        self.total = split.total + (len(lengths) if self.eos is not None else 0)
        if self.total < T + 1:
            raise ValueError('The %s split has %d tokens, fewer than context length + 1 = %d; use a shorter context or more text.'
                             % (name, self.total, T + 1))
        # with [EOS]: document d starts at stream position offsets[d] + d and its [EOS] follows its last token
        self.stream_starts = split.offsets[:-1] + np.arange(len(lengths), dtype=np.int64)
        self.doc_lengths = lengths

    def _stream(self, pos):
        if self.eos is None:
            return self.split.take(pos)
        d = np.searchsorted(self.stream_starts, pos, side='right') - 1
        within = pos - self.stream_starts[d]
        is_eos = within >= self.doc_lengths[d]
        src = np.where(is_eos, 0, self.split.offsets[d] + within)
        return np.where(is_eos, self.eos, self.split.take(src))

    def next(self, rng, B):
        T = self.T
        starts = np.asarray([rng.int(self.total - T) for _ in range(B)], dtype=np.int64)
        window = self._stream(starts[:, None] + np.arange(T + 1, dtype=np.int64)[None, :])
        return Batch(window[:, :T].copy(), window[:, 1:].copy())


class BertBatches:
    """Each row: [CLS]? + a window of one document (chosen in proportion to its length), padded to T with [PAD]
    (key mask 0), then masked: 15% of real, non-special tokens; of those 80% [MASK], 10% a random token, 10% kept."""

    def __init__(self, split, T, vocab_size, specials, mask_probability, name):
        if specials.get('mask') is None:
            raise ValueError('BERT training needs a [MASK] token id, but the tokenizer has none; choose a tokenizer with [MASK].')
        self.split, self.T, self.V, self.p = split, T, vocab_size, mask_probability
        self.cls, self.pad, self.mask_id = specials.get('cls'), specials.get('pad'), specials['mask']
        lengths = split.lengths
        self.docs = np.nonzero(lengths > 0)[0]
        self.doc_lengths = lengths[self.docs]
        self.total = int(self.doc_lengths.sum())
        if self.total == 0:
            raise ValueError('The %s split has no tokens; import more text or change the split.' % name)
        self.W = T - 1 if self.cls is not None else T
        if self.pad is None and (self.doc_lengths < self.W).any():
            raise ValueError('A %s document is shorter than the %d-token window and the tokenizer has no [PAD] token.' % (name, self.W))
        self.cumulative = np.cumsum(self.doc_lengths.astype(np.float64))
        ids = [specials.get('cls'), specials.get('pad'), specials.get('eos')] + list(specials.get('others') or [])
        self.special = set(i for i in ids if i is not None)
        self.special.add(self.mask_id)

    def next(self, rng, B):
        T, W = self.T, self.W
        tokens = np.zeros((B, T), dtype=np.int64)
        key_mask = np.zeros((B, T), dtype=np.int64)
        for b in range(B):
            d = int(np.searchsorted(self.cumulative, rng.int(self.total), side='right'))
            length = int(self.doc_lengths[d])
            start = rng.int(length - W + 1) if length > W else 0
            n = min(W, length - start)
            piece = self.split.take(self.split.offsets[self.docs[d]] + start + np.arange(n, dtype=np.int64))
            at = 0
            if self.cls is not None:
                tokens[b, 0] = self.cls
                at = 1
            tokens[b, at:at + n] = piece
            key_mask[b, :at + n] = 1
            if at + n < T:
                tokens[b, at + n:] = self.pad
        inputs, targets = mask_tokens(tokens.reshape(-1), key_mask.reshape(-1), rng, self.mask_id, self.V, self.special, self.p)
        return Batch(inputs.reshape(B, T), targets.reshape(B, T), key_mask)


def mask_tokens(tokens, key_mask, rng, mask_id, vocab_size, special, p):
    """The lab's maskTokens over the flat batch: the same eligible positions, in the same order, with the same draws.
    At least one eligible position is always chosen."""
    inputs = tokens.copy()
    targets = np.full(tokens.shape, IGNORE_INDEX, dtype=np.int64)
    flat = tokens.tolist()
    eligible = [i for i, t in enumerate(flat) if key_mask[i] != 0 and t not in special]
    out = inputs.tolist()

    def random_non_special():
        for _ in range(64):
            i = rng.int(vocab_size)
            if i not in special:
                return i
        return mask_id

    def corrupt(i):
        targets[i] = flat[i]
        r = rng.next()
        if r < 0.8:
            out[i] = mask_id
        elif r < 0.9:
            out[i] = random_non_special()

    chosen = 0
    for i in eligible:
        if rng.next() >= p:
            continue
        corrupt(i)
        chosen += 1
    if chosen == 0 and eligible:
        corrupt(eligible[rng.int(len(eligible))])
    return np.asarray(out, dtype=np.int64), targets


def batch_source(family, split, T, vocab_size, specials, mask_probability, name):
    if family == 'gpt':
        return GptBatches(split, T, specials, name)
    return BertBatches(split, T, vocab_size, specials, mask_probability, name)


def rank_rows(B, rank, world):
    """Rows [start, stop) of a global batch of B rows that rank `rank` of `world` computes: as even as possible."""
    base, extra = divmod(B, world)
    start = rank * base + min(rank, extra)
    return start, start + base + (1 if rank < extra else 0)
