// The lab's one boundary: every call from IPC, HTTP and the CLI is checked against its channel's zod schema here, and
// every error leaves as { message, code, field } — schema problems and store failures worded as sentences.
import type { z } from 'zod';
import { channelNames, channels } from '../../common/api';
import type { ApiErrorShape, ChannelName } from '../../common/api';
import { isLabError, LabError } from '../../common/errors';
import { fsErrorToLabError } from './app/fs-errors';

/** The channel's input, validated (defaults filled in); LabError('invalid_input') names the first bad field. */
export function parseInput(channel: string, rawInput: unknown): { name: ChannelName; input: unknown } {
  const name = checkChannel(channel);
  // Front doors send `undefined` for channels that take no arguments (a bare CLI command, an empty IPC call).
  const parsed = channels[name].input.safeParse(rawInput === undefined ? {} : rawInput);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new LabError('invalid_input', describeIssues(parsed.error.issues, rawInput), {
      field: first && first.path.length > 0 ? first.path.join('.') : undefined,
      details: parsed.error.issues,
    });
  }
  return { name, input: parsed.data };
}

/** The handler's result checked against the channel's output schema; a mismatch is the service's bug, logged. */
export function checkOutput(name: ChannelName, result: unknown): unknown {
  const checked = channels[name].output.safeParse(result);
  if (!checked.success) {
    // The service broke the contract: the caller cannot fix this, so it is internal, with the detail in the log.
    console.error(`The result of "${name}" does not match the API contract (common/api): ${describeIssues(checked.error.issues, result)}`);
    throw new LabError('internal', `Attention Lab produced an invalid answer for "${name}"; the details were written to the log.`);
  }
  return checked.data;
}

function checkChannel(channel: string): ChannelName {
  if ((channelNames as string[]).includes(channel)) return channel as ChannelName;
  const domain = channel.split('.')[0];
  const near = channelNames.filter((c) => c.split('.')[0] === domain);
  const hint = near.length > 0 ? `did you mean one of ${near.map((c) => `"${c}"`).join(', ')}?` : 'the channels are listed in common/api.';
  throw new LabError('invalid_input', `There is no API channel called ${JSON.stringify(channel)}; ${hint}`, { field: 'channel' });
}

// ---------- validation messages ----------

type Issue = z.core.$ZodIssue;

/** A value's type as a person would name it: string, number, array, null, object, undefined… */
function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number' && Number.isNaN(value)) return 'NaN';
  return typeof value;
}

