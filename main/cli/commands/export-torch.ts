// `attention-lab export-torch RUN --out DIR` (or `--experiment EXP`): a run or a whole experiment as a self-contained
// PyTorch DDP project (model, train.py, token shards, tokenizer, settings, launch scripts, README).
import { resolve } from 'node:path';
import { LabError } from '../../../common/errors';
import { formatBytes } from '../../../common/format';
import type { CliCommand, CommandContext } from '../command';
import { stringOption } from '../command';
import { fields } from '../format';
import { resolveRun } from './runs';

async function resolveExperiment(ctx: CommandContext, ref: string): Promise<number> {
  const list = await ctx.call('experiments.list', {});
  const found = list.find((e) => e.name === ref) ?? (/^\d+$/.test(ref) ? list.find((e) => e.id === Number(ref)) : undefined)
    ?? list.find((e) => e.name.toLowerCase() === ref.toLowerCase());
  if (!found) {
    const hint = list.length === 0 ? 'there are none yet; make one with `attention-lab compare`.' : `the experiments are ${list.slice(0, 8).map((e) => `${e.id} "${e.name}"`).join(', ')}${list.length > 8 ? ', …' : ''}.`;
    throw new LabError('not_found', `There is no experiment ${JSON.stringify(ref)}; ${hint}`, { field: 'experiment' });
  }
  return found.id;
}

export const exportTorchCommand: CliCommand = {
  name: 'export-torch',
  summary: 'export a run (or an experiment) as a PyTorch DDP project to train on GPUs or a cluster',
  usage: 'RUN --out DIR [--experiment] [--no-checkpoint] [--force]',
  details: [
    'RUN              a run name or id; with --experiment, an experiment name or id (every GPT/BERT run of it)',
    '--out            the folder to write (default: a new folder under exports/ in the lab home); refused when it',
    '                 exists and is not empty, unless --force (which replaces only the files an export owns)',
    '--no-checkpoint  leave out the newest checkpoint (by default it is included, to continue from)',
    'Then train it: `bash DIR/runs/<run>/launch.sh` (torchrun, one GPU node), `bash DIR/runs/<run>/launch_cpu.sh`',
    '(2 CPU ranks, no torchrun); DIR/README.md has several nodes and Slurm. Bring it back with `runs import-torch DIR`.',
  ],
  positionals: ['RUN'],
  options: { out: { type: 'string' }, experiment: { type: 'boolean' }, 'no-checkpoint': { type: 'boolean' }, force: { type: 'boolean' } },
  async run(ctx, values, [ref]) {
    const target = values.experiment === true ? { experiment: await resolveExperiment(ctx, ref) } : { run: (await resolveRun(ctx, ref)).id };
    const out = stringOption(values, 'out');
    const result = await ctx.call('scale.exportTorch', {
      ...target, ...(out === undefined ? {} : { out: resolve(out) }), checkpoint: values['no-checkpoint'] !== true, force: values.force === true,
    });
    for (const n of result.notes) ctx.note(n);
    ctx.result(result, () => [
      fields([
        ['wrote', result.dir],
        ['size', formatBytes(result.bytes)],
        ...result.runs.map((r): [string, string] => [`runs/${r.slug}`, `${r.name}${r.checkpointStep === null ? '' : ` (lab checkpoint at step ${r.checkpointStep} included)`}`]),
      ]),
      '',
      'Train it:',
      `  one GPU node     ${result.commands.oneNode}`,
      `  2 CPU ranks here ${result.commands.cpu}`,
      `Bring it back:     ${result.commands.importBack}`,
      `README.md there has the commands for several nodes and for Slurm.`,
    ].join('\n'));
  },
};
