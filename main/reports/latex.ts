// LaTeX from a report document: the comparison and run-summary tables as booktabs tables, with the text around them;
// charts are referred to, not drawn (the PDF and Markdown formats carry them). Compiles with pdflatex (en) or xelatex + ctex (zh-CN).
import type { ReportBlock, ReportDocument, ReportTable } from './document';

const SPECIALS: Record<string, string> = {
  '\\': '\\textbackslash{}', '{': '\\{', '}': '\\}', $: '\\$', '&': '\\&', '#': '\\#', '%': '\\%', _: '\\_',
  '^': '\\textasciicircum{}', '~': '\\textasciitilde{}', '<': '\\textless{}', '>': '\\textgreater{}', '|': '\\textbar{}',
};

/** Text with LaTeX's special characters escaped; ± × → – — and … become their LaTeX commands. */
export function texEscape(s: string): string {
  return s
    .replace(/[\\{}$&#%_^~<>|]/g, (c) => SPECIALS[c])
    .replace(/±/g, '$\\pm$')
    .replace(/×/g, '$\\times$')
    .replace(/→/g, '$\\rightarrow$')
    .replace(/…/g, '\\ldots{}');
}

export function booktabsTable(t: ReportTable, label: string): string {
  const spec = t.columns.map((_, i) => (t.align?.[i] === 'r' ? 'r' : i === 0 ? 'l' : 'p{0.22\\linewidth}')).join('');
  const row = (cells: string[]): string => `${cells.map(texEscape).join(' & ')} \\\\`;
  return [
    '\\begin{table}[htbp]',
    '\\centering\\small',
    t.caption ? `\\caption{${texEscape(t.caption)}}` : '',
    `\\label{${label}}`,
    // long tables (many runs) still fit the page width: columns wrap instead of overflowing
    `\\resizebox{\\ifdim\\width>\\linewidth\\linewidth\\else\\width\\fi}{!}{%`,
    `\\begin{tabular}{${spec}}`,
    '\\toprule',
    row(t.columns),
    '\\midrule',
    ...t.rows.map(row),
    '\\bottomrule',
    '\\end{tabular}}',
    '\\end{table}',
  ].filter((l) => l !== '').join('\n');
}

function blockTex(b: ReportBlock, sectionId: string, n: { table: number }, doc: ReportDocument): string {
  switch (b.kind) {
    case 'paragraph':
    case 'notice':
      return `${texEscape(b.text)}\n`;
    case 'list':
      return `\\begin{itemize}\n${b.items.map((i) => `  \\item ${texEscape(i)}`).join('\n')}\n\\end{itemize}\n`;
    case 'facts':
      return booktabsTable({ columns: ['', ''], rows: b.items.map(([k, v]) => [k, v]) }, `tab:${sectionId}-facts-${++n.table}`).replace('{lp{0.22\\linewidth}}', '{ll}');
    case 'table':
      return booktabsTable(b.table, `tab:${sectionId}-${++n.table}`);
    case 'chart':
      return `\\textit{${texEscape(doc.words.figure)}: ${texEscape(b.chart.title)}}\n`;
    case 'image':
      return `\\textit{${texEscape(doc.words.figure)}: ${texEscape(b.image.title)}}\n`;
    case 'markdown':
      return `${b.markdown.split(/\n{2,}/).map((p) => texEscape(p.replace(/^#+\s*/gm, '').replace(/[*_`]/g, ''))).join('\n\n')}\n`;
    case 'code':
      return `\\begin{verbatim}\n${b.code}\n\\end{verbatim}\n`;
  }
}

/** A standalone document: article class, booktabs + graphicx; ctex for zh-CN (compile with xelatex). */
export function renderLatex(doc: ReportDocument): string {
  const n = { table: 0 };
  const zh = doc.lang === 'zh-CN';
  const body = doc.sections.map((s) => `\\section{${texEscape(s.title)}}\n${s.blocks.map((b) => blockTex(b, s.id, n, doc)).join('\n')}`).join('\n');
  return [
    `% ${doc.generator}, ${doc.generatedAt}. ${zh ? 'Compile with xelatex (needs the ctex package).' : 'Compile with pdflatex.'}`,
    zh ? '\\documentclass[11pt]{ctexart}' : '\\documentclass[11pt]{article}',
    zh ? '' : '\\usepackage[utf8]{inputenc}\n\\usepackage[T1]{fontenc}',
    '\\usepackage[a4paper,margin=2cm]{geometry}',
    '\\usepackage{booktabs}',
    '\\usepackage{graphicx}',
    `\\title{${texEscape(doc.title)}}`,
    `\\author{${texEscape(doc.subtitle)}}`,
    `\\date{${texEscape(doc.generatedAt.slice(0, 10))}}`,
    '\\begin{document}',
    '\\maketitle',
    body,
    '\\end{document}',
    '',
  ].filter((l) => l !== '').join('\n');
}
