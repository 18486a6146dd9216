// The CLI's command shapes: a leaf command with its parseArgs options, a group of them, and the context each one runs with.
import type { ParseArgsConfig } from 'node:util';
import type { ChannelInput, ChannelName, ChannelOutput } from '../../common/api';
import type { LabMode } from '../lab/app/info';
import type { Lab } from '../lab/index';

export type OptionSpecs = NonNullable<ParseArgsConfig['options']>;
/** Parsed flag values: strings for string options, booleans for flags (absent when not given). */
export type OptionValues = Record<string, string | boolean | undefined>;

/** A mistake in how the command was typed (exit code 2); the hint says how to get it right. */
export class UsageError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface CommandContext {
  /** true with --json: the result goes to stdout as JSON and nothing else is written there */
  json: boolean;
  /** the --home flag as given (undefined: ATTENTION_LAB_HOME or the OS default) */
  home: string | undefined;
  /** opens the lab on first use, so --help and usage errors never touch the database; `mode` is what app.info reports */
  lab(mode?: LabMode): Lab;
  /** lab.call with the channel's types: every command goes through the same validation as IPC and HTTP */
  call<K extends ChannelName>(channel: K, input: ChannelInput<K>): Promise<ChannelOutput<K>>;
  /** writes the command's result: JSON under --json, else the human-readable text */
  result(value: unknown, human: () => string): void;
  /** a line on stderr (progress, notes), never on stdout */
  note(line: string): void;
  /**
   * resolves with the signal when the process is asked to stop (Ctrl+C: SIGINT, or SIGTERM); only long-running commands
   * wait on it, so others keep the default Ctrl+C
   */
  waitForStop(): Promise<NodeJS.Signals>;
}

export interface CliCommand {
  name: string;
  summary: string;
  /** the synopsis after the command path, e.g. 'PATH --name N [--format F]' */
  usage: string;
  /** more lines for --help: what each option means */
  details?: string[];
  options: OptionSpecs;
  /** names of the positional arguments, in order; the command takes exactly these */
  positionals: string[];
  /** the last positional may repeat (one or more) */
  variadic?: boolean;
  /** resolves to nothing when done (exit 0), or to another exit code, e.g. 130 for a run stopped by Ctrl+C */
  run(ctx: CommandContext, values: OptionValues, positionals: string[]): Promise<void | number>;
}

export interface CommandGroup {
  name: string;
  summary: string;
  commands: CliCommand[];
}

export type TopLevelCommand = CliCommand | CommandGroup;

export function isGroup(c: TopLevelCommand): c is CommandGroup {
  return 'commands' in c;
}

/** A flag's string value, or undefined when it was not given. */
export function stringOption(values: OptionValues, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

/** A required flag's string value; missing → a usage error naming the flag. */
export function requiredOption(values: OptionValues, name: string, what: string): string {
  const v = stringOption(values, name);
  if (v === undefined) throw new UsageError(`The option --${name} is required: give ${what}.`);
  return v;
}

/** A numeric flag; text that is not a number is a usage error, range checks are left to the API's validation. */
export function numberOption(values: OptionValues, name: string): number | undefined {
  const v = stringOption(values, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new UsageError(`The option --${name} expects a number, got ${JSON.stringify(v)}.`);
  return n;
}

/**
 * The flags a person actually gave, as a channel input: unset ones are dropped so the API's defaults apply.
 * Enum flags (--format, --kind …) stay the strings that were typed; lab.call validates them and its sentence
 * ("Field "format": expected one of …") is what the person sees, exactly as in the UI.
 */
export function givenInput<T>(input: Record<string, unknown>): T {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as T;
}
