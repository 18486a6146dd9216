// A CPU profile of Chromium opening an HTML report until its charts are drawn (for finding where open time goes):
//   npx tsx bench/reports/open_profile.ts REPORT.html OUT.cpuprofile
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { findChromium } from '../../main/reports/chromium';

const [file, out] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: findChromium() ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Performance.enable');
  await cdp.send('Profiler.start');
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('body[data-charts-ready]', { timeout: 120_000 });
  const { profile } = await cdp.send('Profiler.stop');
  const metrics = (await cdp.send('Performance.getMetrics')).metrics.filter((m) => /Duration|ThreadTime|ProcessTime/.test(m.name));
  console.log(metrics.map((m) => `${m.name} ${m.value.toFixed(3)}`).join('  '));
  fs.writeFileSync(out, JSON.stringify(profile));
} finally {
  await browser.close();
}
