// One-time codes for `serve --open`: the browser is started with ?code=… instead of the launch token, so the token
// never sits on a process command line (ps, /proc/PID/cmdline) where other local users can read it. The page trades
// the code for the token once (POST /api/session); a used or expired code is worth nothing.
import { randomBytes, timingSafeEqual } from 'node:crypto';

/** Long enough for a browser to start on a slow machine, short enough that a code read from `ps` is soon useless. */
export const CODE_LIFETIME_MS = 2 * 60_000;

export class OneTimeCodes {
  private readonly live = new Map<string, number>();

  constructor(private readonly lifetimeMs = CODE_LIFETIME_MS) {}

  issue(now = Date.now()): string {
    const code = randomBytes(18).toString('base64url');
    this.live.set(code, now + this.lifetimeMs);
    return code;
  }

  /** True once for a code issued here and not yet expired; the code is spent either way. */
  redeem(given: unknown, now = Date.now()): boolean {
    if (typeof given !== 'string' || given === '') return false;
    for (const [code, expires] of this.live) {
      if (expires <= now) this.live.delete(code);
      else if (code.length === given.length && timingSafeEqual(Buffer.from(code), Buffer.from(given))) {
        this.live.delete(code);
        return true;
      }
    }
    return false;
  }
}
