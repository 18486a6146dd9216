// The few protobuf messages an event file needs, encoded and decoded by hand on the wire format (field numbers from
// TensorBoard's event.proto / summary.proto / tensor.proto): Event{wall_time=1 double, step=2 int64, file_version=3,
// summary=5}, Summary{value=1 repeated}, Summary.Value{tag=1, simple_value=2 float, metadata=9, tensor=8},
// SummaryMetadata{plugin_data=1{plugin_name=1, content=2}, data_class=4}, TensorProto{dtype=1, tensor_shape=2,
// tensor_content=4, float_val=5, double_val=6, int_val=7, int64_val=10, half_val=13}.

// ---------- writing ----------

class Writer {
  private parts: Uint8Array[] = [];
  private size = 0;

  private push(b: Uint8Array): void {
    this.parts.push(b);
    this.size += b.length;
  }

  varint(v: number | bigint): void {
    let n = BigInt.asUintN(64, BigInt(v));
    const out: number[] = [];
    while (n >= 0x80n) {
      out.push(Number(n & 0x7fn) | 0x80);
      n >>= 7n;
    }
    out.push(Number(n));
    this.push(Uint8Array.from(out));
  }

  tag(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }

  double(field: number, v: number): void {
    this.tag(field, 1);
    const b = Buffer.allocUnsafe(8);
    b.writeDoubleLE(v, 0);
    this.push(b);
  }

  float(field: number, v: number): void {
    this.tag(field, 5);
    const b = Buffer.allocUnsafe(4);
    b.writeFloatLE(v, 0);
    this.push(b);
  }

  bytes(field: number, v: Uint8Array): void {
    this.tag(field, 2);
    this.varint(v.length);
    this.push(v);
  }

  string(field: number, v: string): void {
    this.bytes(field, Buffer.from(v, 'utf8'));
  }

  finish(): Buffer {
    return Buffer.concat(this.parts, this.size);
  }
}

/** The first record of every event file: Event{wall_time, file_version: "brain.Event:2"}. */
export function encodeFileVersionEvent(wallTime: number): Buffer {
  const w = new Writer();
  w.double(1, wallTime);
  w.string(3, 'brain.Event:2');
  return w.finish();
}

/** SummaryMetadata telling TensorBoard a tag belongs to its scalars plugin (written once per tag, as TF writers do). */
function scalarMetadata(): Buffer {
  const plugin = new Writer();
  plugin.string(1, 'scalars');
  const meta = new Writer();
  meta.bytes(1, plugin.finish());
  return meta.finish();
}

/**
 * Event{wall_time, step, summary{value{tag, simple_value}}}: the scalar form PyTorch's SummaryWriter writes and every
 * TensorBoard version reads. withMetadata adds the scalars-plugin metadata (first point of a tag).
 */
export function encodeScalarEvent(tag: string, step: number, value: number, wallTime: number, withMetadata = false): Buffer {
  const v = new Writer();
  v.string(1, tag);
  if (withMetadata) v.bytes(9, scalarMetadata());
  v.float(2, value);
  const summary = new Writer();
  summary.bytes(1, v.finish());
  const e = new Writer();
  e.double(1, wallTime);
  if (step !== 0) {
    // int64 step; proto3 leaves the default 0 out
    e.tag(2, 0);
    e.varint(step);
  }
  e.bytes(5, summary.finish());
  return e.finish();
}

// ---------- reading ----------

class Reader {
  pos: number;

  constructor(readonly buf: Buffer, readonly start = 0, readonly end = buf.length) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.end) throw new Error('a varint runs past the end of its message');
      const b = this.buf[this.pos++];
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
      if (shift > 70n) throw new Error('a varint is longer than 10 bytes');
    }
  }

  /** [field, wire type] of the next field. */
  key(): [number, number] {
    const k = Number(this.varint());
    return [k >>> 3, k & 7];
  }

  /** A length-delimited field's bounds, advancing past it. */
  delimited(): [number, number] {
    const n = Number(this.varint());
    const s = this.pos;
    if (s + n > this.end) throw new Error(`a field of ${n} bytes runs past the end of its message`);
    this.pos = s + n;
    return [s, s + n];
  }

  fixed64(): number {
    if (this.pos + 8 > this.end) throw new Error('a 64-bit field runs past the end of its message');
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  fixed32Float(): number {
    if (this.pos + 4 > this.end) throw new Error('a 32-bit field runs past the end of its message');
    const v = this.buf.readFloatLE(this.pos);
    this.pos += 4;
    return v;
  }

  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.delimited();
    else if (wire === 5) this.pos += 4;
    else throw new Error(`unsupported wire type ${wire}`);
    if (this.pos > this.end) throw new Error('a field runs past the end of its message');
  }
}

/** One scalar found in an event: its tag and value; plugin is the metadata's plugin name when the value carried one. */
export interface DecodedScalar {
  tag: string;
  value: number;
  plugin: string | null;
}

export interface DecodedEvent {
  wallTime: number;
  step: number;
  fileVersion: string | null;
  scalars: DecodedScalar[];
  /** summary values that are not scalars (images, histograms, text, non-scalar tensors) */
  otherValues: number;
}

