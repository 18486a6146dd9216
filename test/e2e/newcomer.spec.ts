// A newcomer's first hour in English (issue 14): empty lab → sample corpus → tokenizer → BERT vs GPT → run → attention
// → back, following only the links the pages offer, with a screenshot of every step.
import { test } from '@playwright/test';
import { useLabServer } from './lab-server';
import { walk } from './newcomer-walk';

const lab = useLabServer();

test('newcomer in English: first dataset → first comparison → a look inside, by links only', async ({ page }) => {
  test.setTimeout(600_000);
  await walk(page, 'en', lab.url);
});
