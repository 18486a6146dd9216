// `attention-lab attention RUN --text TEXT`: every layer's and head's attention on a text, through the native kernels.
import { getKernels } from '../../../native-kernels/index';
import { inferText, loadForInference } from '../../ml/inference';
import { LabError } from '../../lab/errors';
import { resolveCheckpoint } from '../../onnx/checkpoint-ref';
import { formatHead, headMatrices, predictions } from '../../onnx/views';
import type { CliCommand } from '../command';
import { numberOption, requiredOption, stringOption } from '../command';

export const attentionCommand: CliCommand = {
  name: 'attention',
  summary: 'show the attention of every layer and head of a run on a text (rows sum to 1)',
  usage: 'RUN --text TEXT [--pair TEXT] [--layer L] [--head H] [--step N] [--window truncate|error] [--top-k K]',
  details: [
    'RUN       a run name or id, a run folder, or a checkpoint folder holding model.safetensors',
    '--text    the text to run (BERT reads [CLS] + text, as in training; GPT the text as is)',
    '--pair    BERT only: a second sentence ([CLS] a [SEP] b [SEP], segments 0 and 1)',
    '--layer   only this layer (0-based); --head only this head',
    '--window  text longer than the context: truncate (default, and say so) or error',
    '--top-k   predictions per position in the result (default 5)',
  ],
  positionals: ['RUN'],
  options: {
    text: { type: 'string' }, pair: { type: 'string' }, layer: { type: 'string' }, head: { type: 'string' },
    step: { type: 'string' }, window: { type: 'string' }, 'top-k': { type: 'string' },
  },
  async run(ctx, values, [ref]) {
    const text = requiredOption(values, 'text', 'the text to look at, e.g. --text "To be, or not to be"');
    const window = stringOption(values, 'window') ?? 'truncate';
    if (window !== 'truncate' && window !== 'error') {
      throw new LabError('invalid_input', `--window is ${JSON.stringify(window)}, but it must be "truncate" or "error".`, { field: 'window' });
    }
    const lookup = { home: () => ctx.lab().ctx.home, call: ctx.call };
    const checkpoint = await resolveCheckpoint(lookup, ref, numberOption(values, 'step'));
    const { model, tokenizer, step: savedStep } = loadForInference(getKernels(), checkpoint.dir);
    const step = checkpoint.step ?? savedStep;
    const result = inferText(model, tokenizer, text, { pair: stringOption(values, 'pair'), window, topK: numberOption(values, 'top-k') });
    const heads = headMatrices(result.attention, result.attentionShape, numberOption(values, 'layer'), numberOption(values, 'head'));
    if (result.truncated) ctx.note(`The text is ${result.fullLength} tokens long; only the first ${result.T} fit the model's context and were used.`);
    const tokens = result.tokens.map((t) => ({ id: t.id, token: t.token, start: t.start, end: t.end, segment: t.segment, special: t.special }));
    ctx.result({
      run: checkpoint.runName, checkpoint: checkpoint.dir, step, family: result.family, layers: result.L, heads: result.NH,
      truncated: result.truncated, tokens, attention: heads, predictions: predictions(result.topK, tokenizer),
    }, () => [
      `${result.family.toUpperCase()} at step ${step}, ${result.T} tokens: ${tokens.map((t) => t.token).join(' ')}`,
      ...heads.map((h) => formatHead(h, tokens.map((t) => t.token))),
    ].join('\n\n'));
  },
};
