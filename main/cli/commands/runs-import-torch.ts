// `attention-lab runs import-torch DIR`: the runs a PyTorch DDP export trained come back as external runs of this lab
// (metrics, checkpoints, where and how they ran), listed by `runs list` beside the runs they were exported from.
import { numberOption, type CliCommand } from '../command';
import { table } from '../format';

export const importTorchCommand: CliCommand = {
  name: 'import-torch',
  summary: 'import the runs a PyTorch DDP export trained (metrics and checkpoints) as external runs',
  usage: 'DIR [--experiment ID]',
  details: [
    'DIR           the folder `attention-lab export-torch` wrote (or one runs/<run> folder of it), after training',
    '--experiment  attach the runs to this experiment (default: the one they were exported from, if it still exists)',
    'What is not valid (a cut metrics line, a truncated checkpoint, a run never trained) is named and left out.',
  ],
  positionals: ['DIR'],
  options: { experiment: { type: 'string' } },
  async run(ctx, values, [dir]) {
    const experimentId = numberOption(values, 'experiment');
    const result = await ctx.call('scale.importTorch', { dir, ...(experimentId === undefined ? {} : { experimentId }) });
    for (const p of result.problems) ctx.note(`not imported: ${p}`);
    ctx.result(result, () => [
      `Imported ${result.runs.length} run(s) trained with PyTorch from ${result.dir}:`,
      table(['id', 'name', 'status', 'step', 'engine', 'checkpoints', 'from run'], result.runs.map((r) => [
        String(r.runId), r.name, r.status, r.totalSteps === null ? String(r.step) : `${r.step}/${r.totalSteps}`,
        [r.engine.ranks === null ? null : `${r.engine.ranks} rank(s)`, r.engine.backend, r.engine.precision, r.engine.torch === null ? null : `torch ${r.engine.torch}`].filter((x) => x !== null).join(', '),
        String(r.checkpoints), r.sourceRunId === null ? '—' : String(r.sourceRunId),
      ])),
      ...result.runs.filter((r) => r.sourceRunId !== null).map((r) => `Run ${r.runId} overlays run ${r.sourceRunId} on the Compare page; its losses: attention-lab metrics ${r.runId} --key train/loss`),
    ].join('\n'));
  },
};
