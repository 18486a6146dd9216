// E2E global setup: build the renderer when out/renderer is missing or stale, then start `attention-lab serve` on a fresh lab home.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The newest modification time among the renderer's sources and the API contract (preload/) it is built from. */
function newestSource(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = statSync(path);
    newest = Math.max(newest, stat.isDirectory() ? newestSource(path) : stat.mtimeMs);
  }
  return newest;
}

/** Builds out/renderer when it is missing, or older than a renderer source (so the test never drives a stale page). */
function buildRenderer(): void {
  const index = join(root, 'out', 'renderer', 'index.html');
  const sources = Math.max(newestSource(join(root, 'renderer')), newestSource(join(root, 'preload')));
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  const built = spawnSync(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'renderer/vite.config.ts'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (built.status !== 0) throw new Error(`Building the renderer failed (exit ${built.status}); run "npm run build:renderer" to see why.`);
}

/** Starts the server, waits for its one JSON line {url, token, port}, and returns the teardown Playwright calls at the end. */
export default async function globalSetup(): Promise<() => Promise<void>> {
  buildRenderer();
  const home = mkdtempSync(join(tmpdir(), 'attention-lab-e2e-'));
  const server = spawn(process.execPath, [join(root, 'main', 'cli', 'bin.mjs'), '--home', home, 'serve', '--port', '0', '--json'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  server.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`attention-lab serve printed no address within 60 s. Its stderr:\n${stderr}`)), 60_000);
    // --json prints one JSON object {url, token, port} on stdout (possibly pretty-printed over several lines):
    // collect stdout until it parses.
    let stdout = '';
    server.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      let info: { url?: string };
      try {
        info = JSON.parse(stdout) as { url?: string };
      } catch {
        return;
      }
      if (info.url) {
        clearTimeout(timer);
        resolve(info.url);
      }
    });
    server.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`attention-lab serve exited with code ${code} before printing its address. Its stderr:\n${stderr}`));
    });
  });
  process.env.ATTENTION_LAB_E2E_URL = url;
  process.env.ATTENTION_LAB_E2E_HOME = home;

  return async () => {
    server.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 500));
    rmSync(home, { recursive: true, force: true });
  };
}
