// App shapes of the API contract: what the About box shows, the settings, and task progress.
import { z } from 'zod';
import { empty, Language, Theme } from './shared';
import { RUN_COLUMNS } from '../run-columns';

/** hiddenRunColumns: the runs table's columns the person hid (common/run-columns.ts; the defaults until first chosen) */
export const Settings = z.object({ language: Language, theme: Theme, hiddenRunColumns: z.array(z.enum(RUN_COLUMNS)).max(RUN_COLUMNS.length) });

export const AppInfo = z.object({
  version: z.string(),
  mode: z.enum(['electron', 'browser', 'cli']),
  home: z.string(),
  databasePath: z.string(),
  kernelBackend: z.string(),
  platform: z.string(),
});

// ---------- channels ----------
/** The app.* and settings.* channels. */
export const appChannels = {
  'app.info': { input: empty, output: AppInfo },
  'settings.get': { input: empty, output: Settings },
  'settings.set': { input: Settings.partial().strict(), output: Settings },
} as const;

// ---------- events (main -> renderer) ----------
/** Progress of a long task (an import, a tokenizer training), by the taskId its caller chose. */
export const appEvents = {
  'task.progress': z.object({
    taskId: z.string(),
    kind: z.string(),
    phase: z.string(),
    done: z.number(),
    total: z.number().nullable(),
    message: z.string().optional(),
  }),
} as const;
