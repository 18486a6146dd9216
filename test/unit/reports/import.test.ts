// External-run readers: CSV (long, wide, TensorBoard's own CSV download), JSONL (nanoGPT-style and long), bad input.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readExternalRuns } from '../../../main/reports/import';
import { lttbIndices } from '../../../main/reports/lttb';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-import-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = path.join(tmp, name);
  fs.writeFileSync(p, text);
  return p;
}

describe('CSV logs', () => {
  it('reads the lab\'s own long CSV back into one run per run value', async () => {
    const p = file('export.csv', 'run,key,step,tokens,time,value\n' +
      'gpt-a,train/loss,1,512,1700000000.5,4.2\ngpt-a,train/loss,2,1024,1700000001,3.9\n' +
      'bert-b,val/loss,10,,1700000002,NaN\nbert-b,val/loss,20,,1700000003,2.5\n');
    const { runs, problems } = await readExternalRuns(p);
    expect(problems).toEqual([]);
    expect(runs.map((r) => r.name)).toEqual(['gpt-a', 'bert-b']);
    expect(runs[0].series).toEqual([{ key: 'train/loss', steps: [1, 2], values: [4.2, 3.9], times: [1700000000.5, 1700000001] }]);
    expect(runs[1].series[0].values).toEqual([null, 2.5]);
  });

  it('reads a wide CSV (one column per metric) and TensorBoard\'s "Wall time,Step,Value" download', async () => {
    const wide = await readExternalRuns(file('torch-log.csv', 'epoch_time,step,loss,val_loss\n,0,5.0,\n,100,3.0,3.2\n,200,2.5,2.9\n'));
    expect(wide.runs[0].name).toBe('torch-log');
    expect(wide.runs[0].series.map((s) => [s.key, s.steps])).toEqual([['loss', [0, 100, 200]], ['val_loss', [100, 200]]]);
    const tb = await readExternalRuns(file('run_gpt-tag-loss.csv', 'Wall time,Step,Value\n1700000000.1,0,4.5\n1700000001.2,10,3.5\n'));
    expect(tb.runs[0].series[0]).toMatchObject({ key: 'run_gpt-tag-loss', steps: [0, 10], values: [4.5, 3.5], times: [1700000000.1, 1700000001.2] });
  });

  it('skips and names rows with a bad step or value, keeping the rest', async () => {
    const { runs, problems } = await readExternalRuns(file('bad-rows.csv', 'step,value\n1,2.0\nten,3\n3,abc\n4,1.5\n'));
    expect(runs[0].series[0].steps).toEqual([1, 4]);
    expect(problems.map((p) => p.where)).toEqual(['line 3', 'line 4']);
    expect(problems[0].message).toContain('"ten"');
    expect(problems[1].message).toContain('"abc"');
  });

  it('refuses a CSV without a step column, naming the columns it found', async () => {
    await expect(readExternalRuns(file('nostep.csv', 'epoch,loss\n1,2\n'))).rejects.toThrow(/no step column.*"epoch", "loss"/);
    await expect(readExternalRuns(file('novalue.csv', 'step,run\n1,a\n'))).rejects.toThrow(/no value column and no metric columns; its columns are: "step", "run"/);
    await expect(readExternalRuns(file('empty.csv', ''))).rejects.toThrow(/is empty/);
  });
});

describe('JSONL logs', () => {
  it('reads nanoGPT-style lines (iter plus numeric fields, nested ones joined with /)', async () => {
    const p = file('train.jsonl', '{"iter": 0, "loss": 4.1, "lr": 0.0006, "eval": {"val_loss": 4.2}}\n{"iter": 5, "time": 1700000000.5, "loss": null}\n' +
      'not json\n{"iter": 10, "loss": 3.2, "lr": 0.0006, "note": "text is ignored"}\n{"loss": 1}\n');
    const { runs, problems } = await readExternalRuns(p);
    expect(runs[0].series.map((s) => s.key).sort()).toEqual(['eval/val_loss', 'loss', 'lr']);
    // a null is a diverged point (kept as a gap); "time" is the point's time, not a metric
    expect(runs[0].series.find((s) => s.key === 'loss')).toMatchObject({ steps: [0, 5, 10], values: [4.1, null, 3.2], times: [null, 1700000000.5, null] });
    expect(problems.map((q) => q.where)).toEqual(['line 3', 'line 5']);
    expect(problems[1].message).toContain('no step field');
  });

  it('names the fields it found when no line has a step', async () => {
    await expect(readExternalRuns(file('nosteps.jsonl', '{"epoch": 1, "loss": 2}\n'))).rejects.toThrow(/fields found are: "epoch", "loss"/);
  });
});

describe('LTTB', () => {
  it('keeps the ends, the spike and every gap, and at most the threshold of finite points', () => {
    const n = 10_000;
    const x = Array.from({ length: n }, (_, i) => i);
    const y: (number | null)[] = x.map((i) => Math.sin(i / 500));
    y[5_000] = 40;
    y[7_000] = null;
    const idx = lttbIndices(x, y, 500);
    expect(idx[0]).toBe(0);
    expect(idx[idx.length - 1]).toBe(n - 1);
    expect(idx).toContain(5_000);
    expect(idx).toContain(7_000);
    expect(idx.length).toBeLessThanOrEqual(501);
    expect([...idx].sort((a, b) => a - b)).toEqual(idx);
    expect(lttbIndices([1, 2, 3], [1, 2, 3], 500)).toEqual([0, 1, 2]);
  });
});

describe('thinning a built option', () => {
  it('thins a band\'s edges with the mean line\'s indices, so the stacked parts stay aligned, and counts main lines only', async () => {
    const { thinLineOption } = await import('../../../main/reports/thin');
    const x = Array.from({ length: 5000 }, (_, i) => i);
    const pairs = (f: (i: number) => number): [number, number][] => x.map((i) => [i, f(i)]);
    const option = { series: [
      { id: 'seeds-1:lower', data: pairs((i) => Math.sin(i / 300) - 0.1) },
      { id: 'seeds-1:band', data: pairs(() => 0.2) },
      { id: 'seeds-1', data: pairs((i) => Math.sin(i / 300)) },
      { id: 'run-3:raw', data: pairs((i) => Math.cos(i / 50)) },
      { id: 'run-3', data: pairs((i) => Math.cos(i / 200)) },
    ] } as Record<string, unknown>;
    expect(thinLineOption(option, 400)).toEqual({ drawn: 800, total: 10_000 });
    const series = option.series as { data: [number, number][] }[];
    expect(series[0].data.map((p) => p[0])).toEqual(series[2].data.map((p) => p[0]));
    expect(series[1].data.map((p) => p[0])).toEqual(series[2].data.map((p) => p[0]));
    expect(series[3].data).toHaveLength(400);
  });
});
