// Reports store: the list of reports, the one open in the builder (edited locally, saved explicitly), its preview and
// exports, and pinning attention figures into a report.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ChannelInput, ChannelOutput, ReportOptionsT, ReportSummaryT, ReportT } from '../../common/api';
import { call, errorMessage, onEvent } from '../api';

export type ReportFormat = ChannelInput<'reports.export'>['format'];
export type ExportResult = ChannelOutput<'reports.export'>;

export const useReportsStore = defineStore('reports', () => {
  const list = ref<ReportSummaryT[]>([]);
  const current = ref<ReportT | null>(null);
  /** the builder's working copy of the options and name (saved by save()) */
  const draft = ref<{ name: string; options: ReportOptionsT } | null>(null);
  const dirty = ref(false);
  const previewHtml = ref<string | null>(null);
  const error = ref<string | null>(null);
  const busy = ref<string | null>(null);
  const exports = ref<ExportResult[]>([]);
  let subscribed = false;

  async function load(): Promise<void> {
    try {
      list.value = await call('reports.list', {});
      error.value = null;
    } catch (e) {
      error.value = errorMessage(e);
    }
    if (!subscribed) {
      subscribed = true;
      onEvent('reports.changed', () => void call('reports.list', {}).then((l) => (list.value = l)).catch(() => undefined));
    }
  }

  function adopt(r: ReportT): void {
    current.value = r;
    draft.value = { name: r.name, options: JSON.parse(JSON.stringify(r.options)) as ReportOptionsT };
    dirty.value = false;
  }

  async function open(id: number): Promise<void> {
    try {
      adopt(await call('reports.get', { id }));
      exports.value = [];
      previewHtml.value = null;
      error.value = null;
    } catch (e) {
      error.value = errorMessage(e);
    }
  }

  async function create(input: ChannelInput<'reports.create'>): Promise<ReportT> {
    const r = await call('reports.create', input);
    adopt(r);
    return r;
  }

  async function save(): Promise<void> {
    if (!current.value || !draft.value) return;
    busy.value = 'save';
    try {
      adopt(await call('reports.update', { id: current.value.id, name: draft.value.name, options: draft.value.options }));
      error.value = null;
    } catch (e) {
      error.value = errorMessage(e);
    } finally {
      busy.value = null;
    }
  }

  async function preview(): Promise<void> {
    if (!current.value) return;
    if (dirty.value) await save();
    busy.value = 'preview';
    try {
      previewHtml.value = (await call('reports.preview', { id: current.value.id })).html;
      error.value = null;
    } catch (e) {
      error.value = errorMessage(e);
    } finally {
      busy.value = null;
    }
  }

  async function exportAs(format: ReportFormat): Promise<void> {
    if (!current.value) return;
    if (dirty.value) await save();
    busy.value = format;
    try {
      const result = await call('reports.export', { id: current.value.id, format, force: true });
      exports.value = [result, ...exports.value.filter((x) => x.format !== format)];
      error.value = null;
    } catch (e) {
      error.value = errorMessage(e);
    } finally {
      busy.value = null;
    }
  }

  async function unpin(figureId: number): Promise<void> {
    if (!current.value) return;
    try {
      const r = await call('reports.unpin', { reportId: current.value.id, figureId });
      current.value = { ...r };
    } catch (e) {
      error.value = errorMessage(e);
    }
  }

  async function remove(id: number): Promise<void> {
    try {
      await call('reports.delete', { id });
      await load();
    } catch (e) {
      error.value = errorMessage(e);
    }
  }

  async function pin(input: ChannelInput<'reports.pin'>): Promise<ChannelOutput<'reports.pin'>> {
    const result = await call('reports.pin', input);
    await load();
    return result;
  }

  return { list, current, draft, dirty, previewHtml, error, busy, exports, load, open, create, save, preview, exportAs, unpin, remove, pin };
});
