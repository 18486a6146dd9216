// PyTorch DDP shapes of the API contract (issue 19): a run or an experiment exported as a self-contained PyTorch
// project (`scale.exportTorch`), and what that project trained brought back as external runs (`scale.importTorch`).
import { z } from 'zod';
import { Id } from './shared';

/** Where and how an exported run trained, from its output/engine.json (every part optional: an old or cut file). */
export const TorchEngine = z.object({
  engine: z.string(),
  torch: z.string().nullable(),
  backend: z.string().nullable(),
  ranks: z.number().int().nullable(),
  nodes: z.number().int().nullable(),
  devices: z.array(z.string()),
  precision: z.string().nullable(),
});

export const TorchExportResult = z.object({
  /** the folder written, absolute */
  dir: z.string(),
  kind: z.enum(['run', 'experiment']),
  runs: z.array(z.object({
    /** its folder under runs/ */
    slug: z.string(),
    name: z.string(),
    labRunId: Id.nullable(),
    /** the lab checkpoint included to continue from, or null (the run trains from its initial weights) */
    checkpointStep: z.number().int().nullable(),
  })),
  /** sentences for the person: what trains from scratch, what was left out */
  notes: z.array(z.string()),
  bytes: z.number(),
  /** shell commands: train on one GPU node, on 2 CPU ranks here, and bring the results back */
  commands: z.object({ oneNode: z.string(), cpu: z.string(), importBack: z.string() }),
});

export const TorchImportedRun = z.object({
  runId: Id,
  name: z.string(),
  slug: z.string(),
  status: z.enum(['completed', 'stopped', 'failed']),
  step: z.number().int(),
  totalSteps: z.number().int().nullable(),
  engine: TorchEngine,
  /** the lab run it was exported from, when that run is still in the lab (the compare page pairs them) */
  sourceRunId: Id.nullable(),
  /** checkpoints registered (copied into the lab home) */
  checkpoints: z.number().int(),
  points: z.number().int(),
});

export const TorchImportResult = z.object({
  dir: z.string(),
  runs: z.array(TorchImportedRun),
  /** sentences naming what was not imported and why (a cut metrics line, a truncated checkpoint, an untrained run) */
  problems: z.array(z.string()),
});

export const scaleChannels = {
  'scale.exportTorch': {
    input: z.object({
      run: Id.optional(),
      experiment: Id.optional(),
      /** the folder to write; default: a new folder under exports/ in the lab home */
      out: z.string().trim().min(1).max(4096).optional(),
      /** include the run's newest resumable checkpoint to continue from */
      checkpoint: z.boolean().default(true),
      /** write into a non-empty folder, replacing only the files an export owns */
      force: z.boolean().default(false),
    }).strict().refine((v) => (v.run === undefined) !== (v.experiment === undefined), {
      message: 'Export one thing: give run or experiment, not both and not neither.', path: ['run'],
    }),
    output: TorchExportResult,
  },
  'scale.importTorch': {
    input: z.object({
      dir: z.string().trim().min(1, 'Give the folder the PyTorch export was written to (the one with export.json and runs/).').max(4096),
      /** attach the imported runs to this experiment (default: the experiment they were exported from, when it exists) */
      experimentId: Id.optional(),
    }).strict(),
    output: TorchImportResult,
  },
} as const;
