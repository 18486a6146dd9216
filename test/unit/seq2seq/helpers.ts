// Helpers for the seq2seq suites: run a PyTorch reference script (Debian's /usr/bin/python3 with python3-torch, which
// .ci/run installs) and read its JSON, and compare our float32 results with its float64 numbers naming the first misses.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'vitest';

export const FIXTURES = join(import.meta.dirname, '../../fixtures/seq2seq');

/** The JSON a reference script in test/fixtures/seq2seq prints (it computes the golden numbers on every run). */
export function runReference<T>(script: string, ...args: string[]): T {
  const out = execFileSync('/usr/bin/python3', [join(FIXTURES, script), ...args], {
    encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, OMP_NUM_THREADS: '1' },
  });
  return JSON.parse(out) as T;
}

/** |ours - ref| <= abs + rel |ref| everywhere; the message lists the first five misses and the worst error. */
export function expectGolden(name: string, ours: ArrayLike<number>, ref: ArrayLike<number>, abs = 1e-5, rel = 1e-4): void {
  expect(ours.length, `${name}: length`).toBe(ref.length);
  const bad: string[] = [];
  let worst = 0;
  for (let i = 0; i < ref.length; i++) {
    const err = Math.abs(ours[i] - ref[i]);
    if (!(err <= abs + rel * Math.abs(ref[i]))) {
      if (bad.length < 5) bad.push(`[${i}] ours ${ours[i]} torch ${ref[i]}`);
      worst = Math.max(worst, Number.isNaN(err) ? Infinity : err);
    }
  }
  expect(bad, `${name}: ${bad.length > 0 ? `max abs error ${worst.toExponential(2)}` : ''}`).toEqual([]);
}
