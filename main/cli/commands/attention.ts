// `attention-lab attention RUN --text TEXT`: every layer's and head's attention on a text, through the native kernels.
import { getKernels } from '../../../native-kernels/index';
import { inferText, loadForInference } from '../../ml/inference';
import { sig6 } from '../../lab/analysis/service';
import { LabError } from '../../../common/errors';
import { resolveCheckpoint } from '../../onnx/checkpoint-ref';
import { formatHead, headMatrices, predictions } from '../../onnx/views';
import type { CliCommand } from '../command';
import { numberOption, requiredOption, stringOption } from '../command';

/** The most weights one call prints: JSON of 4M numbers is about 50 MB; all 144 maps of 512 tokens would be ~500 MB. */
export const MAX_PRINTED_WEIGHTS = 4 * 1024 * 1024;

function refuseTooMany(L: number, NH: number, T: number, layer: number | undefined, head: number | undefined): void {
  const maps = (layer === undefined ? L : 1) * (head === undefined ? NH : 1);
  const weights = maps * T * T;
  if (weights <= MAX_PRINTED_WEIGHTS) return;
  const n = (x: number): string => x.toLocaleString('en-US');
  throw new LabError('invalid_input', `${maps} attention maps of ${T} tokens are ${n(weights)} weights, more than the ${n(MAX_PRINTED_WEIGHTS)} one call prints; `
    + `choose ${layer === undefined ? `a layer with --layer 0..${L - 1}` : ''}${layer === undefined && head === undefined ? ' and/or ' : ''}${head === undefined ? `a head with --head 0..${NH - 1}` : ''}`
    + ` (one layer of ${NH} heads is ${n(NH * T * T)} weights), or a shorter --text.`, { field: layer === undefined ? 'layer' : 'head' });
}

export const attentionCommand: CliCommand = {
  name: 'attention',
  summary: 'show the attention of every layer and head of a run on a text (rows sum to 1)',
  usage: 'RUN --text TEXT [--pair TEXT] [--layer L] [--head H] [--step N] [--window truncate|error] [--start N] [--top-k K]',
  details: [
    'RUN       a run name or id, a run folder, or a checkpoint folder holding model.safetensors',
    '--text    the text to run (BERT reads [CLS] + text, as in training; GPT the text as is)',
    '--pair    BERT only: a second sentence ([CLS] a [SEP] b [SEP], segments 0 and 1)',
    '--layer   only this layer (0-based); --head only this head (needed when the maps hold more than 4,194,304',
    '          weights, e.g. 12 layers × 12 heads of 512 tokens: one layer of 512 tokens prints about 55 MB of JSON)',
    '--window  text longer than the context: truncate (default, and say so) or error',
    '--start   with truncate: the text token the window begins at (default 0; moved back to keep the window full)',
    '--top-k   predictions per position in the result (default 5)',
  ],
  positionals: ['RUN'],
  options: {
    text: { type: 'string' }, pair: { type: 'string' }, layer: { type: 'string' }, head: { type: 'string' },
    step: { type: 'string' }, window: { type: 'string' }, start: { type: 'string' }, 'top-k': { type: 'string' },
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
    const result = inferText(model, tokenizer, text, { pair: stringOption(values, 'pair'), window, start: numberOption(values, 'start'), topK: numberOption(values, 'top-k') });
    const layer = numberOption(values, 'layer');
    const head = numberOption(values, 'head');
    if (result.truncated) {
      const shown = result.tokens.filter((t) => !t.special).length;
      ctx.note(`The text is ${result.fullLength} tokens long; the model's context holds ${result.T}, so text tokens ${result.windowStart + 1}–${result.windowStart + shown} were used${result.windowStart === 0 ? ' (--start N looks further on)' : ''}.`);
    }
    refuseTooMany(result.L, result.NH, result.T, layer, head);
    // 6 significant digits, as the app shows them: a float32 printed as a double takes twice the characters
    const heads = headMatrices(result.attention, result.attentionShape, layer, head).map((h) => ({ ...h, matrix: h.matrix.map((row) => row.map(sig6)) }));
    const tokens = result.tokens.map((t) => ({ id: t.id, token: t.token, start: t.start, end: t.end, segment: t.segment, special: t.special }));
    ctx.result({
      run: checkpoint.runName, checkpoint: checkpoint.dir, step, family: result.family, layers: result.L, heads: result.NH,
      truncated: result.truncated, fullLength: result.fullLength, windowStart: result.windowStart, tokens, attention: heads, predictions: predictions(result.topK, tokenizer),
    }, () => [
      `${result.family.toUpperCase()} at step ${step}, ${result.T} tokens: ${tokens.map((t) => t.token).join(' ')}`,
      ...heads.map((h) => formatHead(h, tokens.map((t) => t.token))),
    ].join('\n\n'));
  },
};
