// Shared by the install and start scripts: where things are, whether the Electron binary is there, whether a build is stale.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is main/install/paths.mjs). */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export const ELECTRON_PACKAGE = join(ROOT, 'node_modules', 'electron');
/** better-sqlite3 rebuilt for Electron's ABI; main/app/native-binding.ts loads it through `nativeBinding`. */
export const ELECTRON_SQLITE_DIR = join(ROOT, 'build-electron');
export const ELECTRON_SQLITE_BINDING = join(ELECTRON_SQLITE_DIR, 'better_sqlite3.node');
export const RENDERER_CONFIG = join(ROOT, 'renderer', 'vite.config.ts');
export const RENDERER_INDEX = join(ROOT, 'out', 'renderer', 'index.html');

/**
 * The Electron executable, or null when its download never happened (as on machines that reach only the npm
 * registry). Mirrors node_modules/electron/index.js: path.txt names the executable inside dist/.
 */
export function electronBinary() {
  const pathFile = join(ELECTRON_PACKAGE, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const bin = join(ELECTRON_PACKAGE, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(bin) ? bin : null;
}

export function electronVersion() {
  return JSON.parse(readFileSync(join(ELECTRON_PACKAGE, 'package.json'), 'utf8')).version;
}

/** Newest modification time (ms) of `paths` (files, or folders walked recursively, skipping node_modules, out and build). */
export function newestSourceTime(paths) {
  let newest = 0;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'out' || entry.name === 'build') continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  for (const path of paths) {
    if (!existsSync(path)) continue;
    if (statSync(path).isDirectory()) walk(path);
    else newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** True when `output` is missing or older than any of `sources` (files or folders). */
export function isStale(output, sources) {
  if (!existsSync(output)) return true;
  return statSync(output).mtimeMs < newestSourceTime(sources);
}
