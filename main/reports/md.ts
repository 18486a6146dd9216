// Markdown from a report document: GitHub/GitLab-flavoured tables, charts as SVG files in a folder beside the .md.
import fs from 'node:fs';
import path from 'node:path';
import type { ReportBlock, ReportDocument, ReportTable } from './document';
import { renderChartSvg } from './svg';

/** A table cell: pipes escaped, line breaks as <br> (GFM tables are one line per row). */
function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

export function markdownTable(t: ReportTable): string {
  const head = `| ${t.columns.map(cell).join(' | ')} |`;
  const rule = `| ${t.columns.map((_, i) => (t.align?.[i] === 'r' ? '---:' : '---')).join(' | ')} |`;
  const rows = t.rows.map((r) => `| ${r.map(cell).join(' | ')} |`);
  return [t.caption ? `*${t.caption}*\n` : '', head, rule, ...rows].filter((l) => l !== '').join('\n');
}

/** A chart's SVG file name: its id made safe for every file system. */
export function svgName(id: string): string {
  return `${id.replace(/[^A-Za-z0-9._-]+/g, '-')}.svg`;
}

export function imageName(id: string, mime: string): string {
  return `${id.replace(/[^A-Za-z0-9._-]+/g, '-')}.${mime === 'image/png' ? 'png' : 'svg'}`;
}

function blockMd(b: ReportBlock, folderName: string): string {
  switch (b.kind) {
    case 'paragraph':
      return b.text;
    case 'notice':
      return `> **!** ${b.text}`;
    case 'list':
      return b.items.map((i) => `- ${i}`).join('\n');
    case 'facts':
      return markdownTable({ columns: ['', ''], rows: b.items.map(([k, v]) => [`**${k}**`, v]) });
    case 'table':
      return markdownTable(b.table);
    case 'chart':
      return `![${b.chart.title}](${encodeURI(`${folderName}/${svgName(b.chart.id)}`)})${b.chart.caption ? `\n\n*${b.chart.caption}*` : ''}`;
    case 'image':
      return `![${b.image.title}](${encodeURI(`${folderName}/${imageName(b.image.id, b.image.mime)}`)})${b.image.caption ? `\n\n*${b.image.caption}*` : ''}`;
    case 'markdown':
      return b.markdown.trim();
    case 'code':
      return `\`\`\`${b.language}\n${b.code}\n\`\`\``;
  }
}

/** The .md text; charts link to `<folderName>/<chart>.svg` (relative, so the pair can be moved or committed together). */
export function renderMarkdown(doc: ReportDocument, folderName: string): string {
  const parts = [`# ${doc.title}`, `*${doc.subtitle}*`];
  for (const s of doc.sections) {
    parts.push(`## ${s.title}`);
    for (const b of s.blocks) parts.push(blockMd(b, folderName));
  }
  parts.push(`---\n*${doc.generator} · ${doc.generatedAt}*`);
  return `${parts.join('\n\n')}\n`;
}

/**
 * Writes `<mdFile>` and its figures folder `<name>_files/` (one SVG per chart, rendered without a browser). Returns
 * the folder's path. Both are written under the names given, so callers write them to temporary names and rename.
 */
export function writeMarkdown(doc: ReportDocument, mdFile: string, folder: string, folderName: string): { figures: number } {
  fs.mkdirSync(folder, { recursive: true });
  let figures = 0;
  for (const s of doc.sections) {
    for (const b of s.blocks) {
      if (b.kind === 'image') {
        fs.writeFileSync(path.join(folder, imageName(b.image.id, b.image.mime)), b.image.mime === 'image/png' ? Buffer.from(b.image.data, 'base64') : b.image.data);
        figures += 1;
      }
      if (b.kind !== 'chart') continue;
      fs.writeFileSync(path.join(folder, svgName(b.chart.id)), renderChartSvg(b.chart.option, b.chart.width, b.chart.height));
      figures += 1;
    }
  }
  fs.writeFileSync(mdFile, renderMarkdown(doc, folderName), { flag: 'wx' });
  return { figures };
}
