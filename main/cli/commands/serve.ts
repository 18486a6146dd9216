// `attention-lab serve`: browser mode — the built renderer and the lab API on 127.0.0.1 with a per-launch token, until Ctrl+C.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../../server/index';
import type { CliCommand } from '../command';
import { numberOption, UsageError } from '../command';

/** The renderer that `npm run build:renderer` writes (renderer/vite.config.ts → out/renderer). */
export const DEFAULT_RENDERER_DIR = fileURLToPath(new URL('../../../out/renderer', import.meta.url));

/** Hands the URL to the desktop's browser; failing to do so only costs a note, the URL is printed anyway. */
function openInBrowser(url: string, note: (line: string) => void): void {
  const [cmd, args] = process.platform === 'darwin' ? ['open', [url]]
    : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url.replace(/&/g, '^&')]]
      : ['xdg-open', [url]];
  try {
    const child = spawn(cmd, args, { detached: true, stdio: 'ignore' });
    child.on('error', () => note(`Could not open a browser (${cmd} is not available); open the address above yourself.`));
    child.unref();
  } catch {
    note(`Could not open a browser with ${cmd}; open the address above yourself.`);
  }
}

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'serve Attention Lab to your browser on 127.0.0.1 (browser mode)',
  usage: '[--port N] [--open]',
  details: ['--port  the port to listen on (default: any free port)', '--open  open the address in the default browser'],
  positionals: [],
  options: { port: { type: 'string' }, open: { type: 'boolean' } },
  async run(ctx, values) {
    const port = numberOption(values, 'port');
    if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
      throw new UsageError(`The option --port expects a whole number from 0 to 65535, got ${port}.`);
    }
    const rendererDir = process.env.ATTENTION_LAB_RENDERER_DIR ?? DEFAULT_RENDERER_DIR;
    if (!existsSync(join(rendererDir, 'index.html'))) {
      ctx.note(`The page is not built yet (${rendererDir} has no index.html); run "npm run build:renderer" — the API works meanwhile.`);
    }
    const server = await startServer({ lab: ctx.lab('browser'), port, rendererDir });
    ctx.result({ url: server.url, port: server.port, token: server.token }, () =>
      `Attention Lab is serving on ${server.url}\nOpen that address in your browser (it carries this launch's access token). Press Ctrl+C to stop.`);
    // a one-time code, not the token: the browser's command line is readable by every local user (ps)
    if (values.open === true) openInBrowser(server.oneTimeUrl(), (line) => ctx.note(line));
    await ctx.waitForStop();
    await server.close();
    ctx.note('Stopped serving Attention Lab.');
  },
};
