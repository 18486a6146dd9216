// Data exports: long CSV and JSON streamed page by page (read back by csv-parse and JSON.parse), the run summary, and
// TensorBoard folders read back by the event-file reader.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { runSummaryCsv, writeJsonExport, writeLongCsv, writeTfEvents, type ExportRun, type Point, type PointSource } from '../../../main/reports/data-export';
import { StreamOut } from '../../../main/reports/output';
import { readEventRuns } from '../../../main/reports/tfevents/reader';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-data-export-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function run(id: number, name: string, extra: Partial<ExportRun> = {}): ExportRun {
  return {
    id, label: name, name, family: 'gpt', origin: 'local', status: 'completed', seed: id, datasetName: 'shakespeare', tokenizerName: 'bpe, 512',
    config: { model: { layers: 2, heads: 4 }, training: { batchSize: 8, lr: 0.0003 }, preset: 'tiny' }, tokensPerStep: 512, step: 25_000, tokensSeen: 0,
    createdAt: '2026-12-01T00:00:00.000Z', finishedAt: null, metrics: { 'train/loss': { last: 1.5, lastStep: 25_000, best: 1.4, bestStep: 24_000, count: 25_000 } }, ...extra,
  };
}

/** 25,000 points of train/loss per run (more than one page) and a short val/loss with a non-finite value. */
function source(): PointSource & { pages: number } {
  const data = new Map<string, Point[]>();
  for (const id of [1, 2]) {
    data.set(`${id}/train/loss`, Array.from({ length: 25_000 }, (_, i) => ({ step: i + 1, value: 1 / (i + 1) + id, time: 1_700_000_000.1234 + i })));
    data.set(`${id}/val/loss`, [{ step: 100, value: 3.25, time: 1_700_000_100 }, { step: 200, value: null, time: 1_700_000_200 }]);
  }
  const s = {
    pages: 0,
    keys: () => ['train/loss', 'val/loss'],
    page(runId: number, key: string, after: number | null, limit: number): Point[] {
      s.pages += 1;
      return (data.get(`${runId}/${key}`) ?? []).filter((p) => after === null || p.step > after).slice(0, limit);
    },
  };
  return s;
}

describe('long CSV and JSON', () => {
  const runs = [run(1, 'gpt "tiny", a'), run(2, 'bert', { tokensPerStep: null, origin: 'external' })];

  it('writes one row per point, read back by csv-parse with every digit', async () => {
    const file = path.join(tmp, 'all.csv');
    const out = new StreamOut(file);
    const src = source();
    expect(await writeLongCsv(out, runs, src)).toBe(50_004);
    await out.end();
    expect(src.pages).toBeGreaterThan(4);
    const rows = parse(fs.readFileSync(file), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(50_004);
    expect(rows[0]).toEqual({ run: 'gpt "tiny", a', key: 'train/loss', step: '1', tokens: '512', time: '1700000000.123', value: '2' });
    expect(Number(rows[2].value)).toBe(1 / 3 + 1);
    expect(rows[25_001]).toMatchObject({ key: 'val/loss', step: '200', value: 'NaN' });
    expect(rows[25_002]).toMatchObject({ run: 'bert', tokens: '' });
  });

  it('writes JSON that parses back to the same series', async () => {
    const file = path.join(tmp, 'all.json');
    const out = new StreamOut(file);
    expect(await writeJsonExport(out, runs, source(), { generator: 'test', exportedAt: 'now' })).toBe(50_004);
    await out.end();
    const json = JSON.parse(fs.readFileSync(file, 'utf8')) as { runs: { id: number; label: string; series: Record<string, { steps: number[]; values: (number | null)[]; times: number[] }> }[] };
    expect(json.runs.map((r) => r.id)).toEqual([1, 2]);
    expect(json.runs[0].series['train/loss'].steps).toHaveLength(25_000);
    expect(json.runs[0].series['train/loss'].values[2]).toBe(1 / 3 + 1);
    expect(json.runs[1].series['val/loss'].values).toEqual([3.25, null]);
  });

  it('summarises each run in one row with its config leaves and metric summaries', () => {
    const rows = parse(runSummaryCsv(runs), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ run_id: '1', run: 'gpt "tiny", a', tokenizer: 'bpe, 512', 'config.model.layers': '2', 'config.training.lr': '0.0003', 'train/loss best': '1.4', 'train/loss best_step': '24000' });
  });

  it('writes one TensorBoard folder per run that the importer reads back', () => {
    const folder = path.join(tmp, 'tb');
    expect(writeTfEvents(folder, runs, source())).toBe(50_004);
    expect(fs.readdirSync(folder).sort()).toEqual(['1-gpt_tiny_a', '2-bert']);
    const { runs: back, problems } = readEventRuns(folder);
    expect(problems).toEqual([]);
    const loss = back[0].series.find((s) => s.key === 'train/loss')!;
    expect(loss.steps).toHaveLength(25_000);
    expect(loss.values[2]).toBe(Math.fround(1 / 3 + 1));
    expect(back[1].series.find((s) => s.key === 'val/loss')!.values).toEqual([3.25, null]);
  });
});
