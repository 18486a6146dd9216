// Report speed: a report of 100 runs × 10,000 points per training series (HTML build, size, open time in Chromium;
// PDF of ~10 pages) and the long CSV of 10 M points (time, peak memory), each beside a naive anchor measured in the
// same run: HTML with every point inlined in the chart options, Chromium's own --print-to-pdf, CSV built in memory.
//   prepare (shared CPU lock):   npx tsx bench/reports/report_bench.ts prepare DIR
//   measure (exclusive lock):    /work/tools/cpu-bench npx tsx bench/reports/report_bench.ts measure DIR   (HTML, PDF)
//                                /work/tools/cpu-bench npx tsx bench/reports/report_bench.ts csv DIR       (long CSV)
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { createLab } from '../../main/lab/index';
import { RunService } from '../../main/lab/runs/service';
import { gatherReportInput } from '../../main/lab/reports/gather';
import { buildReportDocument } from '../../main/reports/build';
import type { ReportOptions } from '../../main/reports/build-input';
import { findChromium } from '../../main/reports/chromium';
import { renderHtml } from '../../main/reports/html';

const [mode, dir] = process.argv.slice(2);
if (!mode || !dir) throw new Error('usage: report_bench.ts prepare|measure|csv|csv-child DIR');
// REPORT_BENCH_RUNS / REPORT_BENCH_STEPS / REPORT_BENCH_CSV_STEPS shrink the homes for profiling; the goals are at the defaults
const RUNS = Number(process.env.REPORT_BENCH_RUNS ?? 100);
const STEPS = Number(process.env.REPORT_BENCH_STEPS ?? 10_000);
const TRAIN_KEYS = ['train/loss', 'train/lr', 'train/grad_norm', 'train/tokens_per_s'];
const VAL_EVERY = 100;
const CSV_RUNS = 100;
const CSV_STEPS = Number(process.env.REPORT_BENCH_CSV_STEPS ?? 25_000);

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

/**
 * CPU seconds used so far by this process and its reaped children (Chromium, once closed or waited for), from
 * /proc/self/stat: on a machine shared with other work, CPU time is what a quiet machine's wall time would be.
 */
function cpuSeconds(): number {
  const fields = fs.readFileSync('/proc/self/stat', 'utf8').replace(/^.*\) /, '').split(' ');
  // after "pid (comm) ": state=0 … utime=11 stime=12 cutime=13 cstime=14, in clock ticks (100 Hz on Linux)
  return (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / 100;
}

