// PDF outside Electron: a locally installed Chromium-family browser, driven headless over the DevTools protocol on a pipe
// (no port, no network), prints the report's print-mode HTML with Page.printToPDF — the call Electron's printToPDF makes.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LabError } from '../../common/errors';

/** Where browsers install themselves, per platform; ATTENTION_LAB_CHROMIUM overrides them all. */
function candidates(): string[] {
  const env = process.env;
  if (process.platform === 'darwin') {
    return ['Google Chrome.app/Contents/MacOS/Google Chrome', 'Chromium.app/Contents/MacOS/Chromium', 'Microsoft Edge.app/Contents/MacOS/Microsoft Edge', 'Brave Browser.app/Contents/MacOS/Brave Browser']
      .flatMap((app) => [path.join('/Applications', app), path.join(os.homedir(), 'Applications', app)]);
  }
  if (process.platform === 'win32') {
    const roots = [env.PROGRAMFILES, env['PROGRAMFILES(X86)'], env.LOCALAPPDATA].filter((r): r is string => !!r);
    return roots.flatMap((r) => [path.join(r, 'Google', 'Chrome', 'Application', 'chrome.exe'), path.join(r, 'Microsoft', 'Edge', 'Application', 'msedge.exe'), path.join(r, 'Chromium', 'Application', 'chrome.exe')]);
  }
  const names = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'microsoft-edge', 'brave-browser'];
  const dirs = (env.PATH ?? '/usr/bin:/usr/local/bin').split(path.delimiter);
  return [...names.flatMap((n) => dirs.map((d) => path.join(d, n))), '/snap/bin/chromium', '/opt/google/chrome/chrome'];
}

/** What to install, said for the platform the lab runs on. */
export function chromiumInstallHint(): string {
  if (process.platform === 'darwin') return 'install Google Chrome or Chromium in /Applications';
  if (process.platform === 'win32') return 'install Google Chrome or Microsoft Edge (Edge comes with Windows 10 and 11)';
  return 'install Chromium (Debian/Ubuntu: `sudo apt install chromium`; Fedora: `sudo dnf install chromium`) or Google Chrome';
}

/** The browser PDF export will use: ATTENTION_LAB_CHROMIUM when set, else the first installed candidate, else null. */
export function findChromium(): string | null {
  const forced = process.env.ATTENTION_LAB_CHROMIUM;
  if (forced) return forced;
  for (const c of candidates()) {
    try {
      fs.accessSync(c, fs.constants.X_OK);
      if (fs.statSync(c).isFile()) return c;
    } catch {
      // not installed there
    }
  }
  return null;
}

export function noChromiumError(): LabError {
  return new LabError('unavailable', `PDF export outside the desktop app needs a Chromium-based browser installed on this computer, and none was found (looked for chromium, google-chrome, microsoft-edge…). To fix it, ${chromiumInstallHint()}, or set ATTENTION_LAB_CHROMIUM to the browser's executable. The HTML, Markdown and LaTeX formats need no browser.`, { field: 'format' });
}

export interface PdfResult {
  /** the browser used: its path and the version it reported */
  browser: string;
  bytes: number;
}

/** Options Page.printToPDF and Electron's webContents.printToPDF share: A4 from the page's @page rule, page numbers below. */
export const PRINT_OPTIONS = {
  printBackground: true,
  preferCSSPageSize: true,
  displayHeaderFooter: true,
  headerTemplate: '<span></span>',
  footerTemplate: '<div style="font-size:8px;width:100%;text-align:center;color:#666;font-family:sans-serif"><span class="pageNumber"></span> / <span class="totalPages"></span></div>',
};

interface CdpMessage {
  id?: number;
  method?: string;
  sessionId?: string;
  result?: Record<string, unknown>;
  error?: { message: string };
  params?: Record<string, unknown>;
}

/**
 * Prints `htmlFile` (a print-mode report) to `pdfFile` with a headless browser. Throws 'unavailable' naming what to
 * install when there is no browser, and a sentence with the browser's own words when it fails or takes longer than
 * timeoutMs. The browser gets a fresh profile in a temporary folder, removed afterwards.
 */
