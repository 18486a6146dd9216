// Test corpora for the tokenizer tests: the committed mixed English/Chinese fixture and, when present, tiny Shakespeare.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** English, Chinese, emoji, accents, Greek capitals, tabs and double spaces, one per line. */
export const FIXTURE = readFileSync(path.join(here, 'fixtures', 'mixed.txt'), 'utf8');
export const FIXTURE_LINES = FIXTURE.split('\n').filter((l) => l.length > 0);

const SHAKESPEARE_PATH = path.resolve(here, '../../../../shared/data/tinyshakespeare.txt');
/** tiny Shakespeare (1,115,394 characters) or null where the shared data folder is absent */
export const SHAKESPEARE: string | null = existsSync(SHAKESPEARE_PATH) ? readFileSync(SHAKESPEARE_PATH, 'utf8') : null;

/** Training documents: the first 300k characters of Shakespeare (when present) in speeches, plus the fixture lines. */
export function trainingDocs(): string[] {
  const speeches = SHAKESPEARE === null ? [] : SHAKESPEARE.slice(0, 300_000).split('\n\n');
  return [...speeches, ...FIXTURE_LINES];
}

/** Held-out text the tokenizers never saw in training: later Shakespeare in 20k-character slices. */
export function heldOutSlices(): string[] {
  if (SHAKESPEARE === null) return [];
  const out: string[] = [];
  for (let start = 400_000; start < SHAKESPEARE.length && out.length < 8; start += 90_000) out.push(SHAKESPEARE.slice(start, start + 20_000));
  return out;
}

/** Edge cases every kind must encode exactly as Hugging Face does. */
export const EDGE_TEXTS: string[] = [
  '',
  ' ',
  'Hello [CLS] world[SEP]x[MASK][PAD][UNK]',
  'a\u0085b\u00a0c\ufeffd\u200be\tf\r\ng\u0000h\u000bi',
  '한국어 텍스트와 العربية و 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 and ǅ ß İstanbul ΣΊΣΥΦΟΣ',
  "  leading spaces, 'quotes' and it's they're we've I'm he'd you'll",
  '数字123和字母abc混合，標點！？「引號」',
  '👩‍👩‍👧‍👦 family, 🇨🇳 flag, keycap 1️⃣',
  'x'.repeat(150) + ' ' + 'supercalifragilisticexpialidocious',
];
