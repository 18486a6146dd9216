// The reports.* channels and runs.importExternal: each waits for the report service, which is loaded on first use
// (the report writers bring ECharts and markdown-it, which other commands never need).
import type { Handlers, reportChannels } from '../../../common/api';
import type { ReportService } from './service';

export function reportHandlers(reports: () => Promise<ReportService>): Pick<Handlers, keyof typeof reportChannels> {
  return {
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
  };
}