export async function printPdfWithChromium(htmlFile: string, pdfFile: string, opts: { timeoutMs?: number; browser?: string } = {}): Promise<PdfResult> {
  const exe = opts.browser ?? findChromium();
  if (exe === null) throw noChromiumError();
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'attention-lab-pdf-'));
  const args = [
    '--headless', '--disable-gpu', '--no-first-run', '--no-default-browser-check', '--disable-extensions',
    '--disable-background-networking', '--disable-component-update', '--disable-sync', '--mute-audio',
    `--user-data-dir=${profile}`, '--remote-debugging-pipe',
  ];
  // Chromium refuses to start as root inside its sandbox (containers, CI); elsewhere the sandbox stays on.
  if (process.getuid?.() === 0) args.push('--no-sandbox');
  const child = spawn(exe, args, { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    if (stderr.length < 4000) stderr += d.toString();
  });
  const toBrowser = child.stdio[3] as NodeJS.WritableStream;
  const fromBrowser = child.stdio[4] as NodeJS.ReadableStream;
  let nextId = 1;
  const waiting = new Map<number, { resolve: (r: Record<string, unknown>) => void; reject: (e: Error) => void }>();
  const eventWaiters: { method: string; resolve: () => void }[] = [];
  let buffered = '';
  fromBrowser.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    let end: number;
    while ((end = buffered.indexOf('\0')) !== -1) {
      const msg = JSON.parse(buffered.slice(0, end)) as CdpMessage;
      buffered = buffered.slice(end + 1);
      if (msg.id !== undefined) {
        const w = waiting.get(msg.id);
        waiting.delete(msg.id);
        if (msg.error) w?.reject(new Error(msg.error.message));
        else w?.resolve(msg.result ?? {});
      } else if (msg.method) {
        for (let i = eventWaiters.length - 1; i >= 0; i -= 1) {
          if (eventWaiters[i].method === msg.method) eventWaiters.splice(i, 1)[0].resolve();
        }
      }
    }
  });
  const exited = new Promise<never>((_, reject) => {
    child.once('error', (e) => reject(new LabError('unavailable', `The browser at ${exe} could not be started (${e.message}); ${chromiumInstallHint()}, or set ATTENTION_LAB_CHROMIUM.`, { field: 'format' })));
    child.once('exit', (code) => reject(new LabError('internal', `The browser at ${exe} exited (code ${code}) before the PDF was printed. It said: ${stderr.trim().slice(-600) || '(nothing)'}`)));
  });
  // the browser also exits when it is closed after printing; only a race that is still waiting cares
  exited.catch(() => undefined);
  const send = (method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, unknown>> => {
    const id = nextId++;
    const p = new Promise<Record<string, unknown>>((resolve, reject) => waiting.set(id, { resolve, reject }));
    toBrowser.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    return Promise.race([p, exited]);
  };
  const timeoutMs = opts.timeoutMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new LabError('internal', `The browser at ${exe} did not finish printing the PDF within ${Math.round(timeoutMs / 1000)} s.`)), timeoutMs);
  });
  try {
    return await Promise.race([timeout, (async (): Promise<PdfResult> => {
      const version = await send('Browser.getVersion');
      const { targetId } = (await send('Target.createTarget', { url: 'about:blank' })) as { targetId: string };
      const { sessionId } = (await send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
      await send('Page.enable', {}, sessionId);
      const loaded = new Promise<void>((resolve) => eventWaiters.push({ method: 'Page.loadEventFired', resolve }));
      await send('Page.navigate', { url: pathToFileURL(htmlFile).href }, sessionId);
      await Promise.race([loaded, exited]);
      // fonts (CJK ones are large) must be ready before layout is printed
      await send('Runtime.evaluate', { expression: 'document.fonts.ready.then(() => true)', awaitPromise: true }, sessionId);
      const { data } = (await send('Page.printToPDF', { ...PRINT_OPTIONS, transferMode: 'ReturnAsBase64' }, sessionId)) as { data: string };
      const pdf = Buffer.from(data, 'base64');
      fs.writeFileSync(pdfFile, pdf, { flag: 'wx' });
      return { browser: `${exe} (${String(version.product ?? 'unknown version')})`, bytes: pdf.length };
    })()]);
  } finally {
    clearTimeout(timer);
    try {
      toBrowser.write(`${JSON.stringify({ id: nextId++, method: 'Browser.close', params: {} })}\0`);
    } catch {
      // the pipe is gone: the browser already exited
    }
    const gone = new Promise((resolve) => child.once('exit', resolve));
    const killer = setTimeout(() => child.kill('SIGKILL'), 3000);
    if (child.exitCode === null && child.signalCode === null) await gone;
    clearTimeout(killer);
    fs.rmSync(profile, { recursive: true, force: true });
  }
}
