// The newcomer walk shared by newcomer.spec.ts (English) and newcomer-zh.spec.ts (Chinese without system CJK fonts):
// an empty lab to a first BERT-vs-GPT comparison and a look inside, by the pages' own links only (issue 14).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, type Page } from '@playwright/test';
import { screenshots } from './lab-server';

/** A fontconfig file that loads the system's configuration and then rejects every font that covers Chinese. */
export function fontconfigWithoutCjk(): string {
  const dir = mkdtempSync(join(tmpdir(), 'attention-lab-fonts-'));
  const file = join(dir, 'fonts.conf');
  writeFileSync(
    file,
    `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <selectfont><rejectfont>
    <glob>/usr/share/fonts/truetype/wqy/*</glob>
    <glob>/usr/share/fonts/opentype/noto/*CJK*</glob>
    <glob>/usr/share/fonts/truetype/arphic*/*</glob>
    <pattern><patelt name="lang"><string>zh-cn</string></patelt></pattern>
  </rejectfont></selectfont>
  <cachedir>${dir}</cachedir>
</fontconfig>
`,
  );
  return file;
}

/** The fonts Chromium actually drew a node's text with (CDP), e.g. [{ familyName: 'Noto Sans SC', isCustomFont: true }]. */
export async function fontsDrawing(page: Page, selector: string): Promise<{ familyName: string; isCustomFont: boolean; glyphCount: number }[]> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('DOM.enable');
  await cdp.send('CSS.enable');
  const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
  const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
  const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
  await cdp.detach();
  return fonts;
}

/** Empty lab → sample corpus → tokenizer → BERT vs GPT → run → attention → back, by the pages' own links only. */
export async function walk(page: Page, language: 'en' | 'zh-CN', url: string): Promise<void> {
  const shot = screenshots(`newcomer-${language}-`);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));

  await page.goto(url);
  await page.getByTestId('language-select').selectOption(language);
  await expect(page.getByTestId('samples')).toBeVisible();
  await shot(page, '01-empty-lab');

  // The explorer of an empty lab says what to do first and links there.
  await page.goto(`${url.split('?')[0]}#/attention`);
  await expect(page.getByTestId('attention-no-models')).toBeVisible();
  await shot(page, '02-explorer-empty');
  await page.getByTestId('attention-open-datasets').click();

  // A sample corpus in one click; its page leads on to a tokenizer and to a comparison.
  await page.getByTestId('sample-import-sotu').click();
  await expect(page.getByTestId('dataset-detail')).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId('next-compare')).toBeVisible();
  await shot(page, '03-dataset');
  await page.getByTestId('next-tokenizer').click();

  // The tokenizer form arrives with that dataset chosen; the trained tokenizer's page leads to training with it.
  await expect(page.getByTestId('tokenizer-dataset')).toHaveValue(/\d+/);
  await page.getByTestId('tokenizer-train-submit').click();
  await expect(page.getByTestId('tokenizer-detail')).toBeVisible({ timeout: 120_000 });
  await shot(page, '04-tokenizer');
  await page.getByTestId('next-train-with-tokenizer').click();

  // The wizard has the dataset and the tokenizer filled in; a short budget keeps the test short.
  await expect(page.getByTestId('wizard-page')).toBeVisible();
  await expect(page.getByTestId('train-tokenizer')).not.toHaveValue('');
  await page.getByTestId('wizard-budget-value').fill('40');
  await page.getByTestId('wizard-lr-sweep').uncheck();
  await shot(page, '05-wizard');
  await page.getByTestId('wizard-submit').click();

  await expect(page.getByTestId('experiment-page')).toBeVisible({ timeout: 120_000 });
  const runs = page.locator('[data-testid^="experiment-run-"]');
  await expect(runs).toHaveCount(2);
  for (const family of ['gpt', 'bert']) {
    await expect(page.locator(`[data-testid^="experiment-run-${family}-"] [data-testid="run-status"].completed`)).toBeVisible({ timeout: 240_000 });
  }
  await expect(page.getByTestId('comparison-table')).toBeVisible({ timeout: 120_000 });
  await shot(page, '06-comparison');

  // A run's page leads to its attention; the explorer arrives with that run chosen.
  await page.locator('[data-testid^="experiment-run-gpt-"] a').first().click();
  await expect(page.getByTestId('run-page')).toBeVisible();
  await expect(page.getByTestId('next-steps')).toBeVisible();
  await shot(page, '07-run');
  await page.getByTestId('next-attention').click();
  await expect(page.getByTestId('attention-run')).not.toHaveValue('');
  await page.getByTestId('attention-go').click();
  await expect(page.getByTestId('heatmap-panel')).toBeVisible({ timeout: 60_000 });
  await shot(page, '08-attention');
  await page.goBack();
  await expect(page.getByTestId('run-page')).toBeVisible();
  expect(errors).toEqual([]);
}

