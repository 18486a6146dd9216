// npm's postinstall: fetch Electron's binary, build the kernels addon, the renderer, and better-sqlite3 for Electron — warn, never fail.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  electronBinary, electronVersion, ELECTRON_PACKAGE, ELECTRON_SQLITE_BINDING, ELECTRON_SQLITE_DIR,
  isStale, RENDERER_CONFIG, RENDERER_INDEX, ROOT,
} from './paths.mjs';

const ELECTRON_DOWNLOAD_TIMEOUT_MS = 60_000;
const BUILD_TIMEOUT_MS = 10 * 60_000;

function say(line) {
  console.log(`attention-lab install: ${line}`);
}

/** Runs a Node script to completion; output goes to the log only when it fails, so a good install stays short. */
function node(args, { cwd = ROOT, timeout = BUILD_TIMEOUT_MS, env = process.env } = {}) {
  const r = spawnSync(process.execPath, args, { cwd, timeout, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const ok = r.status === 0 && r.error === undefined;
  const why = r.error?.code === 'ETIMEDOUT' ? `timed out after ${Math.round(timeout / 1000)} s` : r.error ? r.error.message : `exit code ${r.status}`;
  return { ok, why, log: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim() };
}

function lastLines(text, n = 5) {
  return text.split('\n').slice(-n).map((l) => `    ${l}`).join('\n');
}

const NODE_GYP = join(ROOT, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');

// (a) Electron's own install script was blocked (allowScripts) because its failure would abort the whole install.
function fetchElectron() {
  if (electronBinary()) return say('Electron binary present.');
  if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) return say('Electron binary not fetched (ELECTRON_SKIP_BINARY_DOWNLOAD is set); `npm start` will use browser mode.');
  const r = node([join(ELECTRON_PACKAGE, 'install.js')], { timeout: ELECTRON_DOWNLOAD_TIMEOUT_MS });
  if (r.ok && electronBinary()) return say(`Electron ${electronVersion()} binary downloaded.`);
  // The first line of the download's stack trace is the reason (e.g. "RequestError: getaddrinfo ENOTFOUND github.com").
  const reason = r.log.split('\n').find((l) => /error/i.test(l))?.trim() ?? r.why;
  say(`warning: the Electron binary could not be downloaded (${reason}); \`npm start\` will serve the app to your browser instead.`);
}

// (b) The C++ kernels; without them training runs on the JS reference kernels, only slower.
function buildKernels() {
  const gyp = join(ROOT, 'native-kernels', 'binding.gyp');
  if (!existsSync(gyp)) return say('native kernels: no native-kernels/binding.gyp, nothing to build.');
  const release = join(ROOT, 'native-kernels', 'build', 'Release');
  const built = existsSync(release) ? readdirSync(release).find((f) => f.endsWith('.node')) : undefined;
  if (built && !isStale(join(release, built), [join(ROOT, 'native-kernels', 'src'), gyp])) return say('native kernels up to date.');
  const r = node([NODE_GYP, 'rebuild', '-C', 'native-kernels']);
  if (r.ok) return say('native kernels built.');
  say(`warning: the native kernels did not build (${r.why}); the lab will use the slower JS kernels.\n${lastLines(r.log)}`);
}

// (c) The page that both Electron and browser mode show.
function buildRenderer() {
  if (!existsSync(RENDERER_CONFIG)) return say('renderer: no renderer/vite.config.ts, nothing to build.');
  if (!isStale(RENDERER_INDEX, [join(ROOT, 'renderer'), join(ROOT, 'preload')])) return say('renderer up to date.');
  const r = node([join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', RENDERER_CONFIG, '--logLevel', 'warn']);
  if (r.ok) return say('renderer built (out/renderer).');
  say(`warning: the renderer did not build (${r.why}); run \`npm run build:renderer\` to see why.\n${lastLines(r.log)}`);
}

/**
 * (d) Electron cannot load the Node build of better-sqlite3 (another ABI). Rebuild a copy against Electron's
 * headers into build-electron/; node_modules keeps the Node build for the CLI, browser mode and tests.
 */
function buildSqliteForElectron() {
  if (!electronBinary()) return say('better-sqlite3 for Electron: skipped (no Electron binary).');
  const stamp = join(ELECTRON_SQLITE_DIR, `electron-${electronVersion()}`);
  if (existsSync(ELECTRON_SQLITE_BINDING) && existsSync(stamp)) return say('better-sqlite3 for Electron up to date.');
  const work = join(ELECTRON_SQLITE_DIR, 'src');
  rmSync(ELECTRON_SQLITE_DIR, { recursive: true, force: true });
  mkdirSync(ELECTRON_SQLITE_DIR, { recursive: true });
  cpSync(join(ROOT, 'node_modules', 'better-sqlite3'), work, { recursive: true, filter: (p) => !p.includes(`${join('better-sqlite3', 'build')}`) });
  const r = node([NODE_GYP, 'rebuild', '--release', `--target=${electronVersion()}`, '--runtime=electron', '--dist-url=https://electronjs.org/headers'], { cwd: work });
  const built = join(work, 'build', 'Release', 'better_sqlite3.node');
  if (r.ok && existsSync(built)) {
    copyFileSync(built, ELECTRON_SQLITE_BINDING);
    writeFileSync(stamp, `better-sqlite3 built for Electron ${electronVersion()}\n`);
    rmSync(work, { recursive: true, force: true });
    return say(`better-sqlite3 rebuilt for Electron ${electronVersion()} (build-electron/).`);
  }
  rmSync(ELECTRON_SQLITE_DIR, { recursive: true, force: true });
  say(`warning: better-sqlite3 could not be rebuilt for Electron (${r.why}); the desktop window may fail to open its database.\n${lastLines(r.log)}`);
}

for (const step of [fetchElectron, buildKernels, buildRenderer, buildSqliteForElectron]) {
  try {
    step();
  } catch (e) {
    say(`warning: ${step.name} failed unexpectedly (${e instanceof Error ? e.message : String(e)}); continuing.`);
  }
}
// Whatever happened above, the install itself succeeded: every missing piece has a fallback or a command to retry.
process.exitCode = 0;
