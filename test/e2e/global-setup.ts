// E2E global setup: build the renderer when out/renderer is missing or stale (each spec starts its own server: lab-server.ts).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The newest modification time among the renderer's sources and what it is built from (preload/, common/). */
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
  const sources = Math.max(...['renderer', 'preload', 'common'].map((d) => newestSource(join(root, d))));
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  const built = spawnSync(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'renderer/vite.config.ts'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (built.status !== 0) throw new Error(`Building the renderer failed (exit ${built.status}); run "npm run build:renderer" to see why.`);
}

export default function globalSetup(): void {
  buildRenderer();
}
