// E2E lab server: starts `attention-lab serve --json` on a fresh temp lab home for one spec file.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** A running `attention-lab serve` on its own fresh lab home: every spec starts one, so no spec sees another's data. */
export interface LabServer {
  url: string;
  home: string;
  close(): Promise<void>;
}

/** Starts the server, waits for its JSON line {url, token, port}, and returns it with a close() that removes the home. */
export async function startLabServer(): Promise<LabServer> {
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
  return {
    url,
    home,
    async close() {
      server.kill('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 500));
      rmSync(home, { recursive: true, force: true });
    },
  };
}
