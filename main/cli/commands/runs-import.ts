// `attention-lab runs import-external PATH`: runs logged by other tools (TensorBoard event files, CSV, JSONL) become
// external runs of this lab, listed by `runs list` and comparable with its own runs.
import { numberOption, stringOption, UsageError, type CliCommand } from '../command';

export const importExternalCommand: CliCommand = {
  name: 'import-external',
  summary: 'import runs from TensorBoard event files, a CSV or a JSONL log as external runs',
  usage: 'PATH [--format auto|tfevents|csv|jsonl] [--name N] [--family F] [--experiment ID]',
  details: [
    'PATH          a TensorBoard log folder (every folder with events.out.tfevents.* is a run), an event file,',
    '              a .csv/.tsv (step + value [+ key, run, time] columns, or step + one column per metric) or a .jsonl',
    '--name        name the run (a single run only)',
    '--family      the model family when known (gpt, bert); default external',
    '--experiment  attach the runs to an experiment',
  ],
  positionals: ['PATH'],
  options: { format: { type: 'string' }, name: { type: 'string' }, family: { type: 'string' }, experiment: { type: 'string' } },
  async run(ctx, values, [target]) {
    const format = stringOption(values, 'format') ?? 'auto';
    if (!['auto', 'tfevents', 'csv', 'jsonl'].includes(format)) throw new UsageError(`There is no import format ${JSON.stringify(format)}.`, 'The formats are auto, tfevents, csv and jsonl.');
    const experimentId = numberOption(values, 'experiment');
    const result = await ctx.call('runs.importExternal', {
      path: target, format: format as 'auto', ...(stringOption(values, 'name') ? { name: stringOption(values, 'name') } : {}),
      ...(stringOption(values, 'family') ? { family: stringOption(values, 'family') } : {}), ...(experimentId === undefined ? {} : { experimentId }),
    });
    for (const p of result.problems) ctx.note(`skipped: ${p.file}, ${p.where}: ${p.message}`);
    if (result.problemCount > result.problems.length) ctx.note(`… and ${result.problemCount - result.problems.length} more skipped record(s) or line(s).`);
    ctx.result(result, () => [
      `Imported ${result.runs.length} external run(s):`,
      ...result.runs.map((r) => `  ${r.id}  ${r.name}  (${Object.keys(r.metrics).length} metric(s), ${Object.values(r.metrics).reduce((n, m) => n + m.count, 0).toLocaleString('en-US')} points, up to step ${r.step})`),
      'They are listed by `attention-lab runs list`; compare them with the lab\'s runs on the Compare page.',
    ].join('\n'));
  },
};
