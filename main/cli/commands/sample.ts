// `attention-lab sample RUN --prompt TEXT`: continue a text with a trained GPT run.
import { LabError } from '../../../common/errors';
import type { CliCommand } from '../command';
import { numberOption, requiredOption } from '../command';
import { resolveRun } from './runs';

export const sampleCommand: CliCommand = {
  name: 'sample',
  summary: "continue a prompt with a GPT run's newest checkpoint (or the one at --step)",
  usage: 'RUN --prompt TEXT [--step N] [--max-tokens N] [--temperature T] [--top-k K] [--top-p P] [--seed S]',
  details: [
    '--step         the checkpoint saved at step N (default: the newest; `runs show RUN` lists them)',
    '--max-tokens   tokens to generate (default 200; stops early at [EOS])',
    '--temperature  0 = always the most likely token; default 0.8',
    '--top-k        keep the K most likely tokens (default 0 = all); --top-p keeps the smallest set reaching P (default 1)',
    '--seed         the same seed gives the same continuation (default 0)',
  ],
  positionals: ['RUN'],
  options: { prompt: { type: 'string' }, 'max-tokens': { type: 'string' }, temperature: { type: 'string' }, 'top-k': { type: 'string' }, 'top-p': { type: 'string' }, seed: { type: 'string' }, step: { type: 'string' } },
  async run(ctx, values, [ref]) {
    const run = await resolveRun(ctx, ref);
    const prompt = requiredOption(values, 'prompt', 'the text to continue, e.g. --prompt "ROMEO:"');
    if (run.family === 'bert') {
      throw new LabError('invalid_input',
        `Run ${run.id} ("${run.name}") is a BERT run, but \`sample\` needs a GPT run; use \`attention-lab fill ${run.id}\` instead.`, { field: 'run' });
    }
    if (prompt === '') throw new LabError('invalid_input', 'The prompt is empty; give some text to continue, e.g. --prompt "ROMEO:".', { field: 'prompt' });
    const settings = {
      maxTokens: numberOption(values, 'max-tokens') ?? 200, temperature: numberOption(values, 'temperature') ?? 0.8,
      topK: numberOption(values, 'top-k') ?? 0, topP: numberOption(values, 'top-p') ?? 1, seed: numberOption(values, 'seed') ?? 0,
    };
    // the analysis worker answers (lab.call → probe.continue): GPT stops at [EOS]; GRU/LSTM continue from their state
    const [answer] = await ctx.call('probe.continue', { runIds: [run.id], prompt, ...settings, stopAtEnd: run.family === 'gpt', step: numberOption(values, 'step') });
    const result = { runId: run.id, step: answer.step, prompt, continuation: answer.continuation, tokens: answer.tokens, settings };
    ctx.result(result, () => `${result.prompt}${result.continuation}`);
  },
};
