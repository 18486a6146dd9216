// GloVe training over a cooccurrence.bin file in bounded memory: the records are read in blocks of at most
// blockRecords; each epoch visits the blocks in a shuffled order and each block's records shuffled, drawn from
// (seed, epoch, block), so a resumed run sees the same order as an uninterrupted one. Calls of at most CALL_RECORDS
// records keep loss and pairs/s live and make stopping quick.
//
// Parameters (V words, D dims): w, wt (V, D) and b, bt (V) start uniform in [-0.5/D, 0.5/D) as the reference tool;
// AdaGrad sums gw, gwt, gb, gbt start at 1. Output vectors: W + W̃ (the reference tool's default, "model 2").
import { LabError } from '../../../../common/errors';
import type { EmbeddingKernels } from '../../../../native-kernels/embeddings';
import type { NamedTensor } from '../../checkpoint';
import { mixSeed, Rng } from '../../rng';
import type { GloveConfig } from '../config';
import { readRecords } from './cooccur';

export const CALL_RECORDS = 500_000;

export interface GloveProgress {
  epoch: number;
  /** position in this epoch's block order */
  block: number;
  /** next record inside that block (of its shuffled order) */
  record: number;
  /** records trained so far over all epochs */
  recordsDone: number;
}

export interface GloveStep {
  /** mean of f d^2 over this call's records, each before its step */
  loss: number;
  records: number;
  seconds: number;
  epoch: number;
  fraction: number;
}

interface Block {
  rows: Int32Array;
  cols: Int32Array;
  vals: Float32Array;
}

export class GloveTrainer {
  readonly V: number;
  readonly D: number;
  readonly w: Float32Array;
  readonly wt: Float32Array;
  readonly b: Float32Array;
  readonly bt: Float32Array;
  readonly gw: Float32Array;
  readonly gwt: Float32Array;
  readonly gb: Float32Array;
  readonly gbt: Float32Array;
  progress: GloveProgress = { epoch: 0, block: 0, record: 0, recordsDone: 0 };
  private current: { key: string; block: Block } | null = null;

  constructor(private readonly k: EmbeddingKernels, readonly config: GloveConfig, V: number,
    private readonly file: string, readonly records: number, private readonly blockRecords: number,
    private readonly callRecords = CALL_RECORDS) {
    this.V = V;
    this.D = config.dim;
    const n = V * this.D;
    const rng = new Rng(config.seed);
    const init = (len: number): Float32Array => {
      const a = new Float32Array(len);
      for (let i = 0; i < len; i++) a[i] = (rng.next() - 0.5) / this.D;
      return a;
    };
    this.w = init(n);
    this.wt = init(n);
    this.b = init(V);
    this.bt = init(V);
    this.gw = new Float32Array(n).fill(1);
    this.gwt = new Float32Array(n).fill(1);
    this.gb = new Float32Array(V).fill(1);
    this.gbt = new Float32Array(V).fill(1);
  }

  get blocks(): number {
    return Math.max(1, Math.ceil(this.records / this.blockRecords));
  }

  get finished(): boolean {
    return this.progress.epoch >= this.config.epochs;
  }

  /** The order in which epoch e visits the blocks. */
  private blockOrder(epoch: number): number[] {
    const order = Array.from({ length: this.blocks }, (_, i) => i);
    shuffle(new Rng(mixSeed(this.config.seed, epoch, 0x6c6f)), order.length, (a, c) => {
      [order[a], order[c]] = [order[c], order[a]];
    });
    return order;
  }

  /** Block `index` read from the file and shuffled for this epoch (cached while the same). */
  private block(epoch: number, index: number): Block {
    const key = `${epoch}:${index}`;
    if (this.current?.key === key) return this.current.block;
    const from = index * this.blockRecords;
    const blk = readRecords(this.file, from, Math.min(this.blockRecords, this.records - from));
    const { rows, cols, vals } = blk;
    shuffle(new Rng(mixSeed(this.config.seed, epoch, index + 1)), rows.length, (a, c) => {
      let t = rows[a]; rows[a] = rows[c]; rows[c] = t;
      t = cols[a]; cols[a] = cols[c]; cols[c] = t;
      const v = vals[a]; vals[a] = vals[c]; vals[c] = v;
    });
    this.current = { key, block: blk };
    return blk;
  }

