// ReportService: the 'reports.*' channels — reports stored with their runs and options, built into a document in their
// language, previewed, exported in every format, figures pinned into them — and 'runs.importExternal'.
import fs from 'node:fs';
import path from 'node:path';
import type { ChannelArgs, ChannelOutput, ReportT } from '../../../common/api';
import { LabError } from '../../../common/errors';
import { tokensPerStep } from '../../../common/charts/runSettings';
import { buildReportDocument } from '../../reports/build';
import { defaultReportOptions, type ReportOptions } from '../../reports/build-input';
import type { ExportRun } from '../../reports/data-export';
import { renderHtml } from '../../reports/html';
import type { ReportQueries, ReportRow } from '../../store/reports';
import type { LabContext } from '../app/context';
import type { RunService } from '../runs/service';
import { EXTENSIONS, exportReport, chromiumPrinter, type PdfPrinter } from './export';
import { importExternal } from './external-runs';
import { gatherReportInput, toFigure, uniqueLabels, type GatherServices } from './gather';

export interface ReportServiceOptions {
  /** how PDFs are printed: Electron's printToPDF in the app; a local Chromium otherwise */
  printPdf?: PdfPrinter;
}

function slug(name: string): string {
  return name.replace(/[^\p{L}\p{N}._-]+/gu, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'report';
}

/** "Report: <experiment>" in the report's language. */
function defaultName(subject: string, lang: 'en' | 'zh-CN'): string {
  return lang === 'zh-CN' ? `报告：${subject}` : `Report: ${subject}`;
}

export class ReportService {
  private readonly queries: ReportQueries;
  private readonly runs: RunService;
  private readonly printer: PdfPrinter;

  constructor(private readonly ctx: LabContext, private readonly services: GatherServices, opts: ReportServiceOptions = {}) {
    this.queries = ctx.store.reports;
    this.runs = services.runs;
    this.printer = opts.printPdf ?? chromiumPrinter;
  }

  private row(id: number): ReportRow {
    const row = this.queries.get(id);
    if (!row) throw new LabError('not_found', `There is no report with id ${id}; \`attention-lab report --list\` or the Reports page shows the reports there are.`, { field: 'id' });
    return row;
  }

  private toReport(row: ReportRow): ReportT {
    const runIds = JSON.parse(row.run_ids_json) as number[];
    const existing = this.queries.existingRunIds(runIds);
    const stored = JSON.parse(row.options_json) as Partial<ReportOptions>;
    const options = { ...defaultReportOptions(stored.lang ?? 'en'), ...stored } as ReportOptions;
    return {
      id: row.id, name: row.name, experimentId: row.experiment_id, runIds, missingRunIds: runIds.filter((id) => !existing.has(id)), options,
      figures: this.queries.figures(row.id).map(toFigure),
      lastExport: row.format && row.path ? { format: row.format as NonNullable<ReportT['lastExport']>['format'], path: row.path, sha256: row.sha256 ?? '', bytes: row.bytes ?? 0, exportedAt: row.exported_at ?? row.updated_at } : null,
      createdAt: row.created_at, updatedAt: row.updated_at,
    };
  }

  /** The runs a new report covers: an experiment's (now) or the given ones, each checked to exist. */
  private async subjectRuns(experimentId: number | undefined, runIds: number[] | undefined): Promise<{ experimentId: number | null; runIds: number[]; name: string }> {
    if (experimentId !== undefined) {
      const e = await this.services.experiment(experimentId);
      return { experimentId, runIds: e.runs.map((r) => r.id), name: e.name };
    }
    const ids = [...new Set(runIds ?? [])];
    const existing = this.queries.existingRunIds(ids);
    const missing = ids.filter((id) => !existing.has(id));
    if (missing.length > 0) throw new LabError('not_found', `There is no run with id ${missing.join(', ')}; \`attention-lab runs list\` shows the runs there are.`, { field: 'runIds' });
    const first = this.runs.run(ids[0]);
    return { experimentId: null, runIds: ids, name: ids.length === 1 ? first.name : `${first.name} +${ids.length - 1}` };
  }

  async list(): Promise<ChannelOutput<'reports.list'>> {
    const counts = this.queries.figureCounts();
    return this.queries.list().map((row) => {
      const { figures: _f, options, ...rest } = this.toReport(row);
      return { ...rest, figureCount: counts.get(row.id) ?? 0, lang: options.lang };
    });
  }

  async get(input: ChannelArgs<'reports.get'>): Promise<ChannelOutput<'reports.get'>> {
    return this.toReport(this.row(input.id));
  }

  async create(input: ChannelArgs<'reports.create'>): Promise<ChannelOutput<'reports.create'>> {
    const subject = await this.subjectRuns(input.experimentId, input.runIds);
    const options = defaultReportOptions(input.lang ?? 'en');
    const id = this.queries.insert({ name: input.name ?? defaultName(subject.name, options.lang), experimentId: subject.experimentId, runIds: subject.runIds, options });
    this.ctx.emit('reports.changed', { id });
    return this.get({ id });
  }

  async update(input: ChannelArgs<'reports.update'>): Promise<ChannelOutput<'reports.update'>> {
    const current = this.toReport(this.row(input.id));
    if (input.runIds) await this.subjectRuns(undefined, input.runIds);
    if (input.options) {
      const ids = input.options.sections.map((s) => s.id);
      const lacking = defaultReportOptions('en').sections.map((s) => s.id).filter((id) => !ids.includes(id));
      if (lacking.length > 0) throw new LabError('invalid_input', `The sections list must name every section once; it lacks ${lacking.join(', ')} (turn a section off with enabled: false).`, { field: 'options.sections' });
    }
    this.queries.update(input.id, { name: input.name ?? current.name, runIds: input.runIds ?? current.runIds, options: input.options ?? current.options });
    this.ctx.emit('reports.changed', { id: input.id });
    return this.get({ id: input.id });
  }

  async delete(input: ChannelArgs<'reports.delete'>): Promise<ChannelOutput<'reports.delete'>> {
    this.row(input.id);
    this.queries.delete(input.id);
    this.ctx.emit('reports.changed', { id: null });
    return { ok: true };
  }

  private async document(report: { name: string; experimentId: number | null; runIds: number[]; options: ReportOptions; id: number | null }, attachFull: boolean) {
    const input = await gatherReportInput(this.ctx, this.services, {
      name: report.name, experimentId: report.experimentId, runIds: report.runIds, options: report.options,
      figures: report.id === null ? [] : this.queries.figures(report.id), attachFull,
    });
    return buildReportDocument(input);
  }

  async preview(input: ChannelArgs<'reports.preview'>): Promise<ChannelOutput<'reports.preview'>> {
    const r = this.toReport(this.row(input.id));
    return { html: renderHtml(await this.document({ ...r }, false), 'interactive') };
  }

  async export(input: ChannelArgs<'reports.export'>): Promise<ChannelOutput<'reports.export'>> {
    let report: { id: number | null; name: string; experimentId: number | null; runIds: number[]; options: ReportOptions };
    if (input.id !== undefined) {
      report = this.toReport(this.row(input.id));
    } else {
      const subject = await this.subjectRuns(input.experimentId, input.runIds);
      report = { id: null, name: defaultName(subject.name, input.lang ?? 'en'), experimentId: subject.experimentId, runIds: subject.runIds, options: defaultReportOptions(input.lang ?? 'en') };
    }
    const out = input.path ?? path.join(this.ctx.home, 'exports', 'reports', `${report.id ?? 'adhoc'}-${slug(report.name)}${EXTENSIONS[input.format] || '-tensorboard'}`);
    if (input.path === undefined) fs.mkdirSync(path.dirname(out), { recursive: true });
    const existing = this.queries.existingRunIds(report.runIds);
    const runs = report.runIds.filter((id) => existing.has(id)).map((id) => this.runs.run(id));
    const notices: string[] = report.runIds.filter((id) => !existing.has(id)).map((id) => `Run ${id} was deleted; the export covers the other runs.`);
    for (const r of runs) if (Object.keys(r.metrics).length === 0) notices.push(`Run ${r.id} ("${r.name}") has no metrics yet (${r.status}); it is listed, with no points.`);
    if (runs.length === 0) throw new LabError('not_found', `Every run of "${report.name}" has been deleted, so there is nothing to export.`, { field: 'id' });
    const labels = uniqueLabels(runs);
    const exportRuns: ExportRun[] = runs.map((r) => ({
      id: r.id, label: labels.get(r.id) ?? r.name, name: r.name, family: r.family, origin: r.origin ?? 'local', status: r.status, seed: r.seed,
      datasetName: r.datasetName, tokenizerName: r.tokenizerName, config: r.config, tokensPerStep: r.origin === 'external' ? null : tokensPerStep(r) || null,
      step: r.step, tokensSeen: r.tokensSeen, createdAt: r.createdAt, finishedAt: r.finishedAt,
      metrics: Object.fromEntries(Object.entries(r.metrics).map(([k, s]) => [k, { last: s.last, lastStep: s.lastStep, best: s.best, bestStep: s.bestStep, count: s.count }])),
    }));
    const app = await this.services.app();
    const result = await exportReport({
      format: input.format, out, force: input.force, printer: this.printer, generator: `Attention Lab ${app.version}`,
      document: () => this.document(report, input.format === 'html'), runs: exportRuns, points: this.ctx.store.metricPoints,
    });
    if (report.id !== null) {
      this.queries.recordExport(report.id, { format: result.format, path: result.path, sha256: result.sha256, bytes: result.bytes });
      this.ctx.emit('reports.changed', { id: report.id });
    }
    return { ...result, notices };
  }

  async pin(input: ChannelArgs<'reports.pin'>): Promise<ChannelOutput<'reports.pin'>> {
    if (input.mime === 'image/svg+xml' && !/^\s*(<\?xml[^>]*>\s*)?<svg[\s>]/.test(input.data)) {
      throw new LabError('invalid_input', 'The pinned figure is not SVG markup (it must start with <svg>).', { field: 'data' });
    }
    if (input.mime === 'image/png' && !/^[A-Za-z0-9+/]+=*$/.test(input.data)) {
      throw new LabError('invalid_input', 'The pinned figure is not base64 PNG data.', { field: 'data' });
    }
    if (input.runId !== null && this.queries.existingRunIds([input.runId]).size === 0) {
      throw new LabError('not_found', `There is no run with id ${input.runId}.`, { field: 'runId' });
    }
    let reportId: number;
    if (input.reportId !== undefined) {
      reportId = this.row(input.reportId).id;
    } else {
      const created = await this.create({ runIds: input.newReport!.runIds, name: input.newReport!.name, lang: input.newReport!.lang });
      reportId = created.id;
    }
    const figureId = this.queries.addFigure({ reportId, title: input.title, caption: input.caption, runId: input.runId, step: input.step, view: input.view,
      mime: input.mime, data: input.data, meta: input.meta });
    this.ctx.emit('reports.changed', { id: reportId });
    return { report: await this.get({ id: reportId }), figureId };
  }

  async unpin(input: ChannelArgs<'reports.unpin'>): Promise<ChannelOutput<'reports.unpin'>> {
    this.row(input.reportId);
    if (!this.queries.removeFigure(input.reportId, input.figureId)) {
      throw new LabError('not_found', `Report ${input.reportId} has no figure with id ${input.figureId}.`, { field: 'figureId' });
    }
    this.ctx.emit('reports.changed', { id: input.reportId });
    return this.get({ id: input.reportId });
  }

  importExternal(input: ChannelArgs<'runs.importExternal'>): Promise<ChannelOutput<'runs.importExternal'>> {
    return importExternal(this.ctx, this.runs, input);
  }
}
