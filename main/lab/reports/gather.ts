// Gathers what a report is built from out of the store and the other services: runs (with where they came from),
// series as the compare page loads them, every point of the charted keys, samples, datasets, tokenizers, figures.
import os from 'node:os';
import type { DatasetT, ExperimentT, RunSampleT, RunT, TokenizerT } from '../../../common/api';
import type { PinnedFigure, ReportInput, ReportOptions, ReportRun } from '../../reports/build-input';
import { compareMaxPoints } from '../../reports/build-curves';
import type { FigureRow } from '../../store/reports';
import type { LabContext } from '../app/context';
import { RunService } from '../runs/service';
import { decimateLikeStore, type Columns } from '../../reports/decimate';

export interface GatherServices {
  runs: RunService;
  experiment(id: number): Promise<ExperimentT>;
  dataset(id: number): Promise<DatasetT | null>;
  tokenizer(id: number): Promise<TokenizerT | null>;
  app(): Promise<{ version: string; kernelBackend: string; platform: string }>;
}

export function toFigure(f: FigureRow): PinnedFigure & { createdAt: string } {
  return { id: f.id, title: f.title, caption: f.caption, runId: f.run_id, step: f.step, view: f.view, mime: f.mime, data: f.data, createdAt: f.created_at };
}

/** Labels unique within a report: a run's name, with " #id" where two runs share it. */
export function uniqueLabels(runs: readonly RunT[]): Map<number, string> {
  const count = new Map<string, number>();
  for (const r of runs) count.set(r.name, (count.get(r.name) ?? 0) + 1);
  return new Map(runs.map((r) => [r.id, (count.get(r.name) ?? 0) > 1 ? `${r.name} #${r.id}` : r.name]));
}

export async function gatherReportInput(ctx: LabContext, s: GatherServices, subject: {
  name: string; experimentId: number | null; runIds: number[]; options: ReportOptions; figures: FigureRow[]; attachFull: boolean;
}): Promise<ReportInput> {
  const experiment = subject.experimentId !== null ? await s.experiment(subject.experimentId).catch(() => null) : null;
  // an experiment's report follows its runs as they are now; a run selection keeps its ids (deleted ones are named)
  const ids = experiment ? experiment.runs.map((r) => r.id) : subject.runIds;
  const queries = ctx.store.reports;
  const existing = queries.existingRunIds(ids);
  const origins = queries.origins([...existing]);
  const runs: ReportRun[] = ids.filter((id) => existing.has(id)).map((id) => {
    const o = origins.get(id);
    return { ...s.runs.run(id), origin: o?.origin ?? 'local', originInfo: o?.info ?? {} };
  });
  const maxPoints = compareMaxPoints(runs.length);
  // each series is read once, whole, and decimated in memory exactly as the compare page's query does. Only the
  // drawn points are kept between charts (a key drawn on two x axes), and every point only when the HTML attaches
  // them: a PDF of 100 runs × 6 keys would otherwise hold 6 M points and spend its time collecting them
  const full = new Map<string, Columns>();
  const drawn = new Map<string, ReturnType<typeof decimateLikeStore>>();
  // times are read only where something uses them: a chart on the time axis, or every point attached to the HTML
  const withTimes = subject.attachFull || subject.options.curves.xModes.includes('time');
  const columnsOf = (runId: number, key: string): Columns => {
    const k = `${runId}\u0000${key}`;
    let c = full.get(k);
    if (!c) {
      c = points.columns(runId, key, withTimes);
      if (subject.attachFull) full.set(k, c);
    }
    return c;
  };
  const drawnOf = (runId: number, key: string): ReturnType<typeof decimateLikeStore> => {
    const k = `${runId}\u0000${key}`;
    let d = drawn.get(k);
    if (!d) {
      d = decimateLikeStore(columnsOf(runId, key), maxPoints);
      drawn.set(k, d);
    }
    return d;
  };
  const points = ctx.store.metricPoints;
  const labels = uniqueLabels(runs);
  const datasets = new Map<number, DatasetT>();
  const tokenizers = new Map<number, TokenizerT>();
  for (const r of runs) {
    if (r.datasetId !== null && !datasets.has(r.datasetId)) {
      const d = await s.dataset(r.datasetId);
      if (d) datasets.set(d.id, d);
    }
    if (r.tokenizerId !== null && !tokenizers.has(r.tokenizerId)) {
      const t = await s.tokenizer(r.tokenizerId);
      if (t) tokenizers.set(t.id, t);
    }
  }
  const samples = new Map<number, RunSampleT[]>();
  for (const r of runs) samples.set(r.id, (await s.runs.get({ id: r.id, samples: 200 })).samples);
  const app = await s.app();
  return {
    name: subject.name,
    options: subject.options,
    experiment,
    runs,
    missingRunIds: ids.filter((id) => !existing.has(id)),
    seriesOf(runId, key) {
      const run = runs.find((r) => r.id === runId);
      if (!run || !run.metrics[key]) return undefined;
      return drawnOf(runId, key);
    },
    fullOf: subject.attachFull ? (runId, key) => {
      const run = runs.find((r) => r.id === runId);
      if (!run || !run.metrics[key]) return undefined;
      const c = columnsOf(runId, key);
      return c.steps.length > 0 ? { label: labels.get(runId) ?? run.name, key, ...c } : undefined;
    } : undefined,
    samples,
    figures: subject.figures.map(toFigure),
    datasets,
    tokenizers,
    app: { version: app.version, kernelBackend: app.kernelBackend, cpu: `${os.cpus()[0]?.model ?? 'unknown CPU'} × ${os.cpus().length}`, node: process.versions.node, platform: app.platform },
    generatedAt: new Date().toISOString(),
  };
}