const DT_FLOAT = 1;
const DT_DOUBLE = 2;
const DT_INT32 = 3;
const DT_INT64 = 9;
const DT_HALF = 19;

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? Number.NaN : s * Number.POSITIVE_INFINITY;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/** A rank-0 (or one-element) numeric tensor's value, or null when the tensor is anything else. */
function tensorScalar(r: Reader): number | null {
  let dtype = 0;
  let rank = 0;
  let elements = 1;
  let content: [number, number] | null = null;
  const vals: number[] = [];
  while (!r.done) {
    const [field, wire] = r.key();
    if (field === 1 && wire === 0) dtype = Number(r.varint());
    else if (field === 2 && wire === 2) {
      const [s, e] = r.delimited();
      const shape = new Reader(r.buf, s, e);
      while (!shape.done) {
        const [f, w] = shape.key();
        if (f === 2 && w === 2) {
          rank += 1;
          const [ds, de] = shape.delimited();
          const dim = new Reader(r.buf, ds, de);
          while (!dim.done) {
            const [df, dw] = dim.key();
            if (df === 1 && dw === 0) elements *= Number(dim.varint());
            else dim.skip(dw);
          }
        } else shape.skip(w);
      }
    } else if (field === 4 && wire === 2) content = r.delimited();
    else if ((field === 5 || field === 6) && (wire === 2 || wire === 5 || wire === 1)) {
      // packed (wire 2) or, from old writers, one unpacked value
      const width = field === 5 ? 4 : 8;
      const [s, e] = wire === 2 ? r.delimited() : [r.pos, (r.pos += width)];
      for (let p = s; p + width <= e; p += width) vals.push(width === 4 ? r.buf.readFloatLE(p) : r.buf.readDoubleLE(p));
    } else if ((field === 7 || field === 10 || field === 13) && (wire === 2 || wire === 0)) {
      const ints: bigint[] = [];
      if (wire === 2) {
        const [s, e] = r.delimited();
        const sub = new Reader(r.buf, s, e);
        while (!sub.done) ints.push(sub.varint());
      } else ints.push(r.varint());
      for (const i of ints) vals.push(field === 13 ? halfToFloat(Number(i & 0xffffn)) : Number(BigInt.asIntN(64, i)));
    } else r.skip(wire);
  }
  if (rank > 1 || elements !== 1) return null;
  if (content !== null) {
    const [s, e] = content;
    const n = e - s;
    if (dtype === DT_FLOAT && n === 4) return r.buf.readFloatLE(s);
    if (dtype === DT_DOUBLE && n === 8) return r.buf.readDoubleLE(s);
    if (dtype === DT_INT32 && n === 4) return r.buf.readInt32LE(s);
    if (dtype === DT_INT64 && n === 8) return Number(r.buf.readBigInt64LE(s));
    if (dtype === DT_HALF && n === 2) return halfToFloat(r.buf.readUInt16LE(s));
    return null;
  }
  if (![DT_FLOAT, DT_DOUBLE, DT_INT32, DT_INT64, DT_HALF].includes(dtype)) return null;
  return vals.length === 1 ? vals[0] : null;
}

function pluginName(r: Reader): string | null {
  let name: string | null = null;
  while (!r.done) {
    const [field, wire] = r.key();
    if (field === 1 && wire === 2) {
      const [s, e] = r.delimited();
      const pd = new Reader(r.buf, s, e);
      while (!pd.done) {
        const [f, w] = pd.key();
        if (f === 1 && w === 2) {
          const [ns, ne] = pd.delimited();
          name = r.buf.toString('utf8', ns, ne);
        } else pd.skip(w);
      }
    } else r.skip(wire);
  }
  return name;
}

/** Decodes one event record's payload; throws a plain Error (with the reason) when the bytes are not an Event. */
export function decodeEvent(payload: Buffer): DecodedEvent {
  const r = new Reader(payload);
  const ev: DecodedEvent = { wallTime: 0, step: 0, fileVersion: null, scalars: [], otherValues: 0 };
  while (!r.done) {
    const [field, wire] = r.key();
    if (field === 1 && wire === 1) ev.wallTime = r.fixed64();
    else if (field === 2 && wire === 0) ev.step = Number(BigInt.asIntN(64, r.varint()));
    else if (field === 3 && wire === 2) {
      const [s, e] = r.delimited();
      ev.fileVersion = payload.toString('utf8', s, e);
    } else if (field === 5 && wire === 2) {
      const [s, e] = r.delimited();
      const summary = new Reader(payload, s, e);
      while (!summary.done) {
        const [f, w] = summary.key();
        if (f !== 1 || w !== 2) {
          summary.skip(w);
          continue;
        }
        const [vs, ve] = summary.delimited();
        const v = new Reader(payload, vs, ve);
        let tag = '';
        let value: number | null = null;
        let plugin: string | null = null;
        let other = false;
        while (!v.done) {
          const [vf, vw] = v.key();
          if (vf === 1 && vw === 2) {
            const [ts, te] = v.delimited();
            tag = payload.toString('utf8', ts, te);
          } else if (vf === 2 && vw === 5) value = v.fixed32Float();
          else if (vf === 9 && vw === 2) {
            const [ms, me] = v.delimited();
            plugin = pluginName(new Reader(payload, ms, me));
          } else if (vf === 8 && vw === 2) {
            const [ts, te] = v.delimited();
            const t = tensorScalar(new Reader(payload, ts, te));
            if (t === null) other = true;
            else value = t;
          } else if (vf >= 3 && vf <= 6) {
            other = true;
            v.skip(vw);
          } else v.skip(vw);
        }
        // the reader decides by the tag's first metadata whether a plugin-less tensor value is a scalar series
        if (value !== null && !other) ev.scalars.push({ tag, value, plugin });
        else ev.otherValues += 1;
      }
    } else r.skip(wire);
  }
  return ev;
}
