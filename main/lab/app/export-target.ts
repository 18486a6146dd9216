// Where an export writes: the lab's exports/ folder for an omitted or relative path, and never over an existing file
// unless the caller asked (`--force`, `force: true`); the writers put the bytes in a temp file and rename it.
import fs from 'node:fs';
import path from 'node:path';
import { checkPathText } from '../../../common/path-text';
import { checkOutputPath } from '../../reports/output';

/**
 * The absolute file an export named `<stem><ext>` writes to.
 * - no path: `<home>/exports/<fileName>`, or `<name> (2).<ext>`, `(3)`, … when taken (a button never overwrites);
 * - a relative path: inside `<home>/exports/` (a server's working folder is nobody's choice; the CLI passes absolute
 *   paths resolved against its own folder);
 * - an existing folder: `fileName` inside it;
 * - an existing file: refused unless `force`.
 * `field` names the input the path came in (refusals carry it).
 */
export function exportTarget(home: string, requested: string | undefined, file: { stem: string; ext: string }, force: boolean, field = 'path'): string {
  const exportsDir = path.join(home, 'exports');
  const fileName = `${file.stem}${file.ext}`;
  if (requested === undefined) {
    fs.mkdirSync(exportsDir, { recursive: true });
    for (let n = 1; ; n++) {
      const candidate = path.join(exportsDir, n === 1 ? fileName : `${file.stem} (${n})${file.ext}`);
      if (!fs.existsSync(candidate)) return candidate;
    }
  }
  checkPathText(requested, { field, what: 'The output path' });
  if (!path.isAbsolute(requested)) fs.mkdirSync(exportsDir, { recursive: true });
  let target = path.isAbsolute(requested) ? requested : path.join(exportsDir, requested);
  if (isDirectory(target)) target = path.join(target, fileName);
  return checkOutputPath(target, { force, example: fileName, field });
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Writes `data` to `target` through `<target>.partial-<pid>` and a rename, so no half file ever has its name. */
export function writeFileAtomically(target: string, data: string | Uint8Array): void {
  const partial = `${target}.partial-${process.pid}`;
  try {
    fs.writeFileSync(partial, data);
    fs.renameSync(partial, target);
  } catch (e) {
    fs.rmSync(partial, { force: true });
    throw e;
  }
}
