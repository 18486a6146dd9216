// The CLI as the end-to-end specs use it to prepare a served lab home before the browser opens it: one command
// (fails the test with its stderr), a text file imported as a paragraphs dataset, and the small patterned corpus
// several specs train on.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const BIN = join('main', 'cli', 'bin.mjs');

/** Runs `attention-lab --home <home> …args` and returns its stdout; throws with its stderr when it fails. */
export function labCli(home: string, ...args: string[]): string {
  const r = spawnSync(process.execPath, [BIN, '--home', home, ...args], { encoding: 'utf8', timeout: 180_000 });
  if (r.status !== 0) throw new Error(`attention-lab ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

/** Writes `text` to <home>/<name>.txt and imports it as the dataset `name`, one document per paragraph. */
export function importText(home: string, name: string, text: string): void {
  const file = join(home, `${name}.txt`);
  writeFileSync(file, text);
  labCli(home, 'datasets', 'import', file, '--name', name, '--mode', 'paragraphs');
}

/** `count` paragraphs of two short patterned sentences: every character the explorer specs type occurs in them. */
export function patternedText(count: number): string {
  const words = ['the cat sees a dog', 'a dog sees the cat', 'to be or not to be', 'the king calls a bird'];
  return Array.from({ length: count }, (_, i) => `${words[i % 4]}, ${words[(i * 3 + 1) % 4]}.`).join('\n\n');
}
