// Report speed: a report of 100 runs × 10,000 points per training series (HTML build, size, open time in Chromium;
// PDF of ~10 pages) and the long CSV of 10 M points (time, peak memory), each beside a naive anchor measured in the
// same run: HTML with every point inlined in the chart options, Chromium's own --print-to-pdf, CSV built in memory.
//   prepare (shared CPU lock):   npx tsx bench/reports/report_bench.ts prepare DIR
//   measure (exclusive lock):    flock -x /tmp/cpu.lock npx tsx bench/reports/report_bench.ts measure DIR
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { createLab } from '../../main/lab/index';
import { RunService } from '../../main/lab/runs';
import { gatherReportInput } from '../../main/lab/reports/gather';
import { buildReportDocument } from '../../main/reports/build';
import type { ReportOptions } from '../../main/reports/build-input';
import { findChromium } from '../../main/reports/chromium';
import { renderHtml } from '../../main/reports/html';

const [mode, dir] = process.argv.slice(2);
if (!mode || !dir) throw new Error('usage: report_bench.ts prepare|measure|csv-child DIR');
const RUNS = 100;
const STEPS = 10_000;
const TRAIN_KEYS = ['train/loss', 'train/lr', 'train/grad_norm', 'train/tokens_per_s'];
const VAL_EVERY = 100;
const CSV_RUNS = 100;
const CSV_STEPS = 25_000;

/** Loss-like curves with noise, a cosine learning rate, throughput around 10k tokens/s: what a run logs. */
function fillRuns(home: string, runs: number, steps: number, withVal: boolean): number[] {
  const lab = createLab({ home, mode: 'cli' });
  const service = new RunService(lab.ctx);
  const ids: number[] = [];
  const insert = lab.ctx.db.prepare('INSERT INTO metrics (run_id, key, step, value, time) VALUES (?, ?, ?, ?, ?)');
  let seed = 1;
  const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let r = 0; r < runs; r += 1) {
    const id = service.create({
      name: `${r % 2 === 0 ? 'gpt' : 'bert'}-tiny-seed${Math.floor(r / 2)}`, family: r % 2 === 0 ? 'gpt' : 'bert', datasetId: null, tokenizerId: null,
      config: { preset: 'tiny', model: { nLayer: 2, nHead: 2, dModel: 64, contextLength: 64 }, training: { steps, batchSize: 16, lr: 0.003 } }, seed: Math.floor(r / 2), totalSteps: steps, status: 'running',
    });
    lab.ctx.db.transaction(() => {
      const t0 = 1_700_000_000 + r * 1000;
      for (let s = 1; s <= steps; s += 1) {
        const t = t0 + s * 0.05 + rand() * 0.01;
        const loss = 1.3 + 3 * Math.exp(-s / (800 + 10 * r)) + 0.08 * (rand() - 0.5);
        insert.run(id, 'train/loss', s, loss, t);
        insert.run(id, 'train/lr', s, 0.003 * 0.5 * (1 + Math.cos((Math.PI * s) / steps)), t);
        insert.run(id, 'train/grad_norm', s, 0.5 + rand(), t);
        insert.run(id, 'train/tokens_per_s', s, 10_000 + 500 * rand(), t);
        if (withVal && s % VAL_EVERY === 0) {
          insert.run(id, 'val/loss', s, loss + 0.1, t);
          insert.run(id, 'val/accuracy', s, 0.5 - loss / 10, t);
          insert.run(id, 'val/perplexity', s, Math.exp(loss + 0.1), t);
        }
      }
    })();
    service.setStatus(id, 'completed');
    ids.push(id);
  }
  lab.close();
  return ids;
}

function seconds(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(2);
}

