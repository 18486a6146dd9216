// DatasetService: every 'datasets.*' API channel — import, inspect, browse, split, rename, delete, export.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ChannelArgs, ChannelOutput, SplitInfoT } from '../../../common/api';
import { assignSplits, contiguousSplits, inspectSource, listSamples, sampleSource } from '../../data/import';
import type { LabContext } from '../app/context';
import { duplicateOf, importIntoStore, nameTaken, type ImportJob } from './import';
import { removeImportsOfDeadOwners } from '../../store/recovery';
import { isContinuousText, toDataset, toDocument, type DatasetQueries, type DatasetRow } from '../../store/datasets';
import { LabError } from '../../../common/errors';
import { exportTarget } from '../app/export-target';
import { isUpload, removeUpload, uploadedName, withUploadName } from '../app/uploads';

const SPLIT_NAMES = ['train', 'validation', 'test'] as const;
/** Rows fetched per page while exporting: bounded memory for any dataset size. */
const EXPORT_PAGE = 1000;

export class DatasetService {
  private readonly q: DatasetQueries;

  constructor(private readonly ctx: LabContext) {
    this.q = ctx.store.datasets;
  }

  async list(): Promise<ChannelOutput<'datasets.list'>> {
    return this.q.listReady.all().map(toDataset);
  }

  async get(input: ChannelArgs<'datasets.get'>): Promise<ChannelOutput<'datasets.get'>> {
    return toDataset(this.readyRow(input.id));
  }

  async inspect(input: ChannelArgs<'datasets.inspect'>): Promise<ChannelOutput<'datasets.inspect'>> {
    // a browser upload's sentences name the file as the person chose it, never the lab's copy in <home>/uploads
    const found = await inspectSource(input.path, { format: input.format, encoding: input.encoding }).catch((e: unknown) => {
      throw withUploadName(this.ctx.home, input.path, e);
    });
    const twin = this.q.readyBySha.get(found.sha256);
    return {
      path: found.path,
      format: found.format,
      encoding: found.encoding,
      bytes: found.bytes,
      ...(found.columns === undefined ? {} : { columns: found.columns }),
      ...(found.fields === undefined ? {} : { fields: found.fields }),
      ...(found.labels === undefined ? {} : { labels: found.labels }),
      ...(found.files === undefined ? {} : { files: found.files }),
      preview: found.preview,
      ...(found.previewWhole === undefined ? {} : { previewWhole: found.previewWhole }),
      duplicateOf: twin === undefined ? null : { id: twin.id, name: twin.name },
    };
  }

  async import(input: ChannelArgs<'datasets.import'>): Promise<ChannelOutput<'datasets.import'>> {
    try {
      return await this.importFile(input);
    } catch (e) {
      throw withUploadName(this.ctx.home, input.path, e);
    }
  }

  private async importFile(input: ChannelArgs<'datasets.import'>): Promise<ChannelOutput<'datasets.import'>> {
    this.checkNameFree(input.name);
    // Inspection hashes the bytes first, so a duplicate is refused in a second instead of after a long import.
    const found = await inspectSource(input.path, { format: input.format, encoding: input.encoding });
    if (!input.allowDuplicate) {
      const twin = this.q.readyBySha.get(found.sha256);
      if (twin !== undefined) throw duplicateOf(input.path, twin.name);
    }
    const choices = {
      format: found.format,
      encoding: input.encoding,
      mode: input.mode,
      textColumn: input.textColumn,
      labelColumn: input.labelColumn,
      secondTextColumn: input.secondTextColumn,
      textField: input.textField,
      labelField: input.labelField,
      secondTextField: input.secondTextField,
      skipInvalid: input.skipInvalid,
    };
    const job: ImportJob = {
      name: input.name,
      path: path.resolve(input.path),
      // an upload copy is removed after the import: the dataset remembers the file's own name instead
      ...(isUpload(this.ctx.home, input.path) ? { source: uploadedName(this.ctx.home, input.path) } : {}),
      options: choices,
      recorded: choices,
      expected: { format: found.format, encoding: found.encoding, sha256: found.sha256 },
      allowDuplicate: input.allowDuplicate,
      taskId: input.taskId ?? `import-${randomUUID()}`,
    };
    const { id, summary } = await importIntoStore(this.ctx, this.q, job);
    // a browser upload's copy has served its purpose (a failed import keeps it, so the dialog can try other choices)
    removeUpload(this.ctx.home, job.path);
    this.ctx.emit('datasets.changed', { id });
    return { dataset: toDataset(this.readyRow(id)), encoding: summary.encoding, skipped: summary.invalid, skippedCount: summary.invalidCount };
  }

  async samples(): Promise<ChannelOutput<'datasets.samples'>> {
    return listSamples();
  }

  async importSample(input: ChannelArgs<'datasets.importSample'>): Promise<ChannelOutput<'datasets.importSample'>> {
    const source = sampleSource(input.sampleId);
    const already = this.q.readyBySample.get(input.sampleId);
    if (already !== undefined) {
      throw new LabError('conflict', `The sample "${input.sampleId}" is already in the lab as the dataset "${already.name}": use that dataset.`, { field: 'sampleId' });
    }
    const name = input.name ?? this.freeName(source.name);
    if (input.name !== undefined) this.checkNameFree(name);
    const { id } = await importIntoStore(this.ctx, this.q, {
      name,
      path: source.path,
      options: source.options,
      recorded: { sample: input.sampleId },
      expected: { format: source.options.format ?? 'folder', encoding: source.options.encoding ?? 'auto', sha256: '' },
      allowDuplicate: false,
      taskId: input.taskId ?? `sample-${randomUUID()}`,
    });
    this.ctx.emit('datasets.changed', { id });
    return { dataset: toDataset(this.readyRow(id)) };
  }

