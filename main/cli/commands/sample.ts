// `attention-lab sample RUN --prompt TEXT`: continue a text with a trained GPT run.
import { sampleFromRun } from '../../lab/runs/probes';
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
    const result = sampleFromRun(ctx.lab().ctx, run.id, {
      prompt, maxTokens: numberOption(values, 'max-tokens'), temperature: numberOption(values, 'temperature'),
      topK: numberOption(values, 'top-k'), topP: numberOption(values, 'top-p'), seed: numberOption(values, 'seed'), step: numberOption(values, 'step'),
    });
    ctx.result(result, () => `${result.prompt}${result.continuation}`);
  },
};
