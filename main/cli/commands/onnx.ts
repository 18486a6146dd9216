// `attention-lab onnx inspect|run FILE`: any .onnx Transformer — its inputs and outputs, and a run with attention exposed
// (lab.call → analysis.onnxInspect, and analysis.onnxRun retained, then analysis.matrix for each head printed).
import { resolve } from 'node:path';
import { chosenHeads, formatHead, matrixRows, type HeadMatrix } from '../../../common/attention-views';
import { LabError } from '../../../common/errors';
import type { CliCommand, CommandGroup } from '../command';
import { givenInput, numberOption, requiredOption, stringOption } from '../command';
import { fields, table } from '../format';

type TensorInfo = { name: string; type: string; shape: (number | string)[] | null };

function shapeText(t: TensorInfo): string {
  return t.shape === null ? '?' : `[${t.shape.join(', ')}]`;
}

const inspectCommand: CliCommand = {
  name: 'inspect',
  summary: 'list the inputs, outputs, operators and attention Softmax nodes of an .onnx file',
  usage: 'FILE',
  positionals: ['FILE'],
  options: {},
  async run(ctx, _values, [file]) {
    const i = await ctx.call('analysis.onnxInspect', { path: resolve(file), wholeMetadata: true });
    // the file's own description, as it always printed: every metadata value whole, the attention list as `attention`
    const d = {
      irVersion: i.irVersion, opset: i.opset, producer: i.producer, graphName: i.graphName, inputs: i.inputs, outputs: i.outputs,
      metadata: i.metadata, nodeCount: i.nodeCount, operators: i.operators, attention: i.attentionOutputs,
    };
    // The tokenizer and config are long JSON texts: shown by size here, whole under --json.
    const meta = Object.entries(d.metadata).map(([k, v]) => `${k}${v.length > 60 ? ` (${v.length} characters)` : ` = ${v}`}`);
    ctx.result(d, () => [
      fields([
        ['file', file], ['producer', d.producer || '—'], ['IR version', String(d.irVersion)], ['opset', d.opset === null ? '—' : String(d.opset)],
        ['nodes', String(d.nodeCount)], ['metadata', meta.join('; ') || '—'],
        ['attention', d.attention.length > 0 ? `${d.attention.length} Softmax node(s) feed a MatMul with V` : 'none found (no Softmax feeds a MatMul with V)'],
      ]),
      '', 'Inputs:', table(['name', 'type', 'shape'], d.inputs.map((t) => [t.name, t.type, shapeText(t)])),
      '', 'Outputs:', table(['name', 'type', 'shape'], d.outputs.map((t) => [t.name, t.type, shapeText(t)])),
      '', 'Operators:', Object.entries(d.operators).sort((a, b) => b[1] - a[1]).map(([op, n]) => `${op} ×${n}`).join(', '),
    ].join('\n'));
  },
};

const runCommand: CliCommand = {
  name: 'run',
  summary: 'run an .onnx model on a text with onnxruntime: top-k predictions and the attention of every Softmax',
  usage: 'FILE --text T [--tokenizer tokenizer.json] [--layer L] [--head H] [--threads N] [--top-k K] [--window truncate|error]',
  details: [
    '--tokenizer  the tokenizer.json to use when the model carries none (default: tokenizer.json beside FILE)',
    '--layer      only this attention layer (0-based, in graph order); --head only this head',
    '--threads    onnxruntime threads (default: the lab\'s kernel thread count)',
  ],
  positionals: ['FILE'],
  options: {
    text: { type: 'string' }, tokenizer: { type: 'string' }, layer: { type: 'string' }, head: { type: 'string' },
    threads: { type: 'string' }, 'top-k': { type: 'string' }, window: { type: 'string' },
  },
  async run(ctx, values, [file]) {
    const text = requiredOption(values, 'text', 'the text to run, e.g. --text "To be, or not to be"');
    const window = stringOption(values, 'window') ?? 'truncate';
    if (window !== 'truncate' && window !== 'error') {
      throw new LabError('invalid_input', `--window is ${JSON.stringify(window)}, but it must be "truncate" or "error".`, { field: 'window' });
    }
    const tokenizer = stringOption(values, 'tokenizer');
    // retained: the attention stays in the analysis worker and each printed head is cut from it
    const view = await ctx.call('analysis.onnxRun', givenInput({
      path: resolve(file), text, window, topK: numberOption(values, 'top-k'), retain: true,
      tokenizer: tokenizer === undefined ? undefined : resolve(tokenizer), threads: numberOption(values, 'threads'),
    }));
    const onnx = view.onnx as NonNullable<typeof view.onnx>;
    const heads: HeadMatrix[] = [];
    const chosen = view.key === undefined ? [] : chosenHeads(view.L, view.NH, numberOption(values, 'layer'), numberOption(values, 'head'));
    for (const c of chosen) {
      const cut = await ctx.call('analysis.matrix', { key: view.key as string, kind: 'head', layer: c.layer, head: c.head });
      heads.push({ ...c, matrix: matrixRows(new Float32Array(new Uint8Array(Buffer.from(cut.packed, 'base64')).buffer), view.T) });
    }
    // the view's first note says which part of a cut text is shown; the command says it in its own words
    const notes = view.truncated ? view.notes.slice(1) : view.notes;
    if (view.truncated) ctx.note(`The text was cut to ${view.T} tokens to fit the model.`);
    for (const n of notes) ctx.note(n);
    const tokens = view.tokens.map((t) => ({ id: t.id, token: t.token, start: t.start, end: t.end }));
    const preds = onnx.logitsOutput === null ? null : view.predictions.map((candidates, position) => ({ position, candidates }));
    ctx.result({
      file, family: view.family, tokens, truncated: view.truncated, feeds: onnx.feeds, outputs: onnx.outputs,
      logitsOutput: onnx.logitsOutput, predictions: preds, attentionOutputs: onnx.attentionOutputs, attention: heads, notes,
    }, () => [
      fields([
        ['tokens', tokens.map((t) => t.token).join(' ')],
        ['inputs', onnx.feeds.map((f) => `${f.name} ← ${f.role}`).join(', ')],
        ['outputs', onnx.outputs.map((o) => `${o.name} [${o.dims.join(', ')}]`).join(', ')],
        ['next/filled', preds === null ? '—' : preds.map((p) => p.candidates[0].token).join(' ')],
      ]),
      ...heads.map((h) => formatHead(h, tokens.map((t) => t.token))),
    ].join('\n\n'));
  },
};

export const onnxCommands: CommandGroup = {
  name: 'onnx',
  summary: 'inspect and run any .onnx Transformer (ours or exported elsewhere)',
  commands: [inspectCommand, runCommand],
};
