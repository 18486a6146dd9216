// Report PDFs in the desktop app: an offscreen window loads the report's print-mode HTML from disk and Electron's
// webContents.printToPDF prints it with the same options the Chromium path sends over DevTools (A4, page numbers).
import fs from 'node:fs';
import { BrowserWindow } from 'electron';
import { PRINT_OPTIONS } from '../reports/chromium';
import type { PdfPrinter } from '../lab/reports/export';

export const electronPdfPrinter: PdfPrinter = async (htmlFile, pdfFile) => {
  // no preload, no node, sandboxed, and no network: the page is the lab's own self-contained report (its CSP allows
  // nothing from outside), shown to nobody
  // its own in-memory session: the app session's request filters are for the renderer, not for a file in a temp folder
  const win = new BrowserWindow({ show: false, webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false, javascript: false, partition: 'report-print' } });
  try {
    await win.loadFile(htmlFile);
    const pdf = await win.webContents.printToPDF({
      printBackground: PRINT_OPTIONS.printBackground,
      preferCSSPageSize: PRINT_OPTIONS.preferCSSPageSize,
      displayHeaderFooter: PRINT_OPTIONS.displayHeaderFooter,
      headerTemplate: PRINT_OPTIONS.headerTemplate,
      footerTemplate: PRINT_OPTIONS.footerTemplate,
    });
    fs.writeFileSync(pdfFile, pdf, { flag: 'wx' });
    return { browser: `Electron ${process.versions.electron} (Chromium ${process.versions.chrome})` };
  } finally {
    win.destroy();
  }
};
