// Writes a report or its data in one format to a path: temporary name beside the target, then rename; nothing is
// overwritten without force and nothing half-written stays behind. PDF goes through the injected printer.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChannelOutput } from '../../../common/api';
import { printPdfWithChromium } from '../../reports/chromium';
import { runSummaryCsv, writeJsonExport, writeLongCsv, writeTfEvents, type ExportRun, type PointSource } from '../../reports/data-export';
import type { ReportDocument } from '../../reports/document';
import { renderHtml } from '../../reports/html';
import { renderLatex } from '../../reports/latex';
import { writeMarkdown } from '../../reports/md';
import { checkOutputPath, StreamOut, tempBeside, writeAtomically, writeError } from '../../reports/output';

export type ReportFormat = 'html' | 'pdf' | 'md' | 'tex' | 'csv' | 'json' | 'tfevents';
export type ExportResult = ChannelOutput<'reports.export'>;

/** Prints a print-mode HTML file to a PDF file: Electron's printToPDF in the app, a local Chromium elsewhere. */
export type PdfPrinter = (htmlFile: string, pdfFile: string) => Promise<{ browser: string }>;

export const chromiumPrinter: PdfPrinter = (html, pdf) => printPdfWithChromium(html, pdf);

export const EXTENSIONS: Record<ReportFormat, string> = { html: '.html', pdf: '.pdf', md: '.md', tex: '.tex', csv: '.csv', json: '.json', tfevents: '' };

async function fileSha256(file: string): Promise<{ sha256: string; bytes: number }> {
  const hash = crypto.createHash('sha256');
  let bytes = 0;
  for await (const chunk of fs.createReadStream(file)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

/** A folder's identity: sha256 over its files' relative paths and contents' hashes, in name order. */
async function folderSha256(folder: string): Promise<{ sha256: string; bytes: number; files: string[] }> {
  const files = (fs.readdirSync(folder, { recursive: true }) as string[]).map((f) => path.join(folder, f)).filter((f) => fs.statSync(f).isFile()).sort();
  const hash = crypto.createHash('sha256');
  let bytes = 0;
  for (const f of files) {
    const h = await fileSha256(f);
    hash.update(`${path.relative(folder, f)}\0${h.sha256}\n`);
    bytes += h.bytes;
  }
  return { sha256: hash.digest('hex'), bytes, files };
}

export interface ExportJob {
  format: ReportFormat;
  out: string;
  force: boolean;
  /** the document (report formats); attachFull was asked for html only */
  document?: () => Promise<ReportDocument>;
  /** the runs and their points (data formats) */
  runs?: ExportRun[];
  points?: PointSource;
  printer: PdfPrinter;
  generator: string;
}

export async function exportReport(job: ExportJob): Promise<Omit<ExportResult, 'notices'>> {
  const { format } = job;
  const folderOut = format === 'tfevents';
  const abs = checkOutputPath(job.out, { force: job.force, folder: folderOut, example: `report${EXTENSIONS[format] || ''}`, field: 'path' });
  switch (format) {
    case 'html':
    case 'tex': {
      const doc = await job.document!();
      await writeAtomically(abs, (temp) => fs.writeFileSync(temp, format === 'html' ? renderHtml(doc, 'interactive') : renderLatex(doc), { flag: 'wx' }));
      return { format, path: abs, files: [abs], ...(await fileSha256(abs)) };
    }
    case 'pdf': {
      const doc = await job.document!();
      const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'attention-lab-print-'));
      try {
        const html = path.join(scratch, 'report.html');
        fs.writeFileSync(html, renderHtml(doc, 'print'));
        let browser = '';
        await writeAtomically(abs, async (temp) => {
          browser = (await job.printer(html, temp)).browser;
        });
        return { format, path: abs, files: [abs], browser, ...(await fileSha256(abs)) };
      } finally {
        fs.rmSync(scratch, { recursive: true, force: true });
      }
    }
    case 'md': {
      const doc = await job.document!();
      const folderName = `${path.basename(abs).replace(/\.[^.]+$/, '')}_files`;
      const folder = path.join(path.dirname(abs), folderName);
      if (fs.existsSync(folder) && !job.force) checkOutputPath(folder, { force: false, folder: true, field: 'path' });
      // the figures' folder is moved into place first, so a .md never points at a folder that is not there
      const tempMd = tempBeside(abs);
      try {
        await writeAtomically(folder, (tempFolder) => writeMarkdown(doc, tempMd, tempFolder, folderName));
        fs.renameSync(tempMd, abs);
      } catch (e) {
        fs.rmSync(tempMd, { force: true });
        throw writeError(e, abs);
      }
      const figures = fs.readdirSync(folder).map((f) => path.join(folder, f));
      return { format, path: abs, files: [abs, ...figures], ...(await fileSha256(abs)) };
    }
    case 'csv': {
      const summary = abs.replace(/(\.csv)?$/i, '-runs.csv');
      if (fs.existsSync(summary) && !job.force) checkOutputPath(summary, { force: false, field: 'path' });
      let points = 0;
      await writeAtomically(abs, async (temp) => {
        const out = new StreamOut(temp);
        try {
          points = await writeLongCsv(out, job.runs!, job.points!);
          await out.end();
        } catch (e) {
          out.destroy();
          throw e;
        }
      });
      await writeAtomically(summary, (temp) => fs.writeFileSync(temp, runSummaryCsv(job.runs!), { flag: 'wx' }));
      return { format, path: abs, files: [abs, summary], points, ...(await fileSha256(abs)) };
    }
    case 'json': {
      let points = 0;
      await writeAtomically(abs, async (temp) => {
        const out = new StreamOut(temp);
        try {
          points = await writeJsonExport(out, job.runs!, job.points!, { generator: job.generator, exportedAt: new Date().toISOString() });
          await out.end();
        } catch (e) {
          out.destroy();
          throw e;
        }
      });
      return { format, path: abs, files: [abs], points, ...(await fileSha256(abs)) };
    }
    case 'tfevents': {
      let points = 0;
      await writeAtomically(abs, (temp) => {
        points = writeTfEvents(temp, job.runs!, job.points!);
      });
      const f = await folderSha256(abs);
      return { format, path: abs, files: f.files, points, sha256: f.sha256, bytes: f.bytes };
    }
  }
}
