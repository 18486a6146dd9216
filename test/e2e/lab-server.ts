// E2E helpers shared by the specs: each spec's own `attention-lab serve` on a fresh temp lab home, screenshots, and
// the page's long main-thread tasks.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test, type Page } from '@playwright/test';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** A running `attention-lab serve` on its own fresh lab home: every spec starts one, so no spec sees another's data. */
export interface LabServer {
  url: string;
  home: string;
  /** with startLabServer({ open: true }): the address `serve --open` handed the browser (a one-time ?code=…) */
  opened?: () => Promise<string>;
  close(): Promise<void>;
}

/** Starts the server, waits for its JSON line {url, token, port}, and returns it with a close() that removes the home. */
export async function startLabServer(options: { open?: boolean } = {}): Promise<LabServer> {
  const home = mkdtempSync(join(tmpdir(), 'attention-lab-e2e-'));
  // --open runs a stand-in xdg-open (first on PATH) that writes the address it was given into the home
  const opener = join(home, 'opener');
  if (options.open === true) {
    mkdirSync(opener);
    writeFileSync(join(opener, 'xdg-open'), `#!/bin/sh\necho "$@" > ${JSON.stringify(join(opener, 'opened.txt'))}\n`, { mode: 0o755 });
  }
  const args = [join(root, 'main', 'cli', 'bin.mjs'), '--home', home, 'serve', '--port', '0', '--json', ...(options.open === true ? ['--open'] : [])];
  const server = spawn(process.execPath, args, {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: options.open === true ? { ...process.env, PATH: `${opener}:${process.env.PATH ?? ''}` } : process.env,
  });
  let stderr = '';
  // the server's stderr (job logs, worker crashes) kept beside the test results, for a failure's post-mortem
  mkdirSync(join(root, 'test-results', 'server-logs'), { recursive: true });
  const log = createWriteStream(join(root, 'test-results', 'server-logs', `${home.split(/[\\/]/).pop()}.log`));
  server.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    log.write(chunk);
  });

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
    ...(options.open === true ? {
      async opened(): Promise<string> {
        const file = join(opener, 'opened.txt');
        while (!existsSync(file) || readFileSync(file, 'utf8').trim() === '') await new Promise((r) => setTimeout(r, 50));
        return readFileSync(file, 'utf8').trim();
      },
    } : {}),
    async close() {
      server.kill('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 500));
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/**
 * Gives the calling spec its own server and lab home: starts it before the spec's tests and closes it after, so no
 * spec depends on what another one stored. Read `url` and `home` inside tests (they exist once beforeAll ran).
 */
export function useLabServer(): { readonly url: string; readonly home: string } {
  let server: LabServer | null = null;
  test.beforeAll(async () => {
    server = await startLabServer();
  });
  test.afterAll(async () => {
    await server?.close();
  });
  const running = (): LabServer => {
    if (server === null) throw new Error('The lab server is not running: use url/home inside a test, not at load time.');
    return server;
  };
  return {
    get url() {
      return running().url;
    },
    get home() {
      return running().home;
    },
  };
}

/** A full-page screenshot saver into test-results/screenshots/<prefix><name>.png, scrolled to the top first
 *  (the side navigation is sticky, so the shot shows it beside the page head). */
export function screenshots(prefix: string): (page: Page, name: string) => Promise<void> {
  const dir = join('test-results', 'screenshots');
  return async (page, name) => {
    mkdirSync(dir, { recursive: true });
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: join(dir, `${prefix}${name}.png`), fullPage: true });
  };
}

/** From now on the page records the duration of every long main-thread task (> 50 ms) in a global list. */
export async function watchLongTasks(page: Page): Promise<void> {
  await page.evaluate(`
    window.longTasks = [];
    new PerformanceObserver((list) => { for (const e of list.getEntries()) window.longTasks.push(e.duration); }).observe({ type: 'longtask' });
  `);
}

/** The longest task recorded since watchLongTasks (0 if none); `reset` starts a new record after reading. */
export async function longestTask(page: Page, reset = false): Promise<number> {
  const longest = (await page.evaluate('Math.max(0, ...window.longTasks)')) as number;
  if (reset) await page.evaluate('window.longTasks = []');
  return longest;
}
