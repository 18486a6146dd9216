// createLab: opens a lab home and wires every API channel to its service; `call()` is the one validation boundary for IPC, HTTP and CLI.
import type { z } from 'zod';
import { channelNames, channels, events } from '../../common/api';
import type { ApiErrorShape, ChannelName, EventName, EventPayload, Handlers } from '../../common/api';
import { openStore } from '../store/db';
import { AppInfoService, type LabMode } from './app-info';
import type { LabContext } from './context';
import { DatasetService } from './datasets';
import { isLabError, LabError } from '../../common/errors';
import { RunService } from './runs';
import { JobService } from './jobs';
import { ExperimentService } from './experiments';
import { probeContinue, probeFill } from './compare-probe';
import { AnalysisService, type AnalysisServiceOptions } from './analysis';
import type { SchedulerOptions } from '../jobs/scheduler';
import { ensureHome, labDatabasePath, resolveHome } from './home';
import { SettingsService } from './settings';
import { TokenizerService } from './tokenizers';
import { ProjectorService } from './projector/service';
import type { ReportService } from './reports/service';
import type { PdfPrinter } from './reports/export';
import { EmbeddingsService } from './embeddings/service';
import { embeddingHandlers } from './embeddings/handlers';
import { FinetuneService } from './finetune/service';
import { finetuneHandlers } from './finetune/handlers';
import { scaleHandlers } from './scale/handlers';
import { ScaleService } from './scale/service';

export type LabListener = (event: EventName, payload: unknown) => void;

export interface Lab {
  ctx: LabContext;
  handlers: Handlers;
  /** the training-job scheduler (front ends wait on it, e.g. `attention-lab compare`) */
  jobs: JobService;
  experiments: ExperimentService;
  /** static word embeddings (the CLI trains in the foreground through it) */
  embeddings: EmbeddingsService;
  /** Validates `rawInput` against the channel's schema, runs its handler, validates the result. Throws LabError. */
  call(channel: string, rawInput: unknown): Promise<unknown>;
  /** Subscribes to every event the services emit; returns the unsubscribe function. */
  on(listener: LabListener): () => void;
  close(): void;
}

export interface CreateLabOptions {
  /** an explicit lab home (--home); otherwise ATTENTION_LAB_HOME, then the OS app-data folder */
  home?: string;
  env?: NodeJS.ProcessEnv;
  mode: LabMode;
  /** Electron only: a better-sqlite3 addon built for Electron's ABI (see main/app/native-binding.ts) */
  nativeBinding?: string;
  /** job concurrency and worker spawn (Electron: a utilityProcess); default: the stored setting, child processes */
  jobs?: SchedulerOptions;
  /** how the analysis worker process starts (Electron: its bundled entry); default: Node with tsx */
  analysis?: AnalysisServiceOptions;
  /** how report PDFs are printed (Electron: webContents.printToPDF); default: a locally installed Chromium */
  printPdf?: PdfPrinter;
}

interface Closable {
  close?(): void;
}