  async documents(input: ChannelArgs<'datasets.documents'>): Promise<ChannelOutput<'datasets.documents'>> {
    this.readyRow(input.id);
    const { total, rows } = this.q.documents(input);
    return { total, items: rows.map(toDocument) };
  }

  async split(input: ChannelArgs<'datasets.split'>): Promise<ChannelOutput<'datasets.split'>> {
    const row = this.readyRow(input.id);
    const docs = this.q.labelsInOrder.all(input.id);
    const labels = docs.map((d) => d.label);
    const ratios = { train: input.train, validation: input.validation, test: input.test };
    const continuous = isContinuousText(row);
    const parts = continuous ? contiguousSplits(docs.length, ratios) : assignSplits(labels, ratios, input.seed, input.stratify);
    const stratified = !continuous && input.stratify && labels.some((l) => l !== null);
    const counts = { train: 0, validation: 0, test: 0 };
    const createdAt = new Date().toISOString();
    this.ctx.db.transaction(() => {
      docs.forEach((d, i) => {
        const part = SPLIT_NAMES[parts[i]];
        counts[part]++;
        this.q.setSplit.run(part, d.id);
      });
      this.q.upsertSplit.run(input.id, input.seed, ratios.train, ratios.validation, ratios.test, stratified ? 1 : 0, JSON.stringify(counts), createdAt);
    })();
    this.ctx.emit('datasets.changed', { id: input.id });
    const info: SplitInfoT = { seed: input.seed, ratios, stratified, counts, createdAt };
    return info;
  }

  async rename(input: ChannelArgs<'datasets.rename'>): Promise<ChannelOutput<'datasets.rename'>> {
    this.readyRow(input.id);
    const holder = this.nameHolder(input.name);
    if (holder !== undefined && holder.id !== input.id) throw nameTaken(input.name);
    this.q.rename.run(input.name, input.id);
    this.ctx.emit('datasets.changed', { id: input.id });
    return toDataset(this.readyRow(input.id));
  }

  async delete(input: ChannelArgs<'datasets.delete'>): Promise<ChannelOutput<'datasets.delete'>> {
    this.readyRow(input.id);
    // 'deleting' is committed first so other readers stop showing it at once; if the app dies before the
    // cascade finishes, the next openStore completes the delete.
    this.q.setStatus.run('deleting', input.id);
    this.q.remove.run(input.id);
    this.ctx.emit('datasets.changed', { id: input.id });
    return { ok: true };
  }

  async export(input: ChannelArgs<'datasets.export'>): Promise<ChannelOutput<'datasets.export'>> {
    const row = this.readyRow(input.id);
    const target = exportTarget(this.ctx.home, input.path, { stem: safeFileName(row.name), ext: '.jsonl' }, input.force === true);
    // Written beside the target and renamed at the end, so a failed export never leaves half a file under its name.
    const partial = `${target}.partial-${process.pid}`;
    const out = await fs.promises.open(partial, 'w');
    let written = 0;
    try {
      let after = -1;
      for (;;) {
        const page = this.q.exportPage.all(input.id, after, EXPORT_PAGE);
        if (page.length === 0) break;
        // a pair keeps its second text (re-import with --second-text-field text_b)
        const lines = page.map((d) => `${JSON.stringify({ text: d.text, ...(d.text_b === null ? {} : { text_b: d.text_b }), label: d.label, split: d.split })}\n`).join('');
        await out.write(lines, null, 'utf8');
        written += page.length;
        after = page[page.length - 1].idx;
      }
      await out.close();
      await fs.promises.rename(partial, target);
    } catch (e) {
      await out.close().catch(() => undefined);
      await fs.promises.rm(partial, { force: true });
      const reason = e instanceof Error ? e.message : String(e);
      throw new LabError('bad_file', `The dataset "${row.name}" could not be written to ${target}: ${reason}. Choose another place to export to.`, { field: 'path', cause: e });
    }
    return { path: target, documents: written };
  }

  /** A dataset that is fully imported and not being deleted, or LabError('not_found'). */
  private readyRow(id: number): DatasetRow {
    const row = this.q.byId.get(id);
    if (row === undefined || row.status !== 'ready') {
      throw new LabError('not_found', `There is no dataset with id ${id}${row?.status === 'importing' ? ' yet (it is still being imported)' : ''}: list the datasets to see their ids.`, { field: 'id' });
    }
    return row;
  }

  private checkNameFree(name: string): void {
    if (this.nameHolder(name) !== undefined) throw nameTaken(name);
  }

  /** The dataset holding `name`; an import whose process on this machine was killed holds no name (it is removed now). */
  private nameHolder(name: string): { id: number; status: string } | undefined {
    const holder = this.q.byName.get(name);
    if (holder?.status !== 'importing' || removeImportsOfDeadOwners(this.ctx.db) === 0) return holder;
    return this.q.byName.get(name);
  }

  /** "Brown corpus", else "Brown corpus (2)", "Brown corpus (3)", … */
  private freeName(base: string): string {
    for (let n = 1; ; n++) {
      const candidate = n === 1 ? base : `${base} (${n})`;
      if (this.nameHolder(candidate) === undefined) return candidate;
    }
  }
}

/** A dataset name as a file name on every OS: characters Windows forbids, and control characters, become "_". */
export function safeFileName(name: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must be replaced
  const cleaned = name.replace(/[<>:"/\\|?*\u0000-\u001f]/g, '_').replace(/[. ]+$/, '');
  return cleaned === '' ? 'dataset' : cleaned;
}
