// tfevents: CRC-32C check value, golden event files written by Python's protobuf runtime, bad records, and our writer
// decoded by protobufjs against TensorBoard's message definitions, then round-tripped through the reader.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import protobuf from 'protobufjs';
import { afterAll, describe, expect, it } from 'vitest';
import { crc32c, maskedCrc32c } from '../../../main/reports/tfevents/crc32c';
import { readEventFile, readEventRuns } from '../../../main/reports/tfevents/reader';
import { EventFileWriter } from '../../../main/reports/tfevents/writer';

const fixtures = path.resolve(__dirname, '../../fixtures/tensorboard');
const golden = JSON.parse(fs.readFileSync(path.join(fixtures, 'golden.json'), 'utf8')) as {
  records: number;
  bad_record: number;
  scalars: Record<string, [number, number, number][]>;
};
const fileName = 'events.out.tfevents.1700000000.golden';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-tfevents-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** CRC-32C bit by bit, independent of the table-driven one under test. */
function slowCrc(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

describe('CRC-32C', () => {
  it('gives the standard check value for "123456789"', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
  });
  it('matches a bit-by-bit implementation on random bytes, and masks as TFRecord does', () => {
    const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 7919 + 13) & 0xff));
    expect(crc32c(bytes)).toBe(slowCrc(bytes));
    const c = slowCrc(bytes);
    expect(maskedCrc32c(bytes)).toBe(((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0);
  });
});

describe('reading event files', () => {
  it('finds every scalar of the golden file (simple_value, rank-0 float and double tensors) and ignores text and histograms', () => {
    const r = readEventFile(path.join(fixtures, 'golden', fileName));
    expect(r.problems).toEqual([]);
    expect(r.records).toBe(golden.records);
    expect(r.ignoredValues).toBe(2);
    const byKey = Object.fromEntries(r.scalars.map((s) => [s.key, s]));
    expect(Object.keys(byKey).sort()).toEqual(Object.keys(golden.scalars).sort());
    for (const [key, points] of Object.entries(golden.scalars)) {
      expect(byKey[key].steps).toEqual(points.map((p) => p[0]));
      expect(byKey[key].values).toEqual(points.map((p) => p[1]));
      expect(byKey[key].times).toEqual(points.map((p) => p[2]));
    }
  });

  it('skips a record whose data fails its CRC, names it, and keeps the rest', () => {
    const r = readEventFile(path.join(fixtures, 'golden-badcrc', fileName));
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0].where).toMatch(new RegExp(`^record ${golden.bad_record} \\(byte \\d+\\)$`));
    expect(r.problems[0].message).toContain('CRC-32C');
    expect(r.records).toBe(golden.records - 1);
    const acc = r.scalars.find((s) => s.key === 'val/accuracy');
    expect(acc?.steps).toEqual(golden.scalars['val/accuracy'].slice(1).map((p) => p[0]));
    expect(r.scalars.find((s) => s.key === 'train/loss')?.steps).toHaveLength(golden.scalars['train/loss'].length);
  });

  it('keeps every whole record of a truncated file and says where it was cut', () => {
    const r = readEventFile(path.join(fixtures, 'golden-truncated', fileName));
    expect(r.records).toBe(golden.records - 1);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0].where).toMatch(new RegExp(`^record ${golden.records} `));
    expect(r.problems[0].message).toContain('truncated');
  });

  it('makes one run per folder of event files and refuses a folder without any', () => {
    const dir = path.join(tmp, 'logs');
    for (const sub of ['a', 'b/c']) {
      fs.mkdirSync(path.join(dir, sub), { recursive: true });
      fs.copyFileSync(path.join(fixtures, 'golden', fileName), path.join(dir, sub, fileName));
    }
    const { runs } = readEventRuns(dir);
    expect(runs.map((r) => r.name)).toEqual(['a', 'b/c']);
    fs.mkdirSync(path.join(tmp, 'empty'));
    expect(() => readEventRuns(path.join(tmp, 'empty'))).toThrow(/No TensorBoard event files/);
  });
});

describe('writing event files', () => {
  const steps = Array.from({ length: 200 }, (_, i) => i * 3);
  const loss = steps.map((s) => 5 * Math.exp(-s / 300) + 0.123456789);
  const acc = steps.map((s) => (s === 30 ? null : s / 1000));

  function write(): string {
    const w = new EventFileWriter(path.join(tmp, 'run-1'), 1_700_000_000);
    steps.forEach((s, i) => {
      w.add('train/loss', s, loss[i], 1_700_000_000 + i);
      w.add('val/accuracy', s, acc[i], 1_700_000_000 + i);
    });
    w.close();
    return w.file;
  }

  it('frames records with correct masked CRCs that protobufjs decodes as TensorBoard Events', async () => {
    const file = write();
    expect(path.basename(file)).toMatch(/^events\.out\.tfevents\.1700000000\./);
    const root = await protobuf.load([path.join(fixtures, 'event.proto')]);
    const Event = root.lookupType('tensorboard.Event');
    const bytes = fs.readFileSync(file);
    const mask = (c: number): number => ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0;
    const events: Record<string, unknown>[] = [];
    for (let off = 0; off < bytes.length; ) {
      const len = Number(bytes.readBigUInt64LE(off));
      expect(bytes.readUInt32LE(off + 8)).toBe(mask(slowCrc(bytes.subarray(off, off + 8))));
      const payload = bytes.subarray(off + 12, off + 12 + len);
      expect(bytes.readUInt32LE(off + 12 + len)).toBe(mask(slowCrc(payload)));
      events.push(Event.toObject(Event.decode(payload), { longs: Number, defaults: true }) as Record<string, unknown>);
      off += 16 + len;
    }
    expect(events).toHaveLength(1 + 2 * steps.length);
    expect(events[0].fileVersion).toBe('brain.Event:2');
    const first = events[1] as { step: number; wallTime: number; summary: { value: { tag: string; simpleValue: number; metadata: { pluginData: { pluginName: string } } }[] } };
    expect(first.step).toBe(0);
    expect(first.wallTime).toBe(1_700_000_000);
    expect(first.summary.value[0].tag).toBe('train/loss');
    expect(first.summary.value[0].simpleValue).toBeCloseTo(loss[0], 5);
    expect(first.summary.value[0].metadata.pluginData.pluginName).toBe('scalars');
    const later = events[5] as typeof first;
    expect(later.step).toBe(steps[2]);
    expect(later.summary.value[0].simpleValue).toBe(Math.fround(loss[2]));
  });

  it('round-trips through the importer (float32 values, NaN for a non-finite point)', () => {
    fs.rmSync(path.join(tmp, 'run-1'), { recursive: true, force: true });
    write();
    const { runs, problems } = readEventRuns(path.join(tmp, 'run-1'));
    expect(problems).toEqual([]);
    expect(runs).toHaveLength(1);
    const byKey = Object.fromEntries(runs[0].series.map((s) => [s.key, s]));
    expect(byKey['train/loss'].steps).toEqual(steps);
    expect(byKey['train/loss'].values).toEqual(loss.map((v) => Math.fround(v)));
    expect(byKey['val/accuracy'].values).toEqual(acc.map((v) => (v === null ? null : Math.fround(v))));
    expect(byKey['train/loss'].times[3]).toBe(1_700_000_003);
  });
});
