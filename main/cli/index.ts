// The attention-lab CLI: finds the command in the table, parses its flags (node:util parseArgs), runs it through lab.call.
import { parseArgs } from 'node:util';
import type { ChannelInput, ChannelName, ChannelOutput } from '../../common/api';
import type { LabMode } from '../lab/app/info';
import { toApiError } from '../lab/boundary';
import { createLab, type Lab } from '../lab/index';
import type { CliCommand, CommandContext, OptionSpecs, OptionValues, TopLevelCommand } from './command';
import { isGroup, UsageError } from './command';
import { datasetsCommands } from './commands/datasets';
import { infoCommand } from './commands/info';
import { serveCommand } from './commands/serve';
import { tokenizersCommands } from './commands/tokenizers';
import { trainCommand } from './commands/train';
import { compareCommand } from './commands/compare';
import { sampleCommand } from './commands/sample';
import { fillCommand } from './commands/fill';
import { runsCommands } from './commands/runs';
import { metricsCommand } from './commands/metrics';
import { exportOnnxCommand } from './commands/export-onnx';
import { exportTorchCommand } from './commands/export-torch';
import { attentionCommand } from './commands/attention';
import { onnxCommands } from './commands/onnx';
import { reportCommand } from './commands/report';
import { embeddingsCommands } from './commands/embeddings';
import { seq2seqCompareCommand } from './commands/seq2seq-compare';
import { reportProgress } from './progress';
import { finetuneBaselineCommand, finetuneCommand, finetuneCompareCommand, finetuneListCommand } from './commands/finetune';

/** Every command the CLI knows; adding one is one line here. */
export const COMMANDS: TopLevelCommand[] = [
  datasetsCommands,
  tokenizersCommands,
  trainCommand,
  compareCommand,
  seq2seqCompareCommand,
  sampleCommand,
  fillCommand,
  runsCommands,
  metricsCommand,
  attentionCommand,
  exportOnnxCommand,
  exportTorchCommand,
  onnxCommands,
  reportCommand,
  embeddingsCommands,
  finetuneCommand,
  finetuneBaselineCommand,
  finetuneListCommand,
  finetuneCompareCommand,
  serveCommand,
  infoCommand,
];

const PROGRAM = 'attention-lab';

/** Flags every command accepts, before or after the command name. */
const GLOBAL_OPTIONS: OptionSpecs = {
  home: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};
const GLOBAL_HELP = [
  '--home DIR  the lab home to use (default: $ATTENTION_LAB_HOME, else the per-user app-data folder)',
  '--json      print the result as JSON on stdout (progress and errors stay on stderr)',
  '--help      show help for a command',
];

export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  env: NodeJS.ProcessEnv;
}

const processIO: CliIO = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
};

function overview(): string {
  const lines = [`Usage: ${PROGRAM} [--home DIR] [--json] COMMAND …`, '', 'Commands:'];
  for (const c of COMMANDS) {
    if (isGroup(c)) {
      lines.push(`  ${c.name} ${c.commands.map((s) => s.name).join('|')}`, `      ${c.summary}`);
    } else {
      lines.push(`  ${c.name} ${c.usage}`.trimEnd(), `      ${c.summary}`);
    }
  }
  lines.push('', 'Options for every command:', ...GLOBAL_HELP.map((l) => `  ${l}`), '', `Run \`${PROGRAM} COMMAND --help\` for a command's options.`);
  return lines.join('\n');
}

function groupHelp(group: Extract<TopLevelCommand, { commands: CliCommand[] }>): string {
  const w = Math.max(...group.commands.map((c) => c.name.length));
  return [`Usage: ${PROGRAM} ${group.name} SUBCOMMAND …`, '', `${group.summary[0].toUpperCase()}${group.summary.slice(1)}.`, '', 'Subcommands:',
    ...group.commands.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`), '', `Run \`${PROGRAM} ${group.name} SUBCOMMAND --help\` for its options.`].join('\n');
}

function commandHelp(path: string, command: CliCommand): string {
  return [`Usage: ${PROGRAM} ${path} ${command.usage}`.trimEnd(), '', `${command.summary[0].toUpperCase()}${command.summary.slice(1)}.`,
    ...(command.details ? ['', ...command.details.map((d) => `  ${d}`)] : []), '', 'Options for every command:', ...GLOBAL_HELP.map((l) => `  ${l}`)].join('\n');
}

/** Indexes of the first `count` words that are not global flags (or a global flag's value): the command path. */
function findCommandWords(argv: string[], count: number): number[] {
  const found: number[] = [];
  for (let i = 0; i < argv.length && found.length < count; i += 1) {
    const t = argv[i];
    if (t === '--') break;
    if (t === '--home') i += 1;
    else if (t.startsWith('-')) continue;
    else found.push(i);
  }
  return found;
}

