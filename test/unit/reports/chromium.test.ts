// Reports in a real browser: the HTML opened from file:// in Debian's Chromium with every network request blocked
// (charts drawn, no console error, nothing leaves), and the PDF printed by Chromium, read back by poppler (pdfinfo,
// pdftotext) and turned into PNG pages (pdftoppm) kept as screenshots.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium, printPdfWithChromium } from '../../../main/reports/chromium';
import { renderHtml } from '../../../main/reports/html';
import { sampleDocument } from './sample-document';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-chromium-'));
const shots = path.resolve('test-results', 'screenshots');
let browser: Browser;

beforeAll(async () => {
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  fs.mkdirSync(shots, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('HTML report from disk, offline', () => {
  for (const lang of ['en', 'zh-CN'] as const) {
    it(`draws its charts with no console error and no request leaving the page (${lang})`, async () => {
      const file = path.join(tmp, `report-${lang}.html`);
      fs.writeFileSync(file, renderHtml(sampleDocument(lang), 'interactive'));
      const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, acceptDownloads: true });
      const outside: string[] = [];
      await context.route('**/*', (route) => {
        const url = route.request().url();
        if (url.startsWith('file:') || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
        outside.push(url);
        return route.abort();
      });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(pathToFileURL(file).href);
      await expect.poll(() => page.getAttribute('body', 'data-charts-ready')).toBe('1');
      // the canvas holds drawn pixels, not a blank area
      // (page scripts are strings: this file is type-checked without the DOM library)
      const inked = await page.evaluate<number>(`(() => {
        const canvas = document.querySelector('#chart-train-loss-step canvas');
        const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let n = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n += 1;
        return n;
      })()`);
      expect(inked).toBeGreaterThan(5000);
      // legend toggle: hiding a run redraws without error
      await page.evaluate(`window.labReport.charts[0].dispatchAction({ type: 'legendToggleSelect', name: 'gpt-seed0' })`);
      // the attached full data unpacks in the page to every point
      const counts = await page.evaluate<number[][]>(`window.labReport.unpack('train-loss-step').then((s) => s.map((x) => [x.steps.length, x.steps[1999], x.values[0]]))`);
      expect(counts.map((c) => c[0])).toEqual([2000, 2000, 2000, 2000]);
      expect(counts[0][1]).toBe(2000);
      const download = page.waitForEvent('download');
      await page.click('button.full');
      const csv = fs.readFileSync(await (await download).path(), 'utf8').split('\n');
      expect(csv[0]).toBe('run,key,step,time,value');
      expect(csv).toHaveLength(8002);
      await page.screenshot({ path: path.join(shots, `report-html-${lang}.png`), fullPage: true });
      expect(errors).toEqual([]);
      expect(outside).toEqual([]);
      await context.close();
    });
  }
});

describe('PDF through a local Chromium', () => {
  it('finds the browser it will use', () => {
    expect(findChromium()).toMatch(/chrom/);
  });

  for (const lang of ['en', 'zh-CN'] as const) {
    it(`prints the report with vector charts and text poppler can read (${lang})`, async () => {
      const html = path.join(tmp, `print-${lang}.html`);
      fs.writeFileSync(html, renderHtml(sampleDocument(lang), 'print'));
      const pdf = path.join(tmp, `report-${lang}.pdf`);
      const result = await printPdfWithChromium(html, pdf);
      expect(result.browser).toMatch(/chrom.*\(.*\d+\./i);
      const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
      const pages = Number(/Pages:\s+(\d+)/.exec(info)?.[1]);
      expect(pages).toBeGreaterThanOrEqual(1);
      expect(info).toMatch(/Page size:\s+59[45]\.\d+ x 841\.\d+ pts \(A4\)/);
      const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
      expect(text).toContain(lang === 'en' ? 'Report: BERT vs GPT' : '报告：BERT 与 GPT 对比');
      expect(text).toContain('train/loss');
      execFileSync('pdftoppm', ['-png', '-r', '70', pdf, path.join(shots, `report-pdf-${lang}-page`)]);
      const pngs = fs.readdirSync(shots).filter((f) => f.startsWith(`report-pdf-${lang}-page`));
      expect(pngs.length).toBe(pages);
    });
  }

  it('says what to install when no browser is found, and writes nothing', async () => {
    const saved = { path: process.env.PATH, forced: process.env.ATTENTION_LAB_CHROMIUM };
    process.env.PATH = tmp;
    delete process.env.ATTENTION_LAB_CHROMIUM;
    try {
      if (findChromium() !== null) return; // a browser outside PATH (/snap, /opt): nothing to test here
      await expect(printPdfWithChromium(path.join(tmp, 'print-en.html'), path.join(tmp, 'none.pdf'))).rejects.toThrow(/install Chromium \(Debian\/Ubuntu: `sudo apt install chromium`/);
      expect(fs.existsSync(path.join(tmp, 'none.pdf'))).toBe(false);
    } finally {
      process.env.PATH = saved.path;
      if (saved.forced !== undefined) process.env.ATTENTION_LAB_CHROMIUM = saved.forced;
    }
  });
});
