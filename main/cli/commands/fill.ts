// `attention-lab fill RUN --text "… [MASK] …"`: a BERT run's top-k fillers for every [MASK] in a text.
import { LabError } from '../../../common/errors';
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
    if (!text.includes('[MASK]')) {
      throw new LabError('invalid_input', `The text ${JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}…` : text)} has no [MASK]; write [MASK] where a token should be predicted.`, { field: 'text' });
    }
    const topK = numberOption(values, 'top-k') ?? 5;
    if (!Number.isInteger(topK) || topK < 1) throw new LabError('invalid_input', `--top-k is ${topK}, but it must be a whole number of at least 1.`, { field: 'topK' });
    if (run.family !== 'bert') {
      throw new LabError('invalid_input',
        `Run ${run.id} ("${run.name}") is a ${run.family.toUpperCase()} run, but \`fill\` needs a BERT run; use \`attention-lab sample ${run.id}\` instead.`, { field: 'run' });
    }
    // the analysis worker answers (lab.call → probe.fill); the JSON keeps the shape this command always printed
    const [answer] = await ctx.call('probe.fill', { runIds: [run.id], text, topK, step: numberOption(values, 'step') });
    const result = { runId: run.id, step: answer.step, text, filled: answer.filled, masks: answer.masks };
    ctx.result(result, () => [visibleText(result.filled), '', table(['mask', 'rank', 'token', 'probability'], result.masks.flatMap((m) =>
      m.candidates.map((c, rank) => [String(m.index + 1), String(rank + 1), visibleToken(c.token), percent(c.probability, 1)]))), TOKEN_LEGEND].join('\n'));
  },
};
