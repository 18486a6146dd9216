// startServer: browser mode — the built renderer and the lab API over HTTP on 127.0.0.1 only, guarded by a per-launch token.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Lab } from '../lab/index';
import { LabError } from '../../common/errors';
import { toApiError } from '../lab/boundary';
import { sweepUploads } from '../lab/app/uploads';
import { hostAllowed, originAllowed, requestToken, tokenMatches } from './guard';
import { OneTimeCodes } from './one-time-codes';
import { sendError, sendJson } from './reply';
import { EventStreams, handleCall, handleDownload, handleUpload } from './routes';
import { serveStatic } from './static';

export interface StartServerOptions {
  lab: Lab;
  /** 0 or absent: any free port */
  port?: number;
  /** the built renderer, normally out/renderer */
  rendererDir: string;
}

export interface RunningServer {
  /** the address to open, token included: http://127.0.0.1:PORT/?token=TOKEN */
  url: string;
  token: string;
  /**
   * An address for another program to open (`serve --open` starts the browser with it): http://127.0.0.1:PORT/?code=…
   * carries a one-time code, good for 2 minutes, that the page trades for the token, so the token never appears on a
   * command line.
   */
  oneTimeUrl(): string;
  port: number;
  close(): Promise<void>;
}

/** Only loopback: the API reads and writes files on this machine, so nothing else on the network may reach it. */
const HOST = '127.0.0.1';

type Route = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> | void;

export async function startServer(opts: StartServerOptions): Promise<RunningServer> {
  const { lab, rendererDir } = opts;
  const token = randomBytes(24).toString('base64url');
  // copies uploaded a day ago or more and never imported (the import removes its own)
  sweepUploads(lab.ctx.home);
  const streams = new EventStreams();
  const codes = new OneTimeCodes();
  let port = 0;

  const api: Record<string, { method: string; route: Route }> = {
    '/api/call': { method: 'POST', route: (req, res) => handleCall(lab, req, res) },
    '/api/events': { method: 'GET', route: (req, res) => streams.handle(lab, req, res) },
    '/api/upload': { method: 'POST', route: (req, res, url) => handleUpload(lab, req, res, url) },
    '/api/download': { method: 'GET', route: (_req, res, url) => handleDownload(lab, res, url) },
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Checked before anything else, for pages too: a rebinding page must not even read our HTML.
    if (!hostAllowed(req, port)) {
      return sendError(res, 403, { message: `Requests must be addressed to 127.0.0.1:${port} or localhost:${port}, not ${JSON.stringify(req.headers.host ?? '')}.`, code: 'invalid_input' });
    }
    const url = new URL(req.url ?? '/', `http://${HOST}:${port}`);
    if (!url.pathname.startsWith('/api/')) return serveStatic(req, res, rendererDir, url.pathname);

    if (!originAllowed(req, port)) {
      return sendError(res, 403, { message: `Requests from ${JSON.stringify(req.headers.origin)} are refused; only the Attention Lab page served here may use its API.`, code: 'invalid_input' });
    }
    if (url.pathname === '/api/session') {
      // the one route without the token: a page opened with ?code=… trades it for the token, once
      if (req.method !== 'POST') {
        res.setHeader('allow', 'POST');
        return sendError(res, 405, { message: `/api/session takes POST, not ${req.method ?? 'this method'}.`, code: 'invalid_input' });
      }
      if (!codes.redeem(url.searchParams.get('code'))) {
        return sendError(res, 401, {
          message: 'This one-time code was already used or has expired (they last 2 minutes); open the address that `attention-lab serve` printed (it includes ?token=…).',
          code: 'invalid_input',
        });
      }
      return sendJson(res, 200, { token });
    }
    if (!tokenMatches(requestToken(req, url), token)) {
      return sendError(res, 401, { message: 'This request lacks the access token of this lab server; open the address that `attention-lab serve` printed (it includes ?token=…).', code: 'invalid_input' });
    }
    const entry = api[url.pathname];
    if (!entry) return sendError(res, 404, { message: `There is no API route ${url.pathname}; the routes are ${Object.keys(api).join(', ')}.`, code: 'not_found' });
    if (req.method !== entry.method) {
      res.setHeader('allow', entry.method);
      return sendError(res, 405, { message: `${url.pathname} takes ${entry.method}, not ${req.method ?? 'this method'}.`, code: 'invalid_input' });
    }
    await entry.route(req, res, url);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      const error = toApiError(e);
      if (!res.headersSent) sendError(res, 500, error);
      else res.destroy();
    });
  });
  // Large uploads may take minutes; the default 5-minute request timeout would cut them off.
  server.requestTimeout = 0;

  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, HOST, () => {
      server.off('error', reject);
      resolvePromise();
    });
  }).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'EADDRINUSE') throw new LabError('unavailable', `Port ${opts.port} on 127.0.0.1 is already in use; choose another with --port, or omit it to take any free port.`);
    if (e.code === 'EACCES') throw new LabError('unavailable', `Port ${opts.port} needs administrator rights; choose a port above 1023 with --port.`);
    throw e;
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://${HOST}:${port}/?token=${token}`,
    token,
    port,
    oneTimeUrl: () => `http://${HOST}:${port}/?code=${codes.issue()}`,
    close(): Promise<void> {
      streams.closeAll();
      return new Promise((resolveClose, reject) => {
        server.close((e) => (e ? reject(e) : resolveClose()));
        server.closeAllConnections();
      });
    },
  };
}
