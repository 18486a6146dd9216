// The command-line flags both seq2seq benches share (seq2seq_bench.ts, seq2seq_profile.ts): the model's shape — embedding
// E, hidden H, batch B, source length S, defaults the 256/256/64/40 — the alignment function and the threads,
// declared and checked once so the profile always times the shape the bench measures.
import { parseArgs } from 'node:util';

const SHAPE_OPTIONS = {
  attention: { type: 'string', default: 'general' },
  threads: { type: 'string', default: '2' },
  embed: { type: 'string', default: '256' },
  hidden: { type: 'string', default: '256' },
  batch: { type: 'string', default: '64' },
  length: { type: 'string', default: '40' },
} as const;

/** A flag's text as a whole number of at least 1, or a sentence naming the flag. */
export function wholeFlag(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} ${text} must be a whole number of at least 1.`);
  return n;
}

/**
 * The shared flags plus a bench's own whole-number flags (name -> default), parsed from the command line:
 * { attention, threads, B, S, E, H, own: { name: value } }.
 */
export function shapeFlags<K extends string>(own: Record<K, string>): {
  attention: string; threads: number; B: number; S: number; E: number; H: number; own: Record<K, number>;
} {
  const extra = Object.fromEntries(Object.entries(own).map(([k, d]) => [k, { type: 'string', default: d as string }])) as Record<string, { type: 'string'; default: string }>;
  const { values } = parseArgs({ options: { ...SHAPE_OPTIONS, ...extra } });
  const text = values as Record<string, string>;
  return {
    attention: text.attention, threads: wholeFlag('threads', text.threads),
    B: wholeFlag('batch', text.batch), S: wholeFlag('length', text.length), E: wholeFlag('embed', text.embed), H: wholeFlag('hidden', text.hidden),
    own: Object.fromEntries(Object.keys(own).map((k) => [k, wholeFlag(k, text[k])])) as Record<K, number>,
  };
}