  step(): GloveStep | null {
    if (this.finished) return null;
    const p = this.progress;
    const blockIndex = this.blockOrder(p.epoch)[p.block];
    const blk = this.block(p.epoch, blockIndex);
    const n = Math.min(this.callRecords, blk.rows.length - p.record);
    const started = performance.now();
    const cost = this.k.gloveTrain({
      w: this.w, wt: this.wt, b: this.b, bt: this.bt, gw: this.gw, gwt: this.gwt, gb: this.gb, gbt: this.gbt,
      rows: blk.rows.subarray(p.record), cols: blk.cols.subarray(p.record), vals: blk.vals.subarray(p.record),
    }, this.options(n));
    const seconds = (performance.now() - started) / 1000;
    const epoch = p.epoch;
    p.record += n;
    p.recordsDone += n;
    if (p.record >= blk.rows.length) {
      p.record = 0;
      p.block++;
      if (p.block >= this.blocks) {
        p.block = 0;
        p.epoch++;
      }
    }
    return { loss: n > 0 ? cost / n : 0, records: n, seconds, epoch, fraction: Math.min(1, p.recordsDone / (this.records * this.config.epochs)) };
  }

  private options(n: number): Parameters<EmbeddingKernels['gloveTrain']>[1] {
    const c = this.config;
    return { V: this.V, D: this.D, xMax: c.xMax, alpha: c.alpha, eta: c.eta, gradClip: c.gradClip, n, parts: c.threads };
  }

  /** J = sum f d^2 over every record at the current parameters (reads the file block by block). */
  objective(): number {
    let total = 0;
    for (let from = 0; from < this.records; from += this.blockRecords) {
      const blk = readRecords(this.file, from, Math.min(this.blockRecords, this.records - from));
      total += this.k.gloveCost({ w: this.w, wt: this.wt, b: this.b, bt: this.bt, gw: null, gwt: null, gb: null, gbt: null, ...blk },
        this.options(blk.rows.length));
    }
    return total;
  }

  /** The tensors a checkpoint must keep to resume (progress travels beside them). */
  stateTensors(): NamedTensor[] {
    const { V, D } = this;
    return [
      { name: 'w', shape: [V, D], data: this.w }, { name: 'w_tilde', shape: [V, D], data: this.wt },
      { name: 'b', shape: [V], data: this.b }, { name: 'b_tilde', shape: [V], data: this.bt },
      { name: 'adagrad_w', shape: [V, D], data: this.gw }, { name: 'adagrad_w_tilde', shape: [V, D], data: this.gwt },
      { name: 'adagrad_b', shape: [V], data: this.gb }, { name: 'adagrad_b_tilde', shape: [V], data: this.gbt },
    ];
  }

  restore(tensors: ReadonlyMap<string, NamedTensor>, progress: GloveProgress): void {
    for (const t of this.stateTensors()) {
      const saved = tensors.get(t.name);
      if (saved === undefined || saved.data.length !== t.data.length) {
        throw new LabError('bad_file', `The checkpoint lacks tensor "${t.name}" of shape [${t.shape.join(', ')}] (it was saved with other settings or another vocabulary); start the run again.`, { field: t.name });
      }
      t.data.set(saved.data);
    }
    this.progress = { ...progress };
    this.current = null;
  }

  /** W + W̃, the vectors users see. */
  wordVectors(): Float32Array {
    const out = new Float32Array(this.w.length);
    for (let i = 0; i < out.length; i++) out[i] = this.w[i] + this.wt[i];
    return out;
  }
}

/** Fisher-Yates with the given swap. */
function shuffle(rng: Rng, n: number, swap: (a: number, b: number) => void): void {
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    if (j !== i) swap(i, j);
  }
}
