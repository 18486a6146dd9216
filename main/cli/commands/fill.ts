// `attention-lab fill RUN --text "… [MASK] …"`: a BERT run's top-k fillers for every [MASK] in a text.
import { fillWithRun } from '../../lab/runs/probes';
import type { CliCommand } from '../command';
import { numberOption, requiredOption } from '../command';
import { percent, table } from '../format';
import { resolveRun } from './runs';
import { TOKEN_LEGEND, visibleText, visibleToken } from '../../../common/token-text';

export const fillCommand: CliCommand = {
  name: 'fill',
  summary: "fill the [MASK]s of a text with a BERT run's newest checkpoint (or the one at --step)",
  usage: 'RUN --text "… [MASK] …" [--step N] [--top-k K]',
  details: ['--top-k  candidates shown per [MASK] (default 5)', '--step   the checkpoint saved at step N (default: the newest; `runs show RUN` lists them)'],
  positionals: ['RUN'],
  options: { text: { type: 'string' }, 'top-k': { type: 'string' }, step: { type: 'string' } },
  async run(ctx, values, [ref]) {
    const run = await resolveRun(ctx, ref);
    const text = requiredOption(values, 'text', 'a text with [MASK] where a token should be predicted');
    const result = fillWithRun(ctx.lab().ctx, run.id, text, numberOption(values, 'top-k') ?? 5, numberOption(values, 'step'));
    ctx.result(result, () => [visibleText(result.filled), '', table(['mask', 'rank', 'token', 'probability'], result.masks.flatMap((m) =>
      m.candidates.map((c, rank) => [String(m.index + 1), String(rank + 1), visibleToken(c.token), percent(c.probability, 1)]))), TOKEN_LEGEND].join('\n'));
  },
};
