// Turns what a person typed (a dataset or tokenizer name, or its id) into the record, via the same list channels the UI uses.
import type { DatasetT, TokenizerT } from '../../common/api';
import { LabError } from '../../common/errors';
import type { CommandContext } from './command';

/** An exact name wins over an id, so a dataset called "2024" is still reachable by its name. */
function pick<T extends { id: number; name: string }>(items: T[], ref: string, what: string, listCommand: string): T {
  const byName = items.find((i) => i.name === ref);
  if (byName) return byName;
  if (/^\d+$/.test(ref)) {
    const byId = items.find((i) => i.id === Number(ref));
    if (byId) return byId;
  }
  const folded = items.find((i) => i.name.toLowerCase() === ref.toLowerCase());
  const hint = folded
    ? `did you mean "${folded.name}"?`
    : items.length === 0
      ? `there are none yet.`
      : `see \`attention-lab ${listCommand}\` for the ${what}s there are.`;
  throw new LabError('not_found', `There is no ${what} called ${JSON.stringify(ref)}; ${hint}`);
}

export async function resolveDataset(ctx: CommandContext, ref: string): Promise<DatasetT> {
  return pick(await ctx.call('datasets.list', {}), ref, 'dataset', 'datasets list');
}

export async function resolveTokenizer(ctx: CommandContext, ref: string): Promise<TokenizerT> {
  return pick(await ctx.call('tokenizers.list', {}), ref, 'tokenizer', 'tokenizers list');
}
