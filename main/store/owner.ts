// The process that owns live work (a running run, an importing dataset): recorded as pid + host on the row, so
// recovery on the same machine can tell at once whether that process still exists.
import os from 'node:os';

/** This process, as written into owner_pid / owner_host. */
export function thisOwner(): { pid: number; host: string } {
  return { pid: process.pid, host: os.hostname() };
}

/**
 * True only when the owner is certainly gone: it ran on this machine, is not this process, and no process has its pid
 * (ESRCH). Another host, an unknown owner or a pid that answers (even one reused by an unrelated process, or one we
 * may not signal: EPERM) counts as alive, and the heartbeat's stale cutoff decides as before.
 */
export function ownerGone(pid: number | null, host: string | null): boolean {
  if (pid === null || host === null || host !== os.hostname() || pid === process.pid || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
