// `attention-lab fill RUN --text "… [MASK] …"`: a BERT run's top-k fillers for every [MASK] in a text.
import { fillWithRun } from '../../lab/training-probe';
import type { CliCommand } from '../command';
import { numberOption, requiredOption } from '../command';
import { percent, table } from '../format';
import { resolveRun } from './runs';

export const fillCommand: CliCommand = {
  name: 'fill',
  summary: "fill the [MASK]s of a text with a BERT run's newest checkpoint",
  usage: 'RUN --text "… [MASK] …" [--top-k K]',
  details: ['--top-k  candidates shown per [MASK] (default 5)'],
  positionals: ['RUN'],
  options: { text: { type: 'string' }, 'top-k': { type: 'string' } },
  async run(ctx, values, [ref]) {
    const run = await resolveRun(ctx, ref);
    const text = requiredOption(values, 'text', 'a text with [MASK] where a token should be predicted');
    const result = fillWithRun(ctx.lab().ctx, run.id, text, numberOption(values, 'top-k') ?? 5);
    ctx.result(result, () => [result.filled, '', table(['mask', 'rank', 'token', 'probability'], result.masks.flatMap((m) =>
      m.candidates.map((c, rank) => [String(m.index + 1), String(rank + 1), JSON.stringify(c.token), percent(c.probability, 1)])))].join('\n'));
  },
};