function valueAt(root: unknown, path: PropertyKey[]): unknown {
  let v = root;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

function quote(value: unknown): string {
  const s = JSON.stringify(value) ?? String(value);
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

/** Zod's own default wording ("Too small: …", "Invalid input: …"); schema-specific messages are kept as written. */
const ZOD_DEFAULT = /^(Invalid|Too small|Too big|Unrecognized key)/;

function unrecognizedKeys(issue: Extract<Issue, { code: 'unrecognized_keys' }>): string {
  const prefix = issue.path.length > 0 ? `${issue.path.join('.')}.` : '';
  const keys = issue.keys.map((k) => `"${prefix}${k}"`).join(', ');
  return issue.keys.length === 1 ? `Field ${keys} is not accepted here (remove it).` : `Fields ${keys} are not accepted here (remove them).`;
}

function wrongType(issue: Extract<Issue, { code: 'invalid_type' }>, subject: string, received: unknown): string {
  if (received === undefined) return `${subject} is required (expected ${issue.expected}).`;
  // zod reports a fractional number for an .int() field as expected "int"; name it and show the number.
  if (issue.expected === 'int' && typeof received === 'number') return `${subject}: expected a whole number, received ${received}.`;
  return `${subject}: expected ${issue.expected}, received ${typeName(received)}.`;
}

function outOfRange(issue: Extract<Issue, { code: 'too_small' | 'too_big' }>, subject: string, received: unknown): string {
  if (!ZOD_DEFAULT.test(issue.message)) return `${subject}: ${withStop(issue.message)}`;
  const small = issue.code === 'too_small';
  const bound = small ? (issue as { minimum: unknown }).minimum : (issue as { maximum: unknown }).maximum;
  const relation = small ? (issue.inclusive ? 'at least' : 'more than') : issue.inclusive ? 'at most' : 'less than';
  const unit = issue.origin === 'string' ? 'character' : issue.origin === 'array' ? 'item' : null;
  if (unit === null) return `${subject}: must be ${relation} ${String(bound)}, received ${quote(received)}.`;
  const count = (n: unknown): string => `${String(n)} ${unit}${Number(n) === 1 ? '' : 's'}`;
  return `${subject}: must be ${relation} ${count(bound)}, received ${count((received as { length?: number } | undefined)?.length ?? 0)}.`;
}

/** One sentence per issue: 'Field "vocabSize": expected number, received string.' */
export function describeIssue(issue: Issue, input: unknown): string {
  const subject = issue.path.length > 0 ? `Field "${issue.path.map(String).join('.')}"` : 'The input';
  const received = valueAt(input, issue.path);
  switch (issue.code) {
    case 'unrecognized_keys':
      return unrecognizedKeys(issue);
    case 'invalid_type':
      return wrongType(issue, subject, received);
    case 'invalid_value':
      return `${subject}: expected one of ${issue.values.map((v) => quote(v)).join(', ')}, received ${quote(received)}.`;
    case 'too_small':
    case 'too_big':
      return outOfRange(issue, subject, received);
    default:
      return `${subject}: ${withStop(issue.message)}`;
  }
}

function withStop(message: string): string {
  return /[.!?]$/.test(message) ? message : `${message}.`;
}

/** Up to three issue sentences; more are counted, not listed, so the message stays readable. */
export function describeIssues(issues: readonly Issue[], input: unknown): string {
  const shown = issues.slice(0, 3).map((i) => describeIssue(i, input));
  if (issues.length > 3) shown.push(`(${issues.length - 3} more problems not shown.)`);
  return shown.join(' ');
}

// ---------- errors across the boundary ----------

/** SQLite result codes that mean "the store itself is in trouble", with what the person can do about it. */
const STORE_PROBLEMS: Record<string, string> = {
  SQLITE_BUSY: 'The lab database is busy in another program; close other Attention Lab windows and try again.',
  SQLITE_LOCKED: 'The lab database is locked by another program; close other Attention Lab windows and try again.',
  SQLITE_FULL: 'The disk holding the lab database is full; free some space and try again.',
  SQLITE_READONLY: 'The lab database is read-only; check the permissions of the lab home folder.',
  SQLITE_CORRUPT: 'The lab database is damaged; restore it from a backup or choose another lab home with --home.',
  SQLITE_NOTADB: 'The lab database file is not an SQLite database; choose another lab home with --home.',
  SQLITE_IOERR: 'The disk holding the lab database could not be read or written; check the disk and try again.',
};

/** Turns any thrown value into the { message, code, field } that crosses IPC, HTTP and the CLI. */
export function toApiError(e: unknown): ApiErrorShape {
  if (isLabError(e)) return e.field === undefined ? { message: e.message, code: e.code } : { message: e.message, code: e.code, field: e.field };
  // a file-system refusal (no such file, a file used as a folder, a NUL in the path…) is the caller's to fix: a 4xx
  const fsError = fsErrorToLabError(e);
  if (fsError !== null) return { message: fsError.message, code: fsError.code, field: fsError.field };
  const sqliteCode = (e as { code?: unknown } | null)?.code;
  if (typeof sqliteCode === 'string') {
    const known = Object.keys(STORE_PROBLEMS).find((k) => sqliteCode === k || sqliteCode.startsWith(`${k}_`));
    if (known) return { message: STORE_PROBLEMS[known], code: 'store' };
  }
  console.error('Unexpected error inside Attention Lab:', e instanceof Error ? e.stack : e);
  return { message: 'Something went wrong inside Attention Lab; the details were written to the log. Please try again.', code: 'internal' };
}
