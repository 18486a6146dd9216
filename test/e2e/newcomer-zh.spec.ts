// A newcomer's first hour in Chinese on a machine without CJK fonts (issue 14): Chromium is started with a fontconfig
// that hides every system font covering Chinese, so each Chinese glyph on the screenshots comes from the bundled font.
import { expect, test } from '@playwright/test';
import { useLabServer } from './lab-server';
import { fontconfigWithoutCjk, fontsDrawing, walk } from './newcomer-walk';

const lab = useLabServer();
test.use({
  locale: 'zh-CN',
  launchOptions: {
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  env: { ...process.env, FONTCONFIG_FILE: fontconfigWithoutCjk() },
  },
});

test('newcomer in Chinese without system CJK fonts: every Chinese glyph comes from the bundled font', async ({ page }) => {
  test.setTimeout(600_000);
  await page.goto(lab.url);
  await page.getByTestId('language-select').selectOption('zh-CN');
  await expect(page.getByTestId('nav-datasets')).toHaveText('数据集');
  // Chromium drew the Chinese navigation with the app's Noto Sans SC (a web font), and with no system CJK font
  // (swap: the fallback draws until the slices arrive, so poll)
  // (the woff2 files name themselves "Noto Sans SC Thin": one face of the variable font)
  await expect
    .poll(async () => (await fontsDrawing(page, '[data-testid="nav-datasets"]')).map((f) => `${f.familyName.replace(/ Thin$/, '')}${f.isCustomFont ? ' (web font)' : ''}`))
    .toEqual(['Noto Sans SC (web font)']);
  // the control: text that asks for the system's WenQuanYi font gets none (the font is hidden, not merely unused)
  await page.evaluate(`(() => {
    const span = document.createElement('span');
    span.id = 'cjk-control';
    span.style.fontFamily = "'WenQuanYi Micro Hei', sans-serif";
    span.textContent = '数据集';
    document.body.append(span);
  })()`);
  const control = await fontsDrawing(page, '#cjk-control');
  expect(control.map((f) => f.familyName)).not.toContain('WenQuanYi Micro Hei');
  await page.evaluate("document.getElementById('cjk-control')?.remove()");
  await walk(page, 'zh-CN', lab.url);
});
