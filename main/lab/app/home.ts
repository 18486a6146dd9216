// The lab home: which folder holds lab.sqlite and the lab's files (--home, ATTENTION_LAB_HOME, or the OS app-data folder).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LabError } from '../../../common/errors';

export interface ResolveHomeOptions {
  /** the --home flag, if given; relative paths are taken from the current directory */
  home?: string;
  env?: NodeJS.ProcessEnv;
  /** for tests: the platform and user folder to resolve for (default: this machine's) */
  platform?: NodeJS.Platform;
  userHome?: string;
}

/** Folder names used inside the per-user app-data folder. */
const LINUX_DIR = 'attention-lab';
const DESKTOP_DIR = 'Attention Lab';

/**
 * The lab home in order of precedence: --home, then ATTENTION_LAB_HOME, then the per-user app-data
 * folder — Linux: $XDG_DATA_HOME/attention-lab or ~/.local/share/attention-lab; macOS:
 * ~/Library/Application Support/Attention Lab; Windows: %APPDATA%\Attention Lab. Always absolute.
 */
export function resolveHome(opts: ResolveHomeOptions = {}): string {
  const env = opts.env ?? process.env;
  const platform = opts.platform ?? process.platform;
  const pathApi = platform === 'win32' ? path.win32 : path.posix;
  const explicit = nonEmpty(opts.home) ?? nonEmpty(env.ATTENTION_LAB_HOME);
  if (explicit !== undefined) return pathApi.resolve(explicit);

  const userHome = opts.userHome ?? os.homedir();
  switch (platform) {
    case 'darwin':
      return pathApi.join(userHome, 'Library', 'Application Support', DESKTOP_DIR);
    case 'win32':
      return pathApi.join(nonEmpty(env.APPDATA) ?? pathApi.join(userHome, 'AppData', 'Roaming'), DESKTOP_DIR);
    default: {
      // XDG says a relative XDG_DATA_HOME is invalid and must be ignored.
      const xdg = nonEmpty(env.XDG_DATA_HOME);
      const base = xdg !== undefined && pathApi.isAbsolute(xdg) ? xdg : pathApi.join(userHome, '.local', 'share');
      return pathApi.join(base, LINUX_DIR);
    }
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** Where the lab database of a home lives. */
export function labDatabasePath(home: string): string {
  return path.join(home, 'lab.sqlite');
}

/**
 * Creates the home folder (and its parents) when missing and checks it can hold the database.
 * Throws LabError('store', …, { field: 'home' }) when the path is a file or the folder is not writable.
 */
export function ensureHome(home: string): string {
  const dir = path.resolve(home);
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw homeError(dir, e);
  }
  if (stat !== undefined && !stat.isDirectory()) {
    throw new LabError('store', `The lab home "${dir}" is a file, not a folder: move the file away or choose another --home.`, { field: 'home' });
  }
  if (stat === undefined) createFolders(dir);
  try {
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (e) {
    throw homeError(dir, e);
  }
  return dir;
}

/**
 * mkdir -p, one level at a time: Node 20's recursive mkdirSync spins forever under some virtual file
 * systems (e.g. /proc), and walking the levels lets the error name the part that is in the way.
 */
function createFolders(dir: string): void {
  const missing: string[] = [];
  let at = dir;
  while (!fs.existsSync(at)) {
    missing.unshift(at);
    const parent = path.dirname(at);
    if (parent === at) break;
    at = parent;
  }
  for (const level of missing) {
    try {
      fs.mkdirSync(level);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw homeError(dir, e, 'create');
    }
  }
}

function homeError(dir: string, e: unknown, doing: 'create' | 'use' = 'use'): LabError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOTDIR') {
    return new LabError('store', `The lab home "${dir}" cannot be created because part of its path is a file: choose another --home.`, { field: 'home', cause: e });
  }
  const reason = code ?? (e instanceof Error ? e.message : String(e));
  if (doing === 'create') {
    return new LabError('store', `The lab home "${dir}" could not be created (${reason}): choose a folder you can write to with --home.`, { field: 'home', cause: e });
  }
  return new LabError('store', `The lab home "${dir}" is not writable (${reason}): fix its permissions or choose another --home.`, { field: 'home', cause: e });
}
