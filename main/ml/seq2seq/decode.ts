// Decoding for every seq2seq model through its IncrementalDecoder: greedy (the most likely token at each step), beam
// search (the K best partial outputs kept per source, finished ones ranked by log-probability / length^alpha), and
// the mixed decoder inputs of teacher forcing with a ratio below 1 (scheduled sampling, Bengio et al. 2015).
import { LabError } from '../../../common/errors';
import type { PairBatch } from './batch';
import type { Seq2seqModel, StepDetail } from './model';
import { BOS, EOS, PAD } from './vocab';

export interface DecodeOptions {
  /** 1 = greedy (default) */
  beam?: number;
  /** the most tokens to emit, [EOS] included */
  maxLength: number;
  /** beam search ranks finished outputs by logp / length^alpha (default 1: mean log-probability per token) */
  lengthPenalty?: number;
  /** keep each emitted token's attention over the source (for the alignment view) */
  keepAttention?: boolean;
}

export interface Decoded {
  /** output ids without [EOS] */
  ids: number[];
  /** sum of the tokens' log-probabilities ([EOS] included when emitted) */
  logProb: number;
  /** per emitted token, its attention over the source positions (S), when asked and the model attends */
  attention: Float32Array[] | null;
}

/** Refuses a beam the target vocabulary cannot fill. */
export function checkBeam(beam: number, vocab: number): void {
  if (!Number.isInteger(beam) || beam < 1) {
    throw new LabError('invalid_input', `The beam size is ${beam}, but it must be a whole number of at least 1 (1 decodes greedily).`, { field: 'beam' });
  }
  if (beam > vocab) {
    throw new LabError('invalid_input', `The beam size ${beam} is larger than the target vocabulary (${vocab} tokens), so some beams could never be filled; choose at most ${vocab}.`, { field: 'beam' });
  }
}

function argmax(row: Float32Array, offset: number, V: number): number {
  let best = 0;
  for (let j = 1; j < V; j++) if (row[offset + j] > row[offset + best]) best = j;
  return best;
}

/** Greedy decoding of every source in the batch. */
export function greedyDecode(model: Seq2seqModel, batch: PairBatch, opts: DecodeOptions): Decoded[] {
  const V = model.config.tgtVocab;
  const dec = model.decoder(batch, 1);
  const out: Decoded[] = Array.from({ length: batch.B }, () => ({ ids: [], logProb: 0, attention: opts.keepAttention ? [] : null }));
  const done = new Uint8Array(batch.B);
  const tokens = new Int32Array(batch.B).fill(BOS);
  let attends = false;
  for (let t = 0; t < opts.maxLength && done.some((d) => d === 0); t++) {
    const logp = dec.step(tokens);
    const att = opts.keepAttention ? dec.attention() : null;
    attends = att !== null;
    for (let b = 0; b < batch.B; b++) {
      if (done[b]) {
        tokens[b] = PAD;
        continue;
      }
      const id = argmax(logp, b * V, V);
      out[b].logProb += logp[b * V + id];
      if (att) out[b].attention?.push(att.slice(b * batch.S, (b + 1) * batch.S));
      if (id === EOS) done[b] = 1;
      else out[b].ids.push(id);
      tokens[b] = id;
    }
  }
  if (!attends) for (const d of out) d.attention = null;
  return out;
}

interface Hypothesis {
  ids: number[];
  logProb: number;
  attention: Float32Array[];
}

/** Beam search with `opts.beam` beams per source; returns the best finished output of each (or the best unfinished one
 *  when none ended within maxLength). */