export function createLab(opts: CreateLabOptions): Lab {
  const env = opts.env ?? process.env;
  const home = ensureHome(resolveHome({ home: opts.home, env }));
  const databasePath = labDatabasePath(home);
  const db = openStore(databasePath, { nativeBinding: opts.nativeBinding });

  const listeners = new Set<LabListener>();
  const ctx: LabContext = {
    db,
    home,
    emit<K extends EventName>(event: K, payload: EventPayload<K>): void {
      // A malformed payload is a programming error in a service: say so loudly, but never break the task that emitted it.
      const checked = events[event].safeParse(payload);
      if (!checked.success) {
        console.error(`Event "${event}" was emitted with a payload that does not match the API contract (common/api): ${describeIssues(checked.error.issues, payload)}`);
        return;
      }
      for (const listener of listeners) {
        try {
          listener(event, checked.data);
        } catch (e) {
          console.error(`A listener for "${event}" failed:`, e);
        }
      }
    },
  };

  const settings = new SettingsService(ctx, env);
  const appInfo = new AppInfoService(ctx, opts.mode, databasePath);
  const datasets = new DatasetService(ctx);
  const tokenizers = new TokenizerService(ctx);
  const runs = new RunService(ctx);
  // the app and `serve` live long, so they take over a queue a crashed app left; one-shot CLI commands never do
  const jobs = new JobService(ctx, { adoptAbandonedQueue: opts.mode !== 'cli', ...opts.jobs });
  const experiments = new ExperimentService(ctx, jobs.scheduler);
  const analysis = new AnalysisService(ctx, opts.analysis);
  const projector = new ProjectorService(ctx, analysis.worker);
  const embeddings = new EmbeddingsService(ctx);
  const finetune = new FinetuneService(ctx);
  // loaded on first use: the report writers bring ECharts and markdown-it, which other commands never need
  let reportService: Promise<ReportService> | null = null;
  const reports = (): Promise<ReportService> => (reportService ??= import('./reports/service').then((m) => new m.ReportService(ctx, {
    experiment: (id) => experiments.get({ id }),
    dataset: (id) => datasets.get({ id }).catch(() => null),
    tokenizer: (id) => tokenizers.get({ id }).catch(() => null),
    app: () => appInfo.info(),
  }, { printPdf: opts.printPdf })));

  const handlers: Handlers = {
    'app.info': () => appInfo.info(),
    'settings.get': () => settings.get(),
    'settings.set': (input) => settings.set(input),

    'datasets.list': () => datasets.list(),
    'datasets.get': (input) => datasets.get(input),
    'datasets.inspect': (input) => datasets.inspect(input),
    'datasets.import': (input) => datasets.import(input),
    'datasets.samples': () => datasets.samples(),
    'datasets.importSample': (input) => datasets.importSample(input),
    'datasets.documents': (input) => datasets.documents(input),
    'datasets.split': (input) => datasets.split(input),
    'datasets.rename': (input) => datasets.rename(input),
    'datasets.delete': (input) => datasets.delete(input),
    'datasets.export': (input) => datasets.export(input),

    'tokenizers.list': (input) => tokenizers.list(input),
    'tokenizers.get': (input) => tokenizers.get(input),
    'tokenizers.train': (input) => tokenizers.train(input),
    'tokenizers.vocab': (input) => tokenizers.vocab(input),
    'tokenizers.encode': (input) => tokenizers.encode(input),
    'tokenizers.import': (input) => tokenizers.import(input),
    'tokenizers.export': (input) => tokenizers.export(input),
    'tokenizers.delete': (input) => tokenizers.delete(input),

    'runs.list': (input) => runs.list(input),
    'runs.get': (input) => runs.get(input),
    'runs.metrics': (input) => runs.metrics(input),
    'runs.delete': (input) => jobs.delete(input),
    'runs.tag': (input) => runs.tag(input),
    'runs.note': (input) => runs.note(input),
    'runs.start': (input) => jobs.start(input),
    // static-embedding runs trained in this process (until they go through the scheduler) are stopped and resumed here
    'runs.stop': async (input) => (embeddings.stopLocal(input.id) || finetune.stopLocal(input.id) ? runs.run(input.id) : jobs.stop(input)),
    'runs.pause': async (input) => (embeddings.stopLocal(input.id, 'pause') || finetune.stopLocal(input.id, 'pause') ? runs.run(input.id) : jobs.pause(input)),
    'runs.resume': async (input) => (embeddings.resumeLocal(input.id) || (await finetune.resumeLocal(input.id)) ? runs.run(input.id) : jobs.resume(input)),
    'runs.archive': (input) => runs.archive(input),
    'jobs.status': () => jobs.status(),
    'jobs.setConcurrency': (input) => jobs.setConcurrency(input),

    'experiments.create': (input) => experiments.create(input),
    'experiments.list': () => experiments.list(),
    'experiments.get': (input) => experiments.get(input),
    'experiments.measure': (input) => experiments.measure(input),
    'probe.fill': async (input) => probeFill(ctx, input),
    'probe.continue': async (input) => probeContinue(ctx, input),
    'analysis.checkpoints': (input) => analysis.checkpoints(input),
    'analysis.attention': (input) => analysis.attention(input),
    'analysis.headSteps': (input) => analysis.headSteps(input),
    'analysis.onnxInspect': (input) => analysis.onnxInspect(input),
    'analysis.onnxRun': (input) => analysis.onnxRun(input),
    'analysis.exportOnnx': (input) => analysis.exportOnnx(input),
    'analysis.matrix': (input) => analysis.matrix(input),
    'analysis.thumbnails': (input) => analysis.thumbnails(input),

    'reports.list': async () => (await reports()).list(),
    'reports.get': async (input) => (await reports()).get(input),
    'reports.create': async (input) => (await reports()).create(input),
    'reports.update': async (input) => (await reports()).update(input),
    'reports.delete': async (input) => (await reports()).delete(input),
    'reports.preview': async (input) => (await reports()).preview(input),
    'reports.export': async (input) => (await reports()).export(input),
    'reports.pin': async (input) => (await reports()).pin(input),
    'reports.unpin': async (input) => (await reports()).unpin(input),
    'runs.importExternal': async (input) => (await reports()).importExternal(input),

    'projector.sources': () => projector.listSources(),
    'projector.open': (input) => projector.open(input),
    'projector.project': (input) => projector.project(input),
    'projector.stop': (input) => projector.stop(input),
    'projector.neighbors': (input) => projector.neighbors(input),
    'projector.search': (input) => projector.search(input),
    'projector.analogy': (input) => projector.analogy(input),
    'projector.neighbourhood': (input) => projector.neighbourhood(input),
    'projector.compare': (input) => projector.compare(input),
    'projector.series': (input) => projector.series(input),
    'projector.bookmarks': (input) => projector.listBookmarks(input),
    'projector.bookmarkSave': (input) => projector.saveBookmark(input),
    'projector.bookmarkCoords': (input) => projector.bookmarkCoords(input),
    'projector.bookmarkDelete': (input) => projector.deleteBookmark(input),

    ...embeddingHandlers(embeddings),
    ...finetuneHandlers(finetune),
    ...scaleHandlers(new ScaleService(ctx)),
  };

  let closed = false;
  return {
    ctx,
    handlers,
    jobs,
    experiments,
    embeddings,
    async call(channel: string, rawInput: unknown): Promise<unknown> {
      if (closed) throw new LabError('unavailable', 'The lab has been closed; start it again to continue.');
      const name = checkChannel(channel);
      const spec = channels[name];
      // Front doors send `undefined` for channels that take no arguments (a bare CLI command, an empty IPC call).
      const parsed = spec.input.safeParse(rawInput === undefined ? {} : rawInput);
      if (!parsed.success) {
        const first = parsed.error.issues[0];
        throw new LabError('invalid_input', describeIssues(parsed.error.issues, rawInput), {
          field: first && first.path.length > 0 ? first.path.join('.') : undefined,
          details: parsed.error.issues,
        });
      }
      const handler = handlers[name] as (input: unknown) => Promise<unknown>;
      const result = await handler(parsed.data);
      const checked = spec.output.safeParse(result);
      if (!checked.success) {
        // The service broke the contract: the caller cannot fix this, so it is internal, with the detail in the log.
        console.error(`The result of "${name}" does not match the API contract (common/api): ${describeIssues(checked.error.issues, result)}`);
        throw new LabError('internal', `Attention Lab produced an invalid answer for "${name}"; the details were written to the log.`);
      }
      return checked.data;
    },
    on(listener: LabListener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close(): void {
      if (closed) return;
      closed = true;
      listeners.clear();
      // workers first: their runs are marked crashed (resumable) while the store is still open
      for (const service of [jobs, experiments, analysis, embeddings, finetune, datasets, tokenizers] as Closable[]) service.close?.();
      db.close();
    },
  };
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
  const sqliteCode = (e as { code?: unknown } | null)?.code;
  if (typeof sqliteCode === 'string') {
    const known = Object.keys(STORE_PROBLEMS).find((k) => sqliteCode === k || sqliteCode.startsWith(`${k}_`));
    if (known) return { message: STORE_PROBLEMS[known], code: 'store' };
  }
  console.error('Unexpected error inside Attention Lab:', e instanceof Error ? e.stack : e);
  return { message: 'Something went wrong inside Attention Lab; the details were written to the log. Please try again.', code: 'internal' };
}
