// Every point of a chart's series packed for an HTML report: deltas and byte planes, deflated, base64 — about 3-4 bytes
// a point instead of ~40 as JSON text. The page inflates it only when asked (DecompressionStream, works offline).
import zlib from 'node:zlib';
import type { FullSeries } from './document';

/** What the page needs to unpack the blob: per series its label, key and point count, in blob order. */
export interface AttachedMeta {
  label: string;
  key: string;
  n: number;
  /** the first point's time in ms since the epoch (deltas follow); null when the series has no times */
  t0: number | null;
}

/**
 * Layout per series, little-endian: n int32 step deltas; n int32 time deltas in ms (absent when t0 is null; a point
 * without a time repeats the previous); then the n float32 values as 4 byte planes (all first bytes, then all
 * second bytes…), which deflate compresses far better than interleaved floats. Non-finite values are NaN.
 * Values keep float32 precision (about 7 significant digits); the CSV and JSON exports keep every digit.
 */
export function packFullData(series: readonly FullSeries[]): { meta: AttachedMeta[]; base64: string; points: number } {
  const parts: Buffer[] = [];
  const meta: AttachedMeta[] = [];
  let points = 0;
  for (const s of series) {
    const n = s.steps.length;
    points += n;
    const steps = Buffer.allocUnsafe(4 * n);
    let prev = 0;
    for (let i = 0; i < n; i += 1) {
      steps.writeInt32LE((s.steps[i] - prev) | 0, 4 * i);
      prev = s.steps[i];
    }
    parts.push(steps);
    let t0: number | null = null;
    for (let i = 0; i < n && t0 === null; i += 1) if (s.times[i] !== null) t0 = Math.round((s.times[i] as number) * 1000);
    if (t0 !== null) {
      const times = Buffer.allocUnsafe(4 * n);
      let last = t0;
      for (let i = 0; i < n; i += 1) {
        const t = s.times[i];
        const ms = t === null ? last : Math.round(t * 1000);
        times.writeInt32LE(Math.max(-(2 ** 31), Math.min(2 ** 31 - 1, ms - last)), 4 * i);
        last = ms;
      }
      parts.push(times);
    }
    const f = new Float32Array(n);
    for (let i = 0; i < n; i += 1) f[i] = s.values[i] ?? Number.NaN;
    const bytes = new Uint8Array(f.buffer);
    const planes = Buffer.allocUnsafe(4 * n);
    for (let b = 0; b < 4; b += 1) for (let i = 0; i < n; i += 1) planes[b * n + i] = bytes[4 * i + b];
    parts.push(planes);
    meta.push({ label: s.label, key: s.key, n, t0 });
  }
  const packed = zlib.deflateRawSync(Buffer.concat(parts), { level: 6 });
  return { meta, base64: packed.toString('base64'), points };
}

/** The page-side unpacker (plain ES2020, inlined into the HTML): base64 → inflate → rows of the long CSV. */
export const UNPACK_SCRIPT = String.raw`
async function labUnpack(meta, base64) {
  const bin = atob(base64);
  const raw = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) raw[i] = bin.charCodeAt(i);
  const stream = new Blob([raw]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  const buf = new Uint8Array(await new Response(stream).arrayBuffer());
  const view = new DataView(buf.buffer);
  let off = 0;
  const out = [];
  for (const m of meta) {
    const n = m.n;
    const steps = new Array(n);
    let s = 0;
    for (let i = 0; i < n; i++) { s += view.getInt32(off + 4 * i, true); steps[i] = s; }
    off += 4 * n;
    const times = new Array(n).fill(null);
    if (m.t0 !== null) {
      let t = m.t0;
      for (let i = 0; i < n; i++) { t += view.getInt32(off + 4 * i, true); times[i] = t / 1000; }
      off += 4 * n;
    }
    const bytes = new Uint8Array(4 * n);
    for (let b = 0; b < 4; b++) for (let i = 0; i < n; i++) bytes[4 * i + b] = buf[off + b * n + i];
    off += 4 * n;
    const values = Array.from(new Float32Array(bytes.buffer));
    out.push({ label: m.label, key: m.key, steps, times, values });
  }
  return out;
}`;