function load(): string {
  return os.loadavg().map((l) => l.toFixed(1)).join(' ');
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

/** Best of 3: wall seconds until the charts are drawn, and the CPU time of the page's main thread meanwhile (CDP ThreadTime). */
async function openTime(file: string): Promise<{ wall: number; task: number }> {
  const browser = await chromium.launch({ executablePath: findChromium() ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const walls: number[] = [];
    const tasks: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Performance.enable');
      const taskTime = async (): Promise<number> => ((await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'ThreadTime')?.value ?? 0);
      const task0 = await taskTime();
      const t0 = process.hrtime.bigint();
      await page.goto(pathToFileURL(file).href);
      await page.waitForSelector('body[data-charts-ready]', { timeout: 120_000 });
      walls.push(seconds(t0));
      tasks.push((await taskTime()) - task0);
      await page.close();
    }
    return { wall: Math.min(...walls), task: Math.min(...tasks) };
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

  console.log(`load average at start: ${load()} (${os.cpus().length} cores)`);
  // the export includes loading the reports service and its modules on first use, as the CLI's first call does
  let t0 = process.hrtime.bigint();
  let c0 = cpuSeconds();
  const html = (await lab.call('reports.export', { runIds: ids, format: 'html', path: path.join(out, 'report.html') })) as { bytes: number };
  const htmlBuild = seconds(t0);
  const htmlCpu = cpuSeconds() - c0;
  lab.close();
  t0 = process.hrtime.bigint();
  c0 = cpuSeconds();
  naiveHtml(home, ids, path.join(out, 'naive.html'));
  const naiveBuild = seconds(t0);
  const naiveCpu = cpuSeconds() - c0;
  const naiveBytes = fs.statSync(path.join(out, 'naive.html')).size;
  const oursOpen = await openTime(path.join(out, 'report.html'));
  const naiveOpen = await openTime(path.join(out, 'naive.html'));
  console.log(`HTML build   ours ${htmlBuild.toFixed(2)} s wall, ${htmlCpu.toFixed(2)} s CPU (goal ≤ 5 s)   naive all-points HTML ${naiveBuild.toFixed(2)} s wall, ${naiveCpu.toFixed(2)} s CPU   ratio (CPU) ${(naiveCpu / htmlCpu).toFixed(2)}`);
  console.log(`HTML size    ours ${mb(html.bytes)} MB (goal ≤ 10 MB, every point attached)   naive ${mb(naiveBytes)} MB   ratio ${(naiveBytes / html.bytes).toFixed(2)}`);
  console.log(`HTML open    ours ${oursOpen.wall.toFixed(2)} s wall, ${oursOpen.task.toFixed(2)} s main-thread CPU (goal ≤ 2 s, best of 3, charts drawn)   naive ${naiveOpen.wall.toFixed(2)} s wall, ${naiveOpen.task.toFixed(2)} s main-thread CPU   ratio (CPU) ${(naiveOpen.task / oursOpen.task).toFixed(2)}`);

  // PDF: the same report with every training series charted on the step and time axes (about ten pages)
  const lab2 = createLab({ home, mode: 'cli' });
  const created = (await lab2.call('reports.create', { runIds: ids })) as { id: number; options: Record<string, unknown> & { curves: Record<string, unknown> } };
  await lab2.call('reports.update', { id: created.id, options: { ...created.options, curves: { ...created.options.curves, keys: [...TRAIN_KEYS, 'val/loss', 'val/accuracy'], xModes: ['step', 'time'] } } });
  t0 = process.hrtime.bigint();
  c0 = cpuSeconds();
  await lab2.call('reports.export', { id: created.id, format: 'pdf', path: path.join(out, 'report.pdf') });
  const pdfOurs = seconds(t0);
  const pdfOursCpu = cpuSeconds() - c0;
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
  c0 = cpuSeconds();
  spawnSync(findChromium() ?? 'chromium', ['--headless', '--no-sandbox', '--disable-gpu', `--print-to-pdf=${path.join(out, 'anchor.pdf')}`, '--no-pdf-header-footer', pathToFileURL(printHtml).href], { stdio: 'ignore', timeout: 120_000 });
  const pdfAnchor = seconds(t0);
  const pdfAnchorCpu = cpuSeconds() - c0;
  console.log(`PDF          ours ${pdfOurs.toFixed(2)} s wall, ${pdfOursCpu.toFixed(2)} s CPU with Chromium's, for ${pages} pages (goal ≤ 10 s for 10 pages: gather + build + SVG charts + print)   chromium --print-to-pdf of the HTML report ${pdfAnchor.toFixed(2)} s wall, ${pdfAnchorCpu.toFixed(2)} s CPU   ratio (CPU) ${(pdfAnchorCpu / pdfOursCpu).toFixed(2)}`);
  console.log(`load average at end: ${load()}`);

}

/**
 * The long CSV in child processes, so each side's peak memory is its own: ours at 2.5 M and 10 M points (the peak
 * must not grow with the size), the in-memory anchor at 2.5 M (at 10 M it passed 3.9 GB in 5 minutes, still reading).
 */
function measureCsv(): void {
  console.log(`load average at start: ${load()} (${os.cpus().length} cores)`);
  for (const [side, runs] of [['ours', CSV_RUNS / 4], ['ours', CSV_RUNS], ['naive', CSV_RUNS / 4]] as const) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/reports/report_bench.ts', 'csv-child', dir, side, String(runs)], { encoding: 'utf8', timeout: 900_000 });
    process.stdout.write(r.stdout);
    if (r.status !== 0) process.stdout.write(r.stderr);
  }
  console.log(`load average at end: ${load()}`);
}

async function csvChild(side: string, runCount: number): Promise<void> {
  const home = path.join(dir, 'home-csv');
  fs.mkdirSync(path.join(dir, 'out'), { recursive: true });
  const out = path.join(dir, 'out', `all-${side}-${runCount}.csv`);
  fs.rmSync(out, { force: true });
  fs.rmSync(out.replace(/\.csv$/, '-runs.csv'), { force: true });
  const lab = createLab({ home, mode: 'cli' });
  const ids = (lab.ctx.db.prepare('SELECT id FROM runs ORDER BY id').pluck().all() as number[]).slice(0, runCount);
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  let rows = 0;
  if (side === 'ours') {
    rows = ((await lab.call('reports.export', { runIds: ids, format: 'csv', path: out })) as { points: number }).points;
  } else {
    // the naive way: every row read into memory and joined into one string before writing
    const all = lab.ctx.db.prepare(`SELECT r.name, m.key, m.step, m.time, m.value FROM metrics m JOIN runs r ON r.id = m.run_id WHERE m.run_id IN (${ids.join(',')}) ORDER BY m.run_id, m.key, m.step`).raw().all() as unknown[][];
    rows = all.length;
    fs.writeFileSync(out, `run,key,step,tokens,time,value\n${all.map((r) => `${r[0]},${r[1]},${r[2]},${Number(r[2]) * 1024},${Number(r[3]).toFixed(3)},${r[4]}`).join('\n')}\n`);
  }
  const s = seconds(t0);
  const c = process.cpuUsage(c0);
  lab.close();
  console.log(`CSV ${side.padEnd(5)}   ${rows.toLocaleString('en-US')} rows in ${s.toFixed(1)} s wall, ${((c.user + c.system) / 1e6).toFixed(1)} s CPU, ${mb(fs.statSync(out).size)} MB, peak RSS ${mb(process.resourceUsage().maxRSS * 1024)} MB`);
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
} else if (mode === 'csv') {
  measureCsv();
} else if (mode === 'csv-child') {
  await csvChild(process.argv[4], Number(process.argv[5]));
}
