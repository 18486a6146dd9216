// The browser-mode bridge: the same LabApi over HTTP to `attention-lab serve` (token-guarded JSON calls + SSE events).
import type { ApiErrorShape, CallReply, ChannelName, EventName, EventPayload, LabApi } from '../../common/api';
import { eventNames } from './eventNames';
import { LabApiError } from './errors';

const TOKEN_KEY = 'attention-lab.token';

/**
 * The per-launch token arrives once in the page URL (?token=…), or as a one-time code (?code=…, from `serve --open`,
 * which keeps the token off the browser's command line) that is traded for it once at /api/session. Keep it for this
 * tab in sessionStorage and remove it from the address bar so it is not bookmarked or shown in screenshots.
 */
export async function takeToken(): Promise<string> {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  const code = url.searchParams.get('code');
  if (!fromUrl && !code) return sessionStorage.getItem(TOKEN_KEY) ?? '';
  url.searchParams.delete('token');
  url.searchParams.delete('code');
  window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
  let token = fromUrl ?? '';
  if (!token && code) {
    try {
      const res = await fetch(`/api/session?code=${encodeURIComponent(code)}`, { method: 'POST' });
      const body = (await res.json()) as { token?: unknown };
      if (res.ok && typeof body.token === 'string') token = body.token;
    } catch {
      // an unreachable server or a spent code: the calls then answer 401 with the sentence saying what to open
    }
  }
  if (!token) return sessionStorage.getItem(TOKEN_KEY) ?? '';
  sessionStorage.setItem(TOKEN_KEY, token);
  return token;
}

/** An event's JSON data; a malformed message is dropped (undefined) rather than breaking every later event. */
function parseData(data: string): unknown {
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return undefined;
  }
}


async function readReply(res: Response, what: string): Promise<CallReply> {
  const text = await res.text();
  try {
    return JSON.parse(text) as CallReply;
  } catch {
    const hint = res.status === 401 ? ' Open the address that `attention-lab serve` printed (it carries the access token).' : '';
    throw new LabApiError({
      message: `The lab server answered ${what} with HTTP ${res.status} and no readable reply.${hint}`,
      code: 'internal',
    });
  }
}

export class HttpBridge implements LabApi {
  private connecting = false;
  private readonly listeners = new Map<EventName, Set<(payload: unknown) => void>>();

  private token = '';
  /** resolves once the token is known (a one-time code is traded for it first); every request waits for it */
  private readonly ready: Promise<void>;

  constructor(token: string | Promise<string>) {
    this.ready = Promise.resolve(token).then((t) => { this.token = t; });
  }

  async invoke<K extends ChannelName>(channel: K, input: unknown): Promise<never> {
    await this.ready;
    let res: Response;
    try {
      res = await fetch('/api/call', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-lab-token': this.token },
        body: JSON.stringify({ channel, input }),
      });
    } catch (e) {
      throw new LabApiError({
        message: `The lab server could not be reached for "${channel}" (${(e as Error).message}). Is \`attention-lab serve\` still running?`,
        code: 'unavailable',
      });
    }
    const reply = await readReply(res, `"${channel}"`);
    if (!reply.ok) throw new LabApiError(reply.error);
    return reply.result as never;
  }

  on<K extends EventName>(event: K, listener: (payload: EventPayload<K>) => void): () => void {
    this.connect();
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    const l = listener as (payload: unknown) => void;
    set.add(l);
    return () => set.delete(l);
  }

  /** Sends a picked file's raw bytes to the server, which stores it under the lab home and returns its path there. */
  async upload(file: File): Promise<string> {
    await this.ready;
    const res = await fetch(`/api/upload?name=${encodeURIComponent(file.name)}`, {
      method: 'POST',
      headers: { 'x-lab-token': this.token, 'content-type': 'application/octet-stream' },
      body: file,
    });
    const text = await res.text();
    let body: { path?: string; error?: ApiErrorShape; ok?: boolean } = {};
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      /* handled below */
    }
    if (!res.ok || typeof body.path !== 'string') {
      throw new LabApiError(body.error ?? { message: `Uploading ${file.name} failed with HTTP ${res.status}.`, code: 'internal' });
    }
    return body.path;
  }

  downloadUrl(path: string): string {
    return `/api/download?path=${encodeURIComponent(path)}&token=${encodeURIComponent(this.token)}`;
  }

  private dispatch(event: string, payload: unknown): void {
    const set = this.listeners.get(event as EventName);
    if (set) for (const l of set) l(payload);
  }

  /**
   * One EventSource for all events. The server may send named SSE events (`event: task.progress`) or
   * unnamed ones whose data is { event, payload }; both are accepted.
   */
  private connect(): void {
    if (this.connecting) return;
    this.connecting = true;
    void this.ready.then(() => this.open());
  }

  private open(): void {
    const source = new EventSource(`/api/events?token=${encodeURIComponent(this.token)}`);
    for (const name of eventNames) {
      source.addEventListener(name, (msg) => {
        const payload = parseData((msg as MessageEvent<string>).data);
        if (payload !== undefined) this.dispatch(name, payload);
      });
    }
    source.onmessage = (msg: MessageEvent<string>) => {
      const data = parseData(msg.data) as { event?: string; name?: string; payload?: unknown } | undefined;
      const name = data?.event ?? data?.name;
      if (name) this.dispatch(name, data?.payload);
    };
  }
}
