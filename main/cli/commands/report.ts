// `attention-lab report EXPERIMENT|RUN... --format F --out PATH`: a report or the data of an experiment, some runs or a
// stored report, in html, pdf, md, tex, csv, json or tfevents, through the same reports.export channel as the app.
import type { ChannelInput } from '../../../common/api';
import { formatBytes } from '../../../common/format';
import { stringOption, UsageError, type CliCommand } from '../command';
import { listReports } from './list-records';

const FORMATS = ['html', 'pdf', 'md', 'tex', 'csv', 'json', 'tfevents'] as const;
type Format = (typeof FORMATS)[number];

export const reportCommand: CliCommand = {
  name: 'report',
  summary: 'write a report (html, pdf, md, tex) or every number (csv, json, tfevents) of an experiment or runs',
  usage: '--list | EXPERIMENT|RUN... --format html|pdf|md|tex|csv|json|tfevents [--out PATH] [--lang en|zh-CN] [--force] [--runs] [--report]',
  details: [
    'EXPERIMENT        an experiment name or id (`attention-lab compare` made it); several ids, or --runs, mean runs',
    '--format          html: one self-contained file (opens offline, interactive charts, every point attached);',
    '                  pdf: printed by a local Chromium/Chrome/Edge; md: Markdown + SVG figures in NAME_files/;',
    '                  tex: LaTeX booktabs tables; csv: run,key,step,tokens,time,value + NAME-runs.csv;',
    '                  json: every series; tfevents: one TensorBoard folder per run (tensorboard --logdir PATH)',
    '--out PATH        where to write (default: the lab home\'s exports/reports/); a temp file is renamed into place',
    '--force           replace PATH if it exists',
    '--lang            the report\'s language (default en)',
    '--runs            read the arguments as run ids even when one is also an experiment id',
    '--report          read the argument as a stored report id (made in the app; `attention-lab report --list` shows them)',
    '--list            the stored reports with their ids',
  ],
  positionals: ['EXPERIMENT|RUN'],
  variadic: true,
  options: { format: { type: 'string' }, out: { type: 'string' }, lang: { type: 'string' }, force: { type: 'boolean' }, runs: { type: 'boolean' }, report: { type: 'boolean' }, list: { type: 'boolean' } },
  async run(ctx, values, positionals) {
    if (values.list === true) return listReports(ctx);
    const format = stringOption(values, 'format');
    if (format === undefined || !(FORMATS as readonly string[]).includes(format)) {
      throw new UsageError(format === undefined ? 'The option --format is required.' : `There is no report format ${JSON.stringify(format)}.`, `The formats are ${FORMATS.join(', ')}.`);
    }
    const lang = stringOption(values, 'lang');
    if (lang !== undefined && lang !== 'en' && lang !== 'zh-CN') throw new UsageError(`There is no report language ${JSON.stringify(lang)}.`, 'The languages are en and zh-CN.');
    const base = { format: format as Format, force: values.force === true, ...(stringOption(values, 'out') ? { path: stringOption(values, 'out') } : {}), ...(lang ? { lang: lang as 'en' | 'zh-CN' } : {}) };
    const ids = positionals.map((p) => (/^\d+$/.test(p) ? Number(p) : null));
    let input: ChannelInput<'reports.export'>;
    if (values.report === true) {
      if (positionals.length !== 1 || ids[0] === null) throw new UsageError('--report takes one report id.');
      input = { ...base, id: ids[0] };
    } else if (values.runs === true || positionals.length > 1) {
      const bad = positionals.filter((_, i) => ids[i] === null);
      if (bad.length > 0) throw new UsageError(`Runs are given by id; ${bad.map((b) => JSON.stringify(b)).join(', ')} is not one.`, '`attention-lab runs list` shows the ids.');
      input = { ...base, runIds: ids as number[] };
    } else {
      const experiments = await ctx.call('experiments.list', {});
      const arg = positionals[0];
      const found = experiments.find((e) => e.name.toLowerCase() === arg.toLowerCase()) ?? (ids[0] !== null ? experiments.find((e) => e.id === ids[0]) : undefined);
      if (found) {
        if (ids[0] !== null) ctx.note(`Experiment ${found.id} ("${found.name}"); add --runs to mean run ${ids[0]} instead.`);
        input = { ...base, experimentId: found.id };
      } else if (ids[0] !== null) {
        input = { ...base, runIds: [ids[0]] };
      } else {
        throw new UsageError(`There is no experiment called ${JSON.stringify(arg)}.`, experiments.length > 0 ? `The experiments are: ${experiments.map((e) => `${e.id} ${e.name}`).join('; ')}.` : 'Make one with `attention-lab compare`.');
      }
    }
    const result = await ctx.call('reports.export', input);
    for (const n of result.notices) ctx.note(n);
    ctx.result(result, () => [
      `Wrote ${result.path} (${result.format}, ${formatBytes(result.bytes)}${result.points !== undefined ? `, ${result.points.toLocaleString('en-US')} points` : ''}).`,
      ...(result.files.length > 1 ? [`  with ${result.files.length - 1} more file(s): ${result.files.slice(1, 4).join(', ')}${result.files.length > 4 ? ', …' : ''}`] : []),
      ...(result.browser ? [`  printed by ${result.browser}`] : []),
      `  sha256 ${result.sha256}`,
    ].join('\n'));
  },
};
