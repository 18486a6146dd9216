// CPU time per phase of a report export (gather, build, render, print), for profiling on a loaded machine where wall
// time means little:  npx tsx bench/reports/phases.ts HOME [html|pdf] [RUNS]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLab } from '../../main/lab/index';
import { RunService } from '../../main/lab/runs/service';
import { gatherReportInput } from '../../main/lab/reports/gather';
import { buildReportDocument } from '../../main/reports/build';
import { defaultReportOptions } from '../../main/reports/build-input';
import { renderHtml } from '../../main/reports/html';
import { printPdfWithChromium } from '../../main/reports/chromium';

const [home, format = 'html', runsArg] = process.argv.slice(2);
const lab = createLab({ home, mode: 'cli' });
const ids = (lab.ctx.db.prepare('SELECT id FROM runs ORDER BY id').pluck().all() as number[]).slice(0, Number(runsArg ?? 1e9));
const options = defaultReportOptions('en');
if (format === 'pdf') options.curves = { ...options.curves, keys: ['train/loss', 'train/lr', 'train/grad_norm', 'train/tokens_per_s', 'val/loss', 'val/accuracy'], xModes: ['step', 'time'] };
function cpu<T>(label: string, f: () => T): T {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const r = f();
  const c = process.cpuUsage(c0);
  console.log(`${label.padEnd(10)} cpu ${((c.user + c.system) / 1e6).toFixed(2)} s   wall ${(Number(process.hrtime.bigint() - t0) / 1e9).toFixed(2)} s`);
  return r;
}
const c0 = process.cpuUsage();
const input = await gatherReportInput(lab.ctx, {
  runs: new RunService(lab.ctx),
  experiment: async () => { throw new Error('no experiment'); },
  dataset: async () => null,
  tokenizer: async () => null,
  app: async () => ({ version: 'x', kernelBackend: 'x', platform: 'x' }),
}, { name: 'bench', experimentId: null, runIds: ids, options, figures: [], attachFull: format === 'html' });
console.log(`gather     cpu ${((process.cpuUsage(c0).user + process.cpuUsage(c0).system) / 1e6).toFixed(2)} s`);
const doc = cpu('build', () => buildReportDocument(input));
const html = cpu('render', () => renderHtml(doc, format === 'html' ? 'interactive' : 'print'));
console.log(`${ids.length} runs, html ${(html.length / 1e6).toFixed(2)} MB`);
if (format === 'pdf') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'phases-'));
  fs.writeFileSync(path.join(dir, 'r.html'), html);
  const c1 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await printPdfWithChromium(path.join(dir, 'r.html'), path.join(dir, 'r.pdf'));
  console.log(`print      node cpu ${((process.cpuUsage(c1).user + process.cpuUsage(c1).system) / 1e6).toFixed(2)} s   wall ${(Number(process.hrtime.bigint() - t0) / 1e9).toFixed(2)} s`);
  fs.rmSync(dir, { recursive: true, force: true });
}
lab.close();
