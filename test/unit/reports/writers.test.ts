// Report writers on one document: self-contained HTML (interactive and print), Markdown with SVG figures, LaTeX booktabs,
// the attached full data, and safe output paths (no overwrite without force, no half file on failure).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { packFullData } from '../../../main/reports/attach';
import { renderHtml } from '../../../main/reports/html';
import { renderLatex, texEscape } from '../../../main/reports/latex';
import { writeMarkdown } from '../../../main/reports/md';
import { checkOutputPath, writeAtomically } from '../../../main/reports/output';
import { renderChartSvg } from '../../../main/reports/svg';
import { sampleDocument, sampleSeries } from './sample-document';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-writers-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('HTML', () => {
  const doc = sampleDocument('en');

  it('inlines everything: no external src/href, a CSP that allows nothing from outside, notes escaped', () => {
    const html = renderHtml(doc, 'interactive');
    // links in the notes stay links (a click, not a load); nothing is loaded from outside
    expect(/\ssrc\s*=\s*["']?(https?:)?\/\//i.test(html)).toBe(false);
    expect(/<link[^>]+href/i.test(html)).toBe(false);
    expect(html).toContain("default-src 'none'");
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>alert(1)');
    // the image in the notes is not turned into an <img> that would fetch it
    expect(/<div class="notes">[\s\S]*?<img/.test(html.slice(0, html.indexOf('</main>')))).toBe(false);
    expect(html).toContain('id="chart-train-loss-step"');
    expect(html).toContain('id="full-train-loss-step"');
    expect(html).toContain('5 &lt; 6 seeds');
  });

  it('prints charts as inline SVG and carries no script at all', () => {
    const html = renderHtml(doc, 'print');
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('break-inside: avoid');
  });

  it('packs every point of the attached series (float32 values, ms times) into a few bytes a point', () => {
    const series = sampleSeries(3, 10_000).map((s) => ({ label: s.label, key: 'train/loss', steps: s.steps, values: s.values, times: s.times }));
    const packed = packFullData(series);
    expect(packed.points).toBe(30_000);
    const raw = zlib.inflateRawSync(Buffer.from(packed.base64, 'base64'));
    expect(raw.length).toBe(30_000 * 12);
    // the first series: step deltas, then time deltas, then the 4 byte planes of the float32 values
    const n = 10_000;
    expect(raw.readInt32LE(0)).toBe(1);
    expect(raw.readInt32LE(4 * 9)).toBe(1);
    const bytes = Buffer.alloc(4);
    for (let b = 0; b < 4; b += 1) bytes[b] = raw[8 * n + b * n + 17];
    expect(bytes.readFloatLE(0)).toBe(Math.fround(series[0].values[17]));
    expect(packed.base64.length / packed.points).toBeLessThan(8);
  });
});

describe('SVG charts without a browser', () => {
  it('renders the compare page option to an SVG with every curve as a path', () => {
    const doc = sampleDocument('zh-CN');
    const chart = doc.sections.find((s) => s.id === 'curves')!.blocks[0];
    if (chart.kind !== 'chart') throw new Error('expected a chart');
    const svg = renderChartSvg(chart.chart.option, 900, 360);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('viewBox="0 0 900 360"');
    // 4 smoothed curves + 4 faint raw underlays
    expect((svg.match(/<path d="M[^"]{200,}"/g) ?? []).length).toBeGreaterThanOrEqual(8);
    expect(svg).toContain('步数');
    expect(svg).toContain('WenQuanYi Micro Hei');
  });
});

describe('Markdown and LaTeX', () => {
  it('writes the .md with a relative link to each chart\'s SVG in the folder beside it', () => {
    const doc = sampleDocument('en');
    const md = path.join(tmp, 'r.md');
    const folder = path.join(tmp, 'r_files');
    expect(writeMarkdown(doc, md, folder, 'r_files').figures).toBe(1);
    const text = fs.readFileSync(md, 'utf8');
    expect(text).toContain('![train/loss](r_files/train-loss-step.svg)');
    expect(text).toContain('| Measure | GPT | BERT | Verdict |');
    expect(text).toContain('| --- | ---: | ---: | --- |');
    expect(text).toContain('Perplexity \\| pseudo');
    expect(fs.readFileSync(path.join(folder, 'train-loss-step.svg'), 'utf8')).toMatch(/^<svg/);
  });

  it('writes booktabs tables with LaTeX specials escaped, and ctex for Chinese', () => {
    const tex = renderLatex(sampleDocument('en'));
    expect(tex).toContain('\\usepackage{booktabs}');
    expect(tex).toMatch(/\\toprule\nMeasure & GPT & BERT & Verdict \\\\\n\\midrule/);
    expect(tex).toContain('21.0\\% $\\pm$ 1.2\\%');
    expect(tex).toContain('\\bottomrule');
    expect(tex).toContain('\\begin{verbatim}\nnpx attention-lab compare');
    expect(texEscape('a_b & c#1 ~ 50% {x}')).toBe('a\\_b \\& c\\#1 \\textasciitilde{} 50\\% \\{x\\}');
    expect(renderLatex(sampleDocument('zh-CN'))).toContain('\\documentclass[11pt]{ctexart}');
  });
});

describe('output paths', () => {
  it('refuses a folder, a missing parent, an existing file without force, and a read-only folder', () => {
    expect(() => checkOutputPath(tmp, { force: true })).toThrow(/is a folder; give a file name inside it/);
    expect(() => checkOutputPath(path.join(tmp, 'nope', 'r.html'), { force: false })).toThrow(/does not exist/);
    const existing = path.join(tmp, 'exists.html');
    fs.writeFileSync(existing, 'old');
    expect(() => checkOutputPath(existing, { force: false })).toThrow(/already exists; add --force/);
    expect(checkOutputPath(existing, { force: true })).toBe(existing);
    if (process.getuid?.() !== 0) {
      const ro = path.join(tmp, 'ro');
      fs.mkdirSync(ro, { mode: 0o555 });
      expect(() => checkOutputPath(path.join(ro, 'r.html'), { force: false })).toThrow(/not writable/);
    }
  });

  it('leaves the old file and no temporary file behind when writing fails (a full disk)', async () => {
    const target = path.join(tmp, 'keep.html');
    fs.writeFileSync(target, 'old report');
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    await expect(writeAtomically(target, (temp) => {
      fs.writeFileSync(temp, 'half a rep');
      throw full;
    })).rejects.toThrow(/disk holding .* is full, so keep\.html was not written \(nothing was left behind\)/);
    expect(fs.readFileSync(target, 'utf8')).toBe('old report');
    expect(fs.readdirSync(tmp).filter((f) => f.includes('keep.html'))).toEqual(['keep.html']);
    await writeAtomically(target, (temp) => fs.writeFileSync(temp, 'new report'));
    expect(fs.readFileSync(target, 'utf8')).toBe('new report');
  });
});