/** The naive anchor: the same charts with every point inlined in the ECharts options, no downsampling, no packing. */
function naiveHtml(home: string, ids: number[], out: string): void {
  const lab = createLab({ home, mode: 'cli' });
  const echarts = fs.readFileSync(path.resolve('node_modules/echarts/dist/echarts.min.js'), 'utf8');
  const charts: unknown[] = [];
  for (const key of ['train/loss', 'val/loss', 'val/accuracy', 'val/perplexity']) {
    const series = ids.map((id) => ({
      type: 'line', showSymbol: false, name: String(id),
      data: (lab.ctx.db.prepare('SELECT step, value FROM metrics WHERE run_id = ? AND key = ? ORDER BY step').raw().all(id, key) as [number, number][]),
    }));
    charts.push({ animation: false, xAxis: { type: 'value' }, yAxis: { type: 'value', scale: true }, legend: {}, tooltip: { trigger: 'axis' }, series });
  }
  lab.close();
  fs.writeFileSync(out, `<!doctype html><meta charset="utf-8"><body>${charts.map((_, i) => `<div id="c${i}" style="height:340px"></div>`).join('')}
<script>${echarts}</script><script>const charts=${JSON.stringify(charts)};charts.forEach((o,i)=>echarts.init(document.getElementById('c'+i)).setOption(o));document.body.setAttribute('data-charts-ready',String(charts.length));</script>`);
}

async function openTime(file: string): Promise<number> {
  const browser = await chromium.launch({ executablePath: findChromium() ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const best: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const t0 = process.hrtime.bigint();
      await page.goto(pathToFileURL(file).href);
      await page.waitForSelector('body[data-charts-ready]', { timeout: 120_000 });
      best.push(seconds(t0));
      await page.close();
    }
    return Math.min(...best);
  } finally {
    await browser.close();
  }
}

async function measure(): Promise<void> {
  const home = path.join(dir, 'home-report');
  const out = path.join(dir, 'out');
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  const lab = createLab({ home, mode: 'cli' });
  const ids = (lab.ctx.db.prepare('SELECT id FROM runs ORDER BY id').pluck().all() as number[]).slice(0, RUNS);
  const points = (lab.ctx.db.prepare('SELECT count(*) FROM metrics').pluck().get() as number);
  console.log(`report of ${ids.length} runs: ${TRAIN_KEYS.length} training series × ${STEPS} points + 3 validation series × ${STEPS / VAL_EVERY} points per run (${points.toLocaleString('en-US')} points stored)`);

  let t0 = process.hrtime.bigint();
  const html = (await lab.call('reports.export', { runIds: ids, format: 'html', path: path.join(out, 'report.html') })) as { bytes: number };
  const htmlBuild = seconds(t0);
  lab.close();
  t0 = process.hrtime.bigint();
  naiveHtml(home, ids, path.join(out, 'naive.html'));
  const naiveBuild = seconds(t0);
  const naiveBytes = fs.statSync(path.join(out, 'naive.html')).size;
  const oursOpen = await openTime(path.join(out, 'report.html'));
  const naiveOpen = await openTime(path.join(out, 'naive.html'));
  console.log(`HTML build   ours ${htmlBuild.toFixed(2)} s (goal ≤ 5 s)   naive all-points HTML ${naiveBuild.toFixed(2)} s   ratio ${(naiveBuild / htmlBuild).toFixed(2)}`);
  console.log(`HTML size    ours ${mb(html.bytes)} MB (goal ≤ 10 MB, every point attached)   naive ${mb(naiveBytes)} MB   ratio ${(naiveBytes / html.bytes).toFixed(2)}`);
  console.log(`HTML open    ours ${oursOpen.toFixed(2)} s (goal ≤ 2 s, best of 3, charts drawn)   naive ${naiveOpen.toFixed(2)} s   ratio ${(naiveOpen / oursOpen).toFixed(2)}`);

  // PDF: the same report with every training series charted on the step and time axes (about ten pages)
  const lab2 = createLab({ home, mode: 'cli' });
  const created = (await lab2.call('reports.create', { runIds: ids })) as { id: number; options: Record<string, unknown> & { curves: Record<string, unknown> } };
  await lab2.call('reports.update', { id: created.id, options: { ...created.options, curves: { ...created.options.curves, keys: [...TRAIN_KEYS, 'val/loss', 'val/accuracy'], xModes: ['step', 'time'] } } });
  t0 = process.hrtime.bigint();
  await lab2.call('reports.export', { id: created.id, format: 'pdf', path: path.join(out, 'report.pdf') });
  const pdfOurs = seconds(t0);
  lab2.close();
  const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [path.join(out, 'report.pdf')], { encoding: 'utf8' }))?.[1]);
  // anchor: Chromium's own command-line printer on the same print-mode HTML the export printed
  const printHtml = path.join(out, 'print.html');
  const lab3 = createLab({ home, mode: 'cli' });
  const stored = (await lab3.call('reports.get', { id: created.id })) as { name: string; options: ReportOptions };
  const input = await gatherReportInput(lab3.ctx, {
    runs: new RunService(lab3.ctx),
    experiment: async () => { throw new Error('no experiment'); },
    dataset: async () => null,
    tokenizer: async () => null,
    app: () => lab3.call('app.info', {}) as Promise<{ version: string; kernelBackend: string; platform: string }>,
  }, { name: stored.name, experimentId: null, runIds: ids, options: stored.options, figures: [], attachFull: false });
  fs.writeFileSync(printHtml, renderHtml(buildReportDocument(input), 'print'));
  lab3.close();
  t0 = process.hrtime.bigint();
  spawnSync(findChromium() ?? 'chromium', ['--headless', '--no-sandbox', '--disable-gpu', `--print-to-pdf=${path.join(out, 'anchor.pdf')}`, '--no-pdf-header-footer', pathToFileURL(printHtml).href], { stdio: 'ignore', timeout: 120_000 });
  const pdfAnchor = seconds(t0);
  console.log(`PDF          ours ${pdfOurs.toFixed(2)} s for ${pages} pages (goal ≤ 10 s for 10 pages: gather + build + SVG charts + print)   chromium --print-to-pdf of the HTML report ${pdfAnchor.toFixed(2)} s   ratio ${(pdfAnchor / pdfOurs).toFixed(2)}`);

  // CSV of 10 M points in child processes, so each side's peak memory is its own
  for (const side of ['ours', 'naive']) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/reports/report_bench.ts', 'csv-child', dir, side], { encoding: 'utf8', timeout: 900_000 });
    process.stdout.write(r.stdout);
    if (r.status !== 0) process.stdout.write(r.stderr);
  }
}

