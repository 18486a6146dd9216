// npm start: opens the Electron window when its binary is installed, else serves the same app to the browser.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { electronBinary, isStale, RENDERER_CONFIG, RENDERER_INDEX, ROOT } from './paths.mjs';

const SOURCES = ['main', 'preload', 'renderer'].map((d) => join(ROOT, d));
const args = process.argv.slice(2);

/** Runs a build step in the foreground; a failed build stops here with its own output above the message. */
function build(what, nodeArgs) {
  console.log(`Building ${what}…`);
  const r = spawnSync(process.execPath, nodeArgs, { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`Building ${what} failed (see above); fix the error and run \`npm start\` again.`);
    process.exit(1);
  }
}

/**
 * Passes the child's exit status on, and stop signals to the child, then waits for it to shut down cleanly
 * (a terminal's Ctrl+C reaches both; `attention-lab serve` treats a repeated signal as the same request).
 */
function runForeground(command, commandArgs) {
  const child = spawn(command, commandArgs, { cwd: ROOT, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

/** Linux without X11 or Wayland (a server, a container) cannot show a window even with the binary present. */
function hasDisplay() {
  return process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}

const electron = electronBinary();
if (electron && hasDisplay()) {
  if (isStale(join(ROOT, 'out', 'main', 'index.js'), SOURCES)) {
    build('the desktop app', [join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build']);
  }
  runForeground(electron, [ROOT, ...args]);
} else {
  console.log(electron
    ? 'The Electron desktop window is unavailable here (no display was found). Serving Attention Lab in your browser instead:'
    : 'The Electron desktop window is unavailable on this machine (its binary could not be downloaded). Serving Attention Lab in your browser instead:');
  if (isStale(RENDERER_INDEX, [join(ROOT, 'renderer'), join(ROOT, 'preload')])) {
    build('the page', [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', RENDERER_CONFIG, '--logLevel', 'warn']);
  }
  runForeground(process.execPath, [join(ROOT, 'main', 'cli', 'bin.mjs'), 'serve', ...args]);
}
