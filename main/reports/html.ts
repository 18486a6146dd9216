// One self-contained HTML file from a report document: styles, data and ECharts inlined, no request ever leaves it.
// 'interactive' draws charts with ECharts (hover, legend toggles, zoom) and attaches every point; 'print' inlines the
// same charts as SVG and no script, for PDF printing.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { packFullData, UNPACK_SCRIPT } from './attach';
import type { ReportBlock, ReportChart, ReportDocument, ReportTable } from './document';
import { escapeHtml, markdownToHtml } from './markdown';
import { CHART_FONT, renderChartSvg } from './svg';

const require = createRequire(import.meta.url);
let echartsSource: string | null = null;

/** ECharts' minified browser build, read once from the installed package (about 1.1 MB). */
function echartsScript(): string {
  echartsSource ??= fs.readFileSync(require.resolve('echarts/dist/echarts.min.js'), 'utf8');
  return echartsSource;
}

/** Text safe inside <script>: a literal "</script" would end the element early. */
function scriptSafe(js: string): string {
  return js.replace(/<\/script/gi, '<\\/script');
}

/** JSON safe inside <script type="application/json"> (no "<" at all, so no tag can be closed or opened). */
function jsonSafe(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

export type HtmlMode = 'interactive' | 'print';

const PRINT_WIDTH = 720;

function tableHtml(t: ReportTable): string {
  const align = (i: number): string => (t.align?.[i] === 'r' ? ' class="num"' : '');
  const head = t.columns.map((c, i) => `<th${align(i)}>${escapeHtml(c)}</th>`).join('');
  const body = t.rows.map((r) => `<tr>${r.map((c, i) => `<td${align(i)}>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n');
  const caption = t.caption ? `<caption>${escapeHtml(t.caption)}</caption>` : '';
  return `<div class="table-wrap"><table>${caption}<thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

function chartHtml(c: ReportChart, mode: HtmlMode, doc: ReportDocument): string {
  const caption = c.caption ? `<p class="caption">${escapeHtml(c.caption)}</p>` : '';
  if (mode === 'print') {
    // drawn at about the printed width (A4 less margins ≈ 720 CSS px), so labels print at their intended size
    const width = Math.min(c.width, PRINT_WIDTH);
    return `<figure class="chart" data-chart="${escapeHtml(c.id)}"><figcaption>${escapeHtml(c.title)}</figcaption>${renderChartSvg(c.option, width, Math.round((c.height * width) / c.width))}${caption}</figure>`;
  }
  const button = c.full && c.full.length > 0
    ? `<button type="button" class="full" data-full="${escapeHtml(c.id)}" title="${escapeHtml(doc.words.fullDataNote)}">${escapeHtml(doc.words.fullData)}</button>`
    : '';
  return `<figure class="chart" data-chart="${escapeHtml(c.id)}"><figcaption>${escapeHtml(c.title)}${button}</figcaption>` +
    `<div class="chart-canvas" id="chart-${escapeHtml(c.id)}" style="height:${c.height}px"><noscript>${escapeHtml(doc.words.chartNeedsScript)}</noscript></div>${caption}</figure>`;
}

function blockHtml(b: ReportBlock, mode: HtmlMode, doc: ReportDocument): string {
  switch (b.kind) {
    case 'paragraph':
      return `<p>${escapeHtml(b.text)}</p>`;
    case 'list':
      return `<ul>${b.items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`;
    case 'facts':
      return `<dl class="facts">${b.items.map(([k, v]) => `<div><dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd></div>`).join('')}</dl>`;
    case 'table':
      return tableHtml(b.table);
    case 'chart':
      return chartHtml(b.chart, mode, doc);
    case 'image': {
      // an <img> never runs a script or loads anything the picture refers to, whatever the stored markup holds
      const src = `data:${b.image.mime};base64,${b.image.mime === 'image/png' ? b.image.data : Buffer.from(b.image.data, 'utf8').toString('base64')}`;
      const caption = b.image.caption ? `<p class="caption">${escapeHtml(b.image.caption)}</p>` : '';
      return `<figure class="chart pinned" data-figure="${escapeHtml(b.image.id)}"><figcaption>${escapeHtml(b.image.title)}</figcaption><img alt="${escapeHtml(b.image.title)}" src="${src}">${caption}</figure>`;
    }
    case 'markdown':
      return `<div class="notes">${markdownToHtml(b.markdown)}</div>`;
    case 'code':
      return `<pre class="code"><code>${escapeHtml(b.code)}</code></pre>`;
    case 'notice':
      return `<p class="notice" role="note">${escapeHtml(b.text)}</p>`;
  }
}

const STYLE = `
:root { --text: #1f2430; --muted: #5b6475; --border: #dfe3ea; --accent: #3563e9; --surface: #f6f7fa; --warn: #8a5a00; --warn-bg: #fff6e0; }
* { box-sizing: border-box; }
body { margin: 0; font-family: ${CHART_FONT}; color: var(--text); line-height: 1.5; font-size: 14.5px; background: #fff; }
main { max-width: 1080px; margin: 0 auto; padding: 32px 28px 48px; }
header.report-head { border-bottom: 2px solid var(--accent); margin-bottom: 20px; padding-bottom: 10px; }
h1 { font-size: 1.7rem; margin: 0 0 4px; }
.subtitle { color: var(--muted); margin: 0; }
section { margin: 28px 0; }
h2 { font-size: 1.25rem; border-bottom: 1px solid var(--border); padding-bottom: 4px; margin: 0 0 12px; break-after: avoid; page-break-after: avoid; }
p { margin: 8px 0; }
.notice { background: var(--warn-bg); color: var(--warn); border-left: 4px solid #e0a400; padding: 8px 12px; border-radius: 4px; }
.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 4px 24px; margin: 8px 0; }
.facts div { display: flex; gap: 8px; border-bottom: 1px dotted var(--border); padding: 3px 0; break-inside: avoid; }
.facts dt { color: var(--muted); min-width: 9em; }
.facts dd { margin: 0; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
.table-wrap { overflow-x: auto; margin: 10px 0; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
caption { text-align: left; color: var(--muted); padding-bottom: 4px; }
th, td { border-bottom: 1px solid var(--border); padding: 5px 8px; text-align: left; vertical-align: top; }
thead th { border-bottom: 2px solid var(--text); background: var(--surface); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr { break-inside: avoid; page-break-inside: avoid; }
figure.chart { margin: 14px 0; border: 1px solid var(--border); border-radius: 6px; padding: 10px 12px 6px; break-inside: avoid; page-break-inside: avoid; }
figure.chart figcaption { font-weight: 600; display: flex; justify-content: space-between; align-items: center; gap: 12px; }
figure.chart svg, figure.pinned img { display: block; max-width: 100%; height: auto; }
figure.pinned img { margin: 6px auto; }
.chart-canvas { width: 100%; }
.caption { color: var(--muted); font-size: 12.5px; margin: 4px 0 0; }
button.full { font: inherit; font-weight: 400; font-size: 12px; border: 1px solid var(--border); background: var(--surface); border-radius: 4px; padding: 2px 8px; cursor: pointer; }
pre.code { background: #111827; color: #e5e7eb; padding: 12px 14px; border-radius: 6px; overflow-x: auto; font-size: 12.5px; white-space: pre-wrap; word-break: break-all; break-inside: avoid; }
.notes { border-left: 3px solid var(--border); padding-left: 14px; }
footer { color: var(--muted); font-size: 12px; border-top: 1px solid var(--border); margin-top: 32px; padding-top: 8px; }
@page { size: A4; margin: 14mm 12mm 16mm; }
@media print {
  main { max-width: none; padding: 0; }
  body { font-size: 11.5pt; }
  section { margin: 18px 0; }
  .table-wrap { overflow: visible; }
  button.full { display: none; }
  pre.code { background: #f3f4f6; color: #111827; border: 1px solid var(--border); }
}
`;

/** The bootstrap: draw every chart from its option, add zoom/restore/save tools, wire the full-data buttons. */
const BOOT = String.raw`
(function () {
  const data = JSON.parse(document.getElementById('lab-report-data').textContent);
  const charts = [];
  for (const c of data.charts) {
    const el = document.getElementById('chart-' + c.id);
    if (!el) continue;
    const chart = echarts.init(el, null, { renderer: 'canvas' });
    const option = Object.assign({}, c.option, {
      textStyle: Object.assign({ fontFamily: data.font }, c.option.textStyle || {}),
      toolbox: { bottom: 0, right: 4, itemSize: 13, feature: { dataZoom: { filterMode: 'none', yAxisIndex: 'none' }, restore: {}, saveAsImage: { name: c.id } } },
    });
    chart.setOption(option);
    charts.push(chart);
  }
  window.addEventListener('resize', function () { charts.forEach(function (c) { c.resize(); }); });
  function csvCell(s) { s = String(s); return /[",\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s; }
  document.querySelectorAll('button.full').forEach(function (btn) {
    btn.addEventListener('click', async function () {
      const id = btn.getAttribute('data-full');
      const att = data.full[id];
      const series = await labUnpack(att.meta, document.getElementById('full-' + id).textContent.trim());
      const lines = ['run,key,step,time,value'];
      for (const s of series) for (let i = 0; i < s.steps.length; i++) {
        const v = s.values[i];
        lines.push([csvCell(s.label), csvCell(s.key), s.steps[i], s.times[i] === null ? '' : s.times[i].toFixed(3), Number.isNaN(v) ? '' : v].join(','));
      }
      const a = document.createElement('a');
      a.href = URL.createObjectURL(new Blob([lines.join('\n') + '\n'], { type: 'text/csv' }));
      a.download = id + '.csv';
      document.body.appendChild(a);
      a.click();
      setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
    });
  });
  window.labReport = { charts: charts, unpack: function (id) { return labUnpack(data.full[id].meta, document.getElementById('full-' + id).textContent.trim()); } };
  document.body.setAttribute('data-charts-ready', String(charts.length));
})();`;

/**
 * The whole report as one HTML string. Nothing in it refers outside the file: the Content-Security-Policy allows only
 * inline scripts and styles and data: images, so even a stray URL could not load.
 */
export function renderHtml(doc: ReportDocument, mode: HtmlMode): string {
  const sections = doc.sections.map((s) =>
    `<section id="section-${s.id}" data-section="${s.id}"><h2>${escapeHtml(s.title)}</h2>\n${s.blocks.map((b) => blockHtml(b, mode, doc)).join('\n')}\n</section>`).join('\n');
  const csp = mode === 'print'
    ? "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:"
    : "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:; font-src data:";
  let scripts = '';
  if (mode === 'interactive') {
    const charts = doc.sections.flatMap((s) => s.blocks.flatMap((b) => (b.kind === 'chart' ? [b.chart] : [])));
    const full: Record<string, { meta: unknown; points: number }> = {};
    const blobs: string[] = [];
    for (const c of charts) {
      if (!c.full || c.full.length === 0) continue;
      const packed = packFullData(c.full);
      full[c.id] = { meta: packed.meta, points: packed.points };
      blobs.push(`<script type="application/octet-stream" id="full-${escapeHtml(c.id)}">\n${packed.base64}\n</script>`);
    }
    const data = { font: CHART_FONT, charts: charts.map((c) => ({ id: c.id, option: c.option })), full };
    scripts = [
      `<script type="application/json" id="lab-report-data">${jsonSafe(data)}</script>`,
      ...blobs,
      `<script>${scriptSafe(echartsScript())}</script>`,
      `<script>${scriptSafe(UNPACK_SCRIPT)}\n${scriptSafe(BOOT)}</script>`,
    ].join('\n');
  }
  return `<!doctype html>
<html lang="${doc.lang}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${escapeHtml(doc.generator)}">
<title>${escapeHtml(doc.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<header class="report-head"><h1>${escapeHtml(doc.title)}</h1><p class="subtitle">${escapeHtml(doc.subtitle)}</p></header>
${sections}
<footer>${escapeHtml(doc.generator)} · ${escapeHtml(doc.generatedAt)}</footer>
</main>
${scripts}
</body>
</html>
`;
}