async function csvChild(side: string): Promise<void> {
  const home = path.join(dir, 'home-csv');
  const out = path.join(dir, 'out', `all-${side}.csv`);
  fs.rmSync(out, { force: true });
  fs.rmSync(out.replace(/\.csv$/, '-runs.csv'), { force: true });
  const lab = createLab({ home, mode: 'cli' });
  const ids = lab.ctx.db.prepare('SELECT id FROM runs ORDER BY id').pluck().all() as number[];
  const t0 = process.hrtime.bigint();
  let rows = 0;
  if (side === 'ours') {
    rows = ((await lab.call('reports.export', { runIds: ids, format: 'csv', path: out })) as { points: number }).points;
  } else {
    // the naive way: every row read into memory and joined into one string before writing
    const all = lab.ctx.db.prepare('SELECT r.name, m.key, m.step, m.time, m.value FROM metrics m JOIN runs r ON r.id = m.run_id ORDER BY m.run_id, m.key, m.step').raw().all() as unknown[][];
    rows = all.length;
    fs.writeFileSync(out, `run,key,step,tokens,time,value\n${all.map((r) => `${r[0]},${r[1]},${r[2]},${Number(r[2]) * 1024},${Number(r[3]).toFixed(3)},${r[4]}`).join('\n')}\n`);
  }
  const s = seconds(t0);
  lab.close();
  console.log(`CSV ${side.padEnd(5)}   ${rows.toLocaleString('en-US')} rows in ${s.toFixed(1)} s (${(rows / s / 1e6).toFixed(2)} M rows/s), ${mb(fs.statSync(out).size)} MB, peak RSS ${mb(process.resourceUsage().maxRSS * 1024)} MB`);
}

if (mode === 'prepare') {
  fs.mkdirSync(dir, { recursive: true });
  let t0 = process.hrtime.bigint();
  fillRuns(path.join(dir, 'home-report'), RUNS, STEPS, true);
  console.log(`report home: ${RUNS} runs in ${seconds(t0).toFixed(0)} s`);
  t0 = process.hrtime.bigint();
  fillRuns(path.join(dir, 'home-csv'), CSV_RUNS, CSV_STEPS, false);
  console.log(`csv home: ${CSV_RUNS} runs × ${TRAIN_KEYS.length} × ${CSV_STEPS} = ${(CSV_RUNS * TRAIN_KEYS.length * CSV_STEPS).toLocaleString('en-US')} points in ${seconds(t0).toFixed(0)} s`);
} else if (mode === 'measure') {
  await measure();
} else if (mode === 'csv-child') {
  await csvChild(process.argv[4]);
}
