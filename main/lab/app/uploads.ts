// Browser-mode uploads (<home>/uploads/<random>-<name>) are copies made only so the lab can import them: once a copy
// is imported its text is in the store and the copy is removed; copies never imported (a dialog closed after the
// upload) are removed a day later, when a lab server starts.
import fs from 'node:fs';
import path from 'node:path';
import { LabError } from '../../../common/errors';

const DAY_MS = 24 * 60 * 60 * 1000;

export function uploadsDir(home: string): string {
  return path.join(home, 'uploads');
}

/** Removes `file` when it is an upload copy directly inside <home>/uploads; true when it removed one. */
export function removeUpload(home: string, file: string): boolean {
  const dir = path.resolve(uploadsDir(home));
  const target = path.resolve(file);
  if (path.dirname(target) !== dir) return false;
  try {
    fs.rmSync(target, { force: true });
    return true;
  } catch {
    // a copy that cannot be removed now is swept with the stale ones later
    return false;
  }
}

/** Removes upload copies older than `maxAgeMs` (default a day); returns how many went. */
export function sweepUploads(home: string, maxAgeMs = DAY_MS, now = Date.now()): number {
  const dir = uploadsDir(home);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const file = path.join(dir, name);
    try {
      const st = fs.statSync(file);
      if (st.isFile() && now - st.mtimeMs > maxAgeMs) {
        fs.rmSync(file, { force: true });
        removed += 1;
      }
    } catch {
      // gone already, or not ours to judge: leave it
    }
  }
  return removed;
}

/** The name a person gave a file: an upload copy's "<12 hex>-" prefix removed, otherwise the file's base name. */
export function uploadedName(home: string, file: string): string {
  const base = path.basename(file);
  return path.dirname(path.resolve(file)) === path.resolve(uploadsDir(home)) ? base.replace(/^[0-9a-f]{12}-/, '') : base;
}

/** Whether `file` is an upload copy directly inside <home>/uploads. */
export function isUpload(home: string, file: string): boolean {
  return path.dirname(path.resolve(file)) === path.resolve(uploadsDir(home));
}

/**
 * An error about an upload copy, told with the name the person chose ("poems.txt") instead of the lab's internal copy
 * (<home>/uploads/3fa1…-poems.txt), which they never saw; any other error as it is.
 */
export function withUploadName(home: string, file: string, e: unknown): unknown {
  if (!(e instanceof LabError) || !isUpload(home, file)) return e;
  const name = uploadedName(home, file);
  const swap = (text: string): string => [path.resolve(file), file, path.basename(file)].reduce((t, p) => t.split(p).join(name), text);
  return new LabError(e.code, swap(e.message), { field: e.field === undefined ? undefined : swap(e.field), details: e.details, cause: e });
}
