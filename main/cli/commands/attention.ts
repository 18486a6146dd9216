// `attention-lab attention RUN --text TEXT`: every layer's and head's attention on a text, from the analysis worker
// (lab.call → analysis.attention, retained, then analysis.matrix for each head printed).
import { chosenHeads, formatHead, matrixRows, sig6, type HeadMatrix } from '../../../common/attention-views';
import { LabError } from '../../../common/errors';
import { checkpointChoice, runCheckpointFolder, withStepFlag } from '../checkpoint-ref';
import type { CliCommand } from '../command';
import { givenInput, numberOption, requiredOption, stringOption } from '../command';

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
    const source = await checkpointChoice(ctx, ref);
    const { runName, ...choice } = source;
    const layer = numberOption(values, 'layer');
    const head = numberOption(values, 'head');
    // retained: the view comes without its (L,NH,T,T) attention, so too many maps are refused before any is sent
    const view = await ctx.call('analysis.attention', givenInput({
      ...choice, step: numberOption(values, 'step'), text, pair: stringOption(values, 'pair'), window,
      start: numberOption(values, 'start'), topK: numberOption(values, 'top-k'), retain: true,
    })).catch((e: unknown) => {
      throw withStepFlag(e);
    });
    const step = view.source.step as number;
    const { L, NH, T } = view;
    if (view.truncated) {
      const shown = view.tokens.filter((t) => !t.special).length;
      ctx.note(`The text is ${view.fullLength} tokens long; the model's context holds ${T}, so text tokens ${view.windowStart + 1}–${view.windowStart + shown} were used${view.windowStart === 0 ? ' (--start N looks further on)' : ''}.`);
    }
    refuseTooMany(L, NH, T, layer, head);
    const heads: HeadMatrix[] = [];
    for (const c of chosenHeads(L, NH, layer, head)) {
      const cut = await ctx.call('analysis.matrix', { key: view.key as string, kind: 'head', layer: c.layer, head: c.head });
      const data = Buffer.from(cut.packed, 'base64');
      // 6 significant digits, as the app shows them: a float32 printed as a double takes twice the characters
      const matrix = matrixRows(new Float32Array(new Uint8Array(data).buffer), T).map((row) => row.map(sig6));
      heads.push({ ...c, matrix });
    }
    const tokens = view.tokens.map((t) => ({ id: t.id, token: t.token, start: t.start, end: t.end, segment: t.segment, special: t.special }));
    const checkpoint = source.checkpoint === undefined ? await runCheckpointFolder(ctx, source.runId, step) : view.source.label;
    ctx.result({
      run: runName ?? null, checkpoint, step, family: view.family, layers: L, heads: NH,
      truncated: view.truncated, fullLength: view.fullLength, windowStart: view.windowStart, tokens, attention: heads,
      predictions: view.predictions.map((candidates, position) => ({ position, candidates })),
    }, () => [
      `${(view.family ?? '').toUpperCase()} at step ${step}, ${T} tokens: ${tokens.map((t) => t.token).join(' ')}`,
      ...heads.map((h) => formatHead(h, tokens.map((t) => t.token))),
    ].join('\n\n'));
  },
};