export function beamDecode(model: Seq2seqModel, batch: PairBatch, opts: DecodeOptions): Decoded[] {
  const K = opts.beam ?? 1;
  const V = model.config.tgtVocab;
  checkBeam(K, V);
  const alpha = opts.lengthPenalty ?? 1;
  const rank = (h: Hypothesis, len: number): number => h.logProb / Math.pow(Math.max(1, len), alpha);
  const dec = model.decoder(batch, K);
  const rows = batch.B * K;
  // row b*K + i holds beam i of source b; at the start only beam 0 is alive, so the first step does not pick K copies
  let beams: Hypothesis[] = Array.from({ length: rows }, (_, r) => ({ ids: [], logProb: r % K === 0 ? 0 : -Infinity, attention: [] }));
  const finished: Hypothesis[][] = Array.from({ length: batch.B }, () => []);
  const tokens = new Int32Array(rows).fill(BOS);
  for (let t = 0; t < opts.maxLength; t++) {
    const logp = dec.step(tokens);
    const att = opts.keepAttention ? dec.attention() : null;
    const from = new Int32Array(rows);
    const next: Hypothesis[] = new Array<Hypothesis>(rows);
    for (let b = 0; b < batch.B; b++) {
      const cands: { row: number; id: number; score: number }[] = [];
      for (let i = 0; i < K; i++) {
        const r = b * K + i;
        if (beams[r].logProb === -Infinity) continue;
        for (let id = 0; id < V; id++) cands.push({ row: r, id, score: beams[r].logProb + logp[r * V + id] });
      }
      cands.sort((x, y) => y.score - x.score || x.row - y.row || x.id - y.id);
      let kept = 0;
      for (const c of cands) {
        if (kept === K) break;
        const h = beams[c.row];
        const attention = att ? [...h.attention, att.slice(c.row * batch.S, (c.row + 1) * batch.S)] : h.attention;
        if (c.id === EOS) {
          if (finished[b].length < K) finished[b].push({ ids: h.ids, logProb: c.score, attention });
          continue;
        }
        const r = b * K + kept;
        next[r] = { ids: [...h.ids, c.id], logProb: c.score, attention };
        from[r] = c.row;
        tokens[r] = c.id;
        kept++;
      }
      for (; kept < K; kept++) {
        const r = b * K + kept;
        next[r] = { ids: [], logProb: -Infinity, attention: [] };
        from[r] = b * K;
        tokens[r] = PAD;
      }
    }
    beams = next;
    dec.reorder(from);
    // a source is settled when K outputs finished, or when its best finished output ranks above every live beam at
    // that beam's current length (early stopping: a longer continuation only adds negative log-probabilities)
    const settled = finished.every((f, b) => {
      if (f.length >= K) return true;
      if (f.length === 0) return false;
      const best = Math.max(...f.map((h) => rank(h, h.ids.length + 1)));
      return beams.slice(b * K, (b + 1) * K).every((h) => h.logProb === -Infinity || rank(h, h.ids.length + 1) <= best);
    });
    if (settled) break;
  }
  return finished.map((f, b) => {
    const pool = f.length > 0 ? f.map((h) => ({ h, s: rank(h, h.ids.length + 1) }))
      : beams.slice(b * K, (b + 1) * K).filter((h) => h.logProb > -Infinity).map((h) => ({ h, s: rank(h, h.ids.length) }));
    pool.sort((x, y) => y.s - x.s);
    const best = pool[0].h;
    return { ids: best.ids, logProb: best.logProb, attention: opts.keepAttention && best.attention.length > 0 ? best.attention : null };
  });
}

/** Greedy when opts.beam is 1 (or absent), beam search otherwise. */
export function decode(model: Seq2seqModel, batch: PairBatch, opts: DecodeOptions): Decoded[] {
  const beam = opts.beam ?? 1;
  checkBeam(beam, model.config.tgtVocab);
  return beam === 1 ? greedyDecode(model, batch, opts) : beamDecode(model, batch, opts);
}

/** The decoder inputs of one training batch under teacher forcing with `ratio` < 1: position t+1 gets the gold token
 *  with probability `ratio` (per row and position), else the model's own greedy prediction at t, which itself was
 *  made from the mixed prefix. No gradient flows through the choice, so the teacher-forced pass over these inputs
 *  gives exactly the gradients of a step-by-step pass. */
export function mixedDecoderInputs(model: Seq2seqModel, batch: PairBatch, ratio: number, rand: () => number): Int32Array {
  const mixed = batch.tgtIn.slice();
  if (ratio >= 1 || batch.tgtOut === null) return mixed;
  const { B, T } = batch;
  const V = model.config.tgtVocab;
  const dec = model.decoder(batch, 1);
  const tokens = new Int32Array(B).fill(BOS);
  for (let t = 0; t + 1 < T; t++) {
    const logp = dec.step(tokens);
    for (let b = 0; b < B; b++) {
      if (batch.tgtIn[b * T + t + 1] === PAD) {
        tokens[b] = PAD;
        continue;
      }
      const own = argmax(logp, b * V, V);
      mixed[b * T + t + 1] = rand() < ratio ? batch.tgtIn[b * T + t + 1] : own;
      tokens[b] = mixed[b * T + t + 1];
    }
  }
  return mixed;
}

/** The step-by-step numbers of decoding source 0 greedily: per emitted token, its scores, weights and context
 *  (RNN attention models), for the decoder view. */
export function decodeSteps(model: Seq2seqModel, batch: PairBatch, maxLength: number): { ids: number[]; steps: StepDetail[] } {
  const V = model.config.tgtVocab;
  const one: PairBatch = { B: 1, S: batch.S, T: 1, src: batch.src.subarray(0, batch.S), srcLen: batch.srcLen.subarray(0, 1), tgtIn: new Int32Array(1), tgtOut: null };
  const dec = model.decoder(one, 1);
  const tokens = Int32Array.of(BOS);
  const ids: number[] = [];
  const steps: StepDetail[] = [];
  for (let t = 0; t < maxLength; t++) {
    const logp = dec.step(tokens);
    const d = dec.detail(0);
    if (d) steps.push({ scores: d.scores.slice(), weights: d.weights.slice(), context: d.context.slice() });
    const id = argmax(logp, 0, V);
    ids.push(id);
    if (id === EOS) break;
    tokens[0] = id;
  }
  return { ids, steps };
}
