// Reports end to end on a real lab: a tiny measured BERT-vs-GPT experiment, every export format read back by its
// reader (csv-parse, JSON.parse, the event-file reader, pdfinfo/pdftotext, the HTML and Markdown text), stored
// reports with options and pinned figures, deleted and metric-less runs, bad output paths, external runs, and the CLI.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExperimentT, ReportT, RunT } from '../../common/api';
import { runCli } from '../../main/cli/index';
import { createLab, type Lab } from '../../main/lab/index';
import { RunService } from '../../main/lab/runs/service';
import { readEventRuns } from '../../main/reports/tfevents/reader';
import { storyText } from '../unit/compare/story';

let home: string;
let out: string;
let lab: Lab;
let experiment: ExperimentT;

beforeAll(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-reports-'));
  out = path.join(home, 'out');
  fs.mkdirSync(out);
  fs.writeFileSync(path.join(home, 'story.txt'), storyText(80));
  lab = createLab({ home, mode: 'cli', jobs: { concurrency: 1 } });
  await lab.call('datasets.import', { path: path.join(home, 'story.txt'), name: 'story', mode: 'paragraphs' });
  experiment = (await lab.call('experiments.create', { dataset: 'story', preset: 'tiny', budget: { steps: 24 }, seeds: 1 })) as ExperimentT;
  await lab.jobs.scheduler.idle();
  experiment = (await lab.call('experiments.measure', { id: experiment.id, positions: 20 })) as ExperimentT;
}, 240_000);

afterAll(() => {
  lab?.close();
  fs.rmSync(home, { recursive: true, force: true });
});

type ExportOut = { path: string; files: string[]; bytes: number; sha256: string; points?: number; browser?: string; notices: string[] };
const exportAs = (input: Record<string, unknown>): Promise<ExportOut> => lab.call('reports.export', input) as Promise<ExportOut>;

