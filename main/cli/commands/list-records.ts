// `--list` of compare, seq2seq-compare and report: the stored experiments and reports with their ids, so a message
// such as "There is no experiment with id 7" can name a command that shows the ones there are (issue 14).
import type { CommandContext } from '../command';
import { int, table } from '../format';

const day = (iso: string): string => iso.slice(0, 16).replace('T', ' ');

/** BERT-vs-GPT (and fine-tuning) experiments: id, name, dataset, status, budget. */
export async function listExperiments(ctx: CommandContext): Promise<void> {
  const list = await ctx.call('experiments.list', {});
  ctx.result(list, () => list.length === 0
    ? 'No experiments yet; make one with `attention-lab compare --dataset NAME`.'
    : table(['id', 'name', 'dataset', 'status', 'steps', 'seeds', 'created'], list.map((e) => [
      String(e.id), e.name, e.datasetName ?? '—', e.status, int(e.steps), String(e.pairs.length), day(e.createdAt),
    ])));
}

/** Seq2seq experiments: id, name, task or pair file, variants, status. */
export async function listSeq2seq(ctx: CommandContext): Promise<void> {
  const list = await ctx.call('seq2seq.list', {});
  ctx.result(list, () => list.length === 0
    ? 'No seq2seq experiments yet; make one with `attention-lab seq2seq-compare --task reverse`.'
    : table(['id', 'name', 'task', 'variants', 'status', 'steps', 'created'], list.map((e) => [
      String(e.id), e.name, e.pairsFile ?? (e.pairsDataset === null ? e.task : `dataset "${e.pairsDataset}"`), e.variants.join(','), e.status, int(e.steps), day(e.createdAt),
    ])));
}

/** Stored reports (made in the app): id, name, what they are built from, figures, language. */
export async function listReports(ctx: CommandContext): Promise<void> {
  const list = await ctx.call('reports.list', {});
  ctx.result(list, () => list.length === 0
    ? 'No stored reports; `attention-lab report EXPERIMENT --format html` writes one without storing it.'
    : table(['id', 'name', 'from', 'figures', 'language', 'updated'], list.map((r) => [
      String(r.id), r.name, r.experimentId !== null ? `experiment ${r.experimentId}` : `runs ${r.runIds.join(',')}`, String(r.figureCount), r.lang, day(r.updatedAt),
    ])));
}
