// Messages a person reads in a terminal too (services' LabErrors, CLI notes) must say what to run, not only where to click
// (issue 14): a sentence sending the reader to "the Datasets page" or "Datasets → Split" also names an `attention-lab …`
// command, and every `attention-lab <command> --option` a message names exists in the CLI's command table.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../main/cli/index';
import { isGroup, type CliCommand } from '../../../main/cli/command';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
/** Folders whose strings reach a terminal; the report writers' own words (html/latex/messages) are documents, not advice. */
const SCANNED = ['main', 'common'];
const SKIPPED = /^main\/(reports\/(html|latex|messages|markdown)|server|app)\b|^main\/renderer\b/;

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : /\.ts$/.test(name) ? [full] : [];
  });
}

/** Every source line outside comments, with its file and number. */
function sourceLines(): Array<{ where: string; text: string }> {
  const out: Array<{ where: string; text: string }> = [];
  for (const top of SCANNED) {
    for (const file of walk(join(ROOT, top))) {
      const rel = relative(ROOT, file).split('\\').join('/');
      if (SKIPPED.test(rel)) continue;
      readFileSync(file, 'utf8').split('\n').forEach((text, i) => {
        if (!/^\s*(\/\/|\*|\/\*)/.test(text)) out.push({ where: `${rel}:${i + 1}`, text });
      });
    }
  }
  return out;
}

/** "the Datasets page", "on the Runs page", "Datasets → Split": a place in the app's window. */
const GUI_PLACE = /\b(the|on|from) (the )?[A-Z][a-z]+ page\b|\b[A-Z][a-z]+ → [A-Z][a-z]+/;

/** `attention-lab datasets split "x" --train 0.9` → { words: ['datasets', 'split', '"x"'], options: ['train'] } */
function mentionedCommands(text: string): Array<{ words: string[]; options: string[] }> {
  const out: Array<{ words: string[]; options: string[] }> = [];
  for (const m of text.matchAll(/attention-lab ([^`'"()\\]*)/g)) {
    const parts = m[1].trim().split(/\s+/);
    out.push({ words: parts.filter((p) => !p.startsWith('-')), options: parts.filter((p) => p.startsWith('--')).map((p) => p.slice(2)) });
  }
  return out;
}

function findCommand(words: string[]): CliCommand | null {
  const top = COMMANDS.find((c) => c.name === words[0]);
  if (!top) return null;
  if (!isGroup(top)) return top;
  return top.commands.find((c) => c.name === words[1]) ?? null;
}

const GLOBAL_OPTIONS = new Set(['home', 'json', 'help']);

describe('messages that reach a terminal', () => {
  const lines = sourceLines();

  it('name a command wherever they point to a place in the app', () => {
    const bare = lines.filter((l) => GUI_PLACE.test(l.text) && /['"`]/.test(l.text) && !l.text.includes('attention-lab'));
    expect(bare.map((l) => `${l.where}: ${l.text.trim()}`)).toEqual([]);
  });

  it('name only commands and options the CLI has', () => {
    const wrong: string[] = [];
    for (const l of lines) {
      if (!/`attention-lab [a-z]/.test(l.text.replaceAll('\\`', '`'))) continue;
      for (const m of mentionedCommands(l.text)) {
        if (m.words.length === 0 || !/^[a-z]/.test(m.words[0])) continue;
        const command = findCommand(m.words);
        if (!command) {
          wrong.push(`${l.where}: no command "${m.words.slice(0, 2).join(' ')}"`);
          continue;
        }
        for (const o of m.options) if (!(o in command.options) && !GLOBAL_OPTIONS.has(o)) wrong.push(`${l.where}: "${command.name}" has no --${o}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