/** Turns node:util's parse errors ("Unknown option '--x'") into sentences with a hint. */
function parseCommandArgs(path: string, command: CliCommand, args: string[]): { values: OptionValues; positionals: string[] } {
  const hint = `Run \`${PROGRAM} ${path} --help\` for its options.`;
  let parsed: { values: OptionValues; positionals: string[] };
  try {
    parsed = parseArgs({ args, options: { ...GLOBAL_OPTIONS, ...command.options }, allowPositionals: true, strict: true }) as typeof parsed;
  } catch (e) {
    const message = (e as Error).message.replace(/\. To specify a positional argument.*$/s, '');
    throw new UsageError(`${PROGRAM} ${path}: ${message.endsWith('.') ? message : `${message}.`}`, hint);
  }
  // --help, and the --list of a command that lists what it works on (`report --list`), need no positionals
  if (parsed.values.help === true || (parsed.values.list === true && 'list' in command.options)) return parsed;
  const expected = command.positionals;
  if (parsed.positionals.length < expected.length) {
    throw new UsageError(`${PROGRAM} ${path} needs ${expected.slice(parsed.positionals.length).join(' and ')}.`, `Usage: ${PROGRAM} ${path} ${command.usage}`);
  }
  // a variadic command's last positional repeats (e.g. `report RUN RUN RUN`)
  if (parsed.positionals.length > expected.length && command.variadic !== true) {
    const extra = parsed.positionals.slice(expected.length).map((p) => JSON.stringify(p)).join(', ');
    throw new UsageError(`${PROGRAM} ${path} does not take ${extra} (put text with spaces in quotes).`, `Usage: ${PROGRAM} ${path} ${command.usage}`);
  }
  return parsed;
}

function didYouMean(word: string, names: string[]): string {
  const close = names.find((n) => n.startsWith(word.slice(0, 3)) || word.startsWith(n.slice(0, 3)));
  return close ? ` Did you mean "${close}"?` : '';
}

/** Which command the words name, and the arguments left for its own parser. */
function locate(argv: string[]): { path: string; command: CliCommand; args: string[] } | { help: string; exitCode: number } {
  const [first] = findCommandWords(argv, 1);
  const wantsHelp = argv.includes('--help') || argv.includes('-h');
  if (first === undefined) return { help: overview(), exitCode: wantsHelp ? 0 : 2 };
  const top = COMMANDS.find((c) => c.name === argv[first]);
  if (!top) {
    throw new UsageError(`${PROGRAM} has no command ${JSON.stringify(argv[first])}.${didYouMean(argv[first], COMMANDS.map((c) => c.name))}`,
      `The commands are ${COMMANDS.map((c) => c.name).join(', ')}; run \`${PROGRAM} --help\` for more.`);
  }
  if (!isGroup(top)) return { path: top.name, command: top, args: argv.filter((_, i) => i !== first) };
  const [, second] = findCommandWords(argv, 2);
  if (second === undefined) return { help: groupHelp(top), exitCode: wantsHelp ? 0 : 2 };
  const sub = top.commands.find((c) => c.name === argv[second]);
  if (!sub) {
    throw new UsageError(`${PROGRAM} ${top.name} has no subcommand ${JSON.stringify(argv[second])}.${didYouMean(argv[second], top.commands.map((c) => c.name))}`,
      `The subcommands are ${top.commands.map((c) => c.name).join(', ')}.`);
  }
  return { path: `${top.name} ${sub.name}`, command: sub, args: argv.filter((_, i) => i !== first && i !== second) };
}

/** Runs one CLI invocation; resolves to the exit code (0 done, 1 the lab refused or failed, 2 a usage mistake, 128 + n stopped by signal n). */
export async function runCli(argv: string[], io: CliIO = processIO): Promise<number> {
  // Held in an object because the lab is opened lazily inside callbacks (TS does not track `let`s assigned there).
  const opened: { lab: Lab | null; stopProgress: (() => void) | null } = { lab: null, stopProgress: null };
  try {
    const found = locate(argv);
    if ('help' in found) {
      (found.exitCode === 0 ? io.stdout : io.stderr)(`${found.help}\n`);
      return found.exitCode;
    }
    const { values, positionals } = parseCommandArgs(found.path, found.command, found.args);
    if (values.help === true) {
      io.stdout(`${commandHelp(found.path, found.command)}\n`);
      return 0;
    }
    const json = values.json === true;
    const home = typeof values.home === 'string' ? values.home : undefined;
    const note = (line: string): void => io.stderr(`${line}\n`);
    const openLab = (mode: LabMode = 'cli'): Lab => {
      if (!opened.lab) {
        opened.lab = createLab({ home, env: io.env, mode });
        opened.stopProgress = reportProgress(opened.lab, note);
      }
      return opened.lab;
    };
    const ctx: CommandContext = {
      json,
      home,
      lab: openLab,
      call: <K extends ChannelName>(channel: K, input: ChannelInput<K>) => openLab().call(channel, input) as Promise<ChannelOutput<K>>,
      result(value, human) {
        io.stdout(json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
      },
      note,
      // `on`, not `once`: a second Ctrl+C (or the same signal forwarded by npm start) must not kill a clean shutdown.
      waitForStop: () => new Promise<NodeJS.Signals>((resolve) => {
        process.on('SIGINT', () => resolve('SIGINT'));
        process.on('SIGTERM', () => resolve('SIGTERM'));
      }),
    };
    return (await found.command.run(ctx, values, positionals)) ?? 0;
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`${e.message}\n${e.hint ? `${e.hint}\n` : ''}`);
      return 2;
    }
    io.stderr(`${toApiError(e).message}\n`);
    return 1;
  } finally {
    opened.stopProgress?.();
    opened.lab?.close();
  }
}