describe('exports of an experiment', () => {
  it('HTML: one file with the verdicts, the curves\' options and every point attached, nothing loaded from outside', async () => {
    const r = await exportAs({ experimentId: experiment.id, format: 'html', path: path.join(out, 'r.html') });
    const html = fs.readFileSync(r.path, 'utf8');
    expect(html).toContain('What the numbers say:');
    expect(html).toContain('id="chart-train-loss-step"');
    expect(html).toContain('id="full-train-loss-step"');
    expect(html).toContain('every point is attached.');
    expect(html).toContain('npx attention-lab compare --dataset story --preset tiny --steps 24 --seeds 1');
    expect(/\ssrc\s*=\s*["']?(https?:)?\/\//i.test(html)).toBe(false);
    expect(r.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('PDF through Chromium, read by poppler; Markdown with SVG figures; LaTeX booktabs in Chinese', async () => {
    const pdf = await exportAs({ experimentId: experiment.id, format: 'pdf', path: path.join(out, 'r.pdf') });
    expect(pdf.browser).toMatch(/chrom/i);
    expect(execFileSync('pdftotext', [pdf.path, '-'], { encoding: 'utf8' })).toContain('Comparison table');
    const md = await exportAs({ experimentId: experiment.id, format: 'md', path: path.join(out, 'r.md') });
    expect(md.files.some((f) => f.endsWith(path.join('r_files', 'train-loss-step.svg')))).toBe(true);
    expect(fs.readFileSync(md.path, 'utf8')).toContain('](r_files/train-loss-step.svg)');
    // a Markdown chart carries no points: its caption says where they are instead of "attached"
    expect(fs.readFileSync(md.path, 'utf8')).toContain('every point is in the report’s CSV and JSON data exports.');
    expect(fs.readFileSync(md.path, 'utf8')).not.toContain('every point is attached');
    const tex = await exportAs({ experimentId: experiment.id, format: 'tex', path: path.join(out, 'r.tex'), lang: 'zh-CN' });
    const text = fs.readFileSync(tex.path, 'utf8');
    expect(text).toContain('\\documentclass[11pt]{ctexart}');
    expect(text).toContain('\\toprule');
    expect(text).toContain('对比表');
  });

  it('CSV, JSON and TensorBoard hold every stored point', async () => {
    const stored = (lab.ctx.db.prepare('SELECT count(*) AS n FROM metrics m JOIN runs r ON r.id = m.run_id WHERE r.experiment_id = ?').get(experiment.id) as { n: number }).n;
    const csv = await exportAs({ experimentId: experiment.id, format: 'csv', path: path.join(out, 'data.csv') });
    expect(csv.points).toBe(stored);
    const rows = parse(fs.readFileSync(csv.path), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(stored);
    expect(Object.keys(rows[0])).toEqual(['run', 'key', 'step', 'tokens', 'time', 'value']);
    const summary = parse(fs.readFileSync(path.join(out, 'data-runs.csv')), { columns: true }) as Record<string, string>[];
    expect(summary.map((s) => s.family).sort()).toEqual(['bert', 'gpt']);
    expect(summary[0]['config.model.nLayer']).toBeDefined();
    const json = await exportAs({ experimentId: experiment.id, format: 'json', path: path.join(out, 'data.json') });
    const parsed = JSON.parse(fs.readFileSync(json.path, 'utf8')) as { runs: { series: Record<string, { steps: number[] }> }[] };
    expect(parsed.runs.reduce((n, r) => n + Object.values(r.series).reduce((k, s) => k + s.steps.length, 0), 0)).toBe(stored);
    const tb = await exportAs({ experimentId: experiment.id, format: 'tfevents', path: path.join(out, 'tb') });
    const back = readEventRuns(tb.path);
    expect(back.problems).toEqual([]);
    expect(back.runs).toHaveLength(2);
    expect(back.runs.reduce((n, r) => n + r.series.reduce((k, s) => k + s.steps.length, 0), 0)).toBe(stored);
  });

  it('refuses to overwrite without force, a folder as the file, a missing folder, and leaves no temporary file', async () => {
    await expect(exportAs({ experimentId: experiment.id, format: 'html', path: path.join(out, 'r.html') })).rejects.toThrow(/already exists; add --force/);
    await expect(exportAs({ experimentId: experiment.id, format: 'html', path: out })).rejects.toThrow(/is a folder/);
    await expect(exportAs({ experimentId: experiment.id, format: 'csv', path: path.join(out, 'no', 'x.csv') })).rejects.toThrow(/does not exist/);
    expect(fs.readdirSync(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('drawing the points the compare page draws', () => {
  it('decimates a series in memory exactly as the store\'s query does', async () => {
    const { decimateLikeStore } = await import('../../main/reports/decimate');
    const { MetricPointQueries } = await import('../../main/store/reports');
    const points = new MetricPointQueries(lab.ctx.db);
    for (const run of experiment.runs) {
      for (const key of points.keys(run.id)) {
        const all = points.page(run.id, key, null, 1_000_000);
        const columns = points.columns(run.id, key);
        expect(columns, `${run.id} ${key} read whole`).toEqual({ steps: all.map((p) => p.step), values: all.map((p) => p.value), times: all.map((p) => p.time) });
        for (const maxPoints of [8, 12, 5000]) {
          const fromStore = lab.ctx.store.runs.series(run.id, key, maxPoints);
          const inMemory = decimateLikeStore(columns, maxPoints);
          expect({ steps: inMemory.steps, values: inMemory.values, times: inMemory.times, total: inMemory.total }, `${run.id} ${key} ${maxPoints}`)
            .toEqual({ steps: fromStore.steps, values: fromStore.values, times: fromStore.times, total: fromStore.total });
          // read without times (charts on the step axis only): the same points, and no times
          const stepOnly = decimateLikeStore(points.columns(run.id, key, false), maxPoints);
          expect({ steps: stepOnly.steps, values: stepOnly.values, times: stepOnly.times }, `${run.id} ${key} ${maxPoints} without times`)
            .toEqual({ steps: fromStore.steps, values: fromStore.values, times: [] });
        }
      }
    }
  });
});

describe('stored reports', () => {
  let report: ReportT;

  it('are created from runs, keep their options, and pin figures', async () => {
    const [gpt, bert] = experiment.runs;
    report = (await lab.call('reports.create', { runIds: [gpt.id, bert.id], lang: 'zh-CN' })) as ReportT;
    expect(report.options.lang).toBe('zh-CN');
    const sections = [...report.options.sections].reverse().map((s) => ({ ...s, enabled: s.id !== 'setup' }));
    report = (await lab.call('reports.update', { id: report.id, options: { ...report.options, sections, notes: '## 结论\n\nGPT **更好**。' } })) as ReportT;
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="#36c"/></svg>';
    const pinned = (await lab.call('reports.pin', { reportId: report.id, title: 'Layer 0 head 1', runId: gpt.id, step: 24, view: 'heatmap', mime: 'image/svg+xml', data: svg })) as { report: ReportT };
    expect(pinned.report.figures).toHaveLength(1);
    await expect(lab.call('reports.pin', { reportId: report.id, title: 'x', view: 'heatmap', mime: 'image/svg+xml', data: '<script>alert(1)</script>' })).rejects.toThrow(/not SVG markup/);
    const html = (await lab.call('reports.preview', { id: report.id })) as { html: string };
    const order = ['section-reproduce', 'section-notes', 'section-figures'].map((id) => html.html.indexOf(`id="${id}"`));
    expect(order.every((i, k) => i > 0 && (k === 0 || i > order[k - 1]))).toBe(true);
    expect(html.html).not.toContain('id="section-setup"');
    expect(html.html).toContain('<h2>结论</h2>');
    expect(html.html).toContain('data:image/svg+xml;base64,');
  });

  it('names a deleted run and a run with no metrics, and exports what exists', async () => {
    const runs = new RunService(lab.ctx);
    const empty = runs.create({ name: 'not-started', family: 'gpt', datasetId: null, tokenizerId: null, config: {}, seed: 1, totalSteps: 10 });
    const gone = runs.create({ name: 'to-delete', family: 'gpt', datasetId: null, tokenizerId: null, config: {}, seed: 2, totalSteps: 10 });
    const r = (await lab.call('reports.update', { id: report.id, runIds: [...report.runIds, empty, gone] })) as ReportT;
    lab.ctx.db.prepare('UPDATE runs SET status = ? WHERE id = ?').run('stopped', gone);
    await lab.call('runs.delete', { id: gone });
    const again = (await lab.call('reports.get', { id: r.id })) as ReportT;
    expect(again.missingRunIds).toEqual([gone]);
    const html = (await lab.call('reports.preview', { id: r.id })) as { html: string };
    expect(html.html).toContain(`运行 ${gone} 原属于本报告，但已被删除`);
    expect(html.html).toContain('运行 not-started 还没有指标');
    const csv = await exportAs({ id: r.id, format: 'csv', path: path.join(out, 'stored.csv') });
    expect(csv.notices.join(' ')).toMatch(new RegExp(`Run ${gone} was deleted.*Run ${empty} \\("not-started"\\) has no metrics yet`));
    const listed = (await lab.call('reports.list', {})) as { id: number; lastExport: { format: string } | null; figureCount: number }[];
    expect(listed.find((x) => x.id === r.id)).toMatchObject({ lastExport: { format: 'csv' }, figureCount: 1 });
  });
});

describe('external runs', () => {
  it('imports TensorBoard event files, a CSV and a JSONL log as runs marked external', async () => {
    const tb = (await lab.call('runs.importExternal', { path: path.join(out, 'tb') })) as { runs: RunT[] };
    expect(tb.runs).toHaveLength(2);
    expect(tb.runs[0].origin).toBe('external');
    expect(tb.runs[0].originInfo?.format).toBe('tfevents');
    const gpt = experiment.runs.find((r) => r.family === 'gpt')!;
    const original = (lab.ctx.db.prepare("SELECT count(*) AS n FROM metrics WHERE run_id = ? AND key = 'train/loss'").get(gpt.id) as { n: number }).n;
    const imported = tb.runs.find((r) => r.name.includes('gpt'))!;
    expect(imported.metrics['train/loss'].count).toBe(original);
    fs.writeFileSync(path.join(out, 'torch.csv'), 'step,loss,val_loss\n0,4.0,\n10,3.0,3.5\n20,2.5,3.1\n');
    const csv = (await lab.call('runs.importExternal', { path: path.join(out, 'torch.csv'), name: 'my pytorch script', family: 'gpt' })) as { runs: RunT[] };
    expect(csv.runs[0]).toMatchObject({ name: 'my pytorch script', family: 'gpt', origin: 'external', step: 20 });
    await expect(lab.call('runs.importExternal', { path: path.join(out, 'r.md') })).rejects.toThrow(/Cannot tell what r\.md holds/);
    const listed = (await lab.call('runs.list', {})) as RunT[];
    expect(listed.filter((r) => r.origin === 'external')).toHaveLength(3);
  });
});

describe('CLI', () => {
  it('`report EXPERIMENT --format md` and `runs import-external` then `runs list`', async () => {
    const lines: string[] = [];
    const io = { stdout: (t: string) => lines.push(t), stderr: () => undefined, env: { ...process.env, ATTENTION_LAB_HOME: home } };
    lab.close();
    expect(await runCli(['--home', home, 'report', experiment.name, '--format', 'md', '--out', path.join(out, 'cli.md')], io)).toBe(0);
    expect(fs.existsSync(path.join(out, 'cli_files'))).toBe(true);
    expect(await runCli(['--home', home, 'report', experiment.name, '--format', 'md', '--out', path.join(out, 'cli.md')], io)).toBe(1);
    expect(await runCli(['--home', home, 'runs', 'import-external', path.join(home, '..', path.basename(home), 'out', 'tb'), '--json'], io)).toBe(0);
    lines.length = 0;
    expect(await runCli(['--home', home, 'runs', 'list'], io)).toBe(0);
    expect(lines.join('\n')).toMatch(/gpt.* \(external\)/);
    lab = createLab({ home, mode: 'cli' });
  });
});
