// `attention-lab onnx inspect|run FILE`: any .onnx Transformer — its inputs and outputs, and a run with attention exposed.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { LabError } from '../../../common/errors';
import { openImportedFile, runImported } from '../../onnx/import';
import { decodeOnnx, describeOnnx, type TensorDescription } from '../../onnx/inspect';
import { formatHead, headMatrices, predictions } from '../../onnx/views';
import type { CliCommand, CommandGroup } from '../command';
import { numberOption, requiredOption, stringOption } from '../command';
import { fields, table } from '../format';

function readModel(file: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new LabError('not_found', `Cannot read the ONNX file "${file}": ${(e as Error).message}.`, { field: 'file', cause: e });
  }
}

function shapeText(t: TensorDescription): string {
  return t.shape === null ? '?' : `[${t.shape.join(', ')}]`;
}

const inspectCommand: CliCommand = {
  name: 'inspect',
  summary: 'list the inputs, outputs, operators and attention Softmax nodes of an .onnx file',
  usage: 'FILE',
  positionals: ['FILE'],
  options: {},
  async run(ctx, _values, [file]) {
    const d = describeOnnx(decodeOnnx(readModel(file), basename(file)));
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
    const model = await openImportedFile(file, { threads: numberOption(values, 'threads'), tokenizerPath: stringOption(values, 'tokenizer') });
    try {
      const r = await runImported(model, text, { topK: numberOption(values, 'top-k'), window });
      const heads = r.attention === null ? [] : headMatrices(r.attention.data, r.attention.shape, numberOption(values, 'layer'), numberOption(values, 'head'));
      if (r.truncated) ctx.note(`The text was cut to ${r.tokens.length} tokens to fit the model.`);
      for (const n of r.notes) ctx.note(n);
      const preds = r.topK === null ? null : predictions(r.topK, model.tokenizer);
      ctx.result({
        file, family: model.family, tokens: r.tokens, truncated: r.truncated, feeds: r.feeds, outputs: r.outputs,
        logitsOutput: r.logitsOutput, predictions: preds, attentionOutputs: r.attention?.names ?? [], attention: heads, notes: r.notes,
      }, () => [
        fields([
          ['tokens', r.tokens.map((t) => t.token).join(' ')],
          ['inputs', r.feeds.map((f) => `${f.name} ← ${f.role}`).join(', ')],
          ['outputs', r.outputs.map((o) => `${o.name} [${o.dims.join(', ')}]`).join(', ')],
          ['next/filled', preds === null ? '—' : preds.map((p) => p.candidates[0].token).join(' ')],
        ]),
        ...heads.map((h) => formatHead(h, r.tokens.map((t) => t.token))),
      ].join('\n\n'));
    } finally {
      await model.session.close();
    }
  },
};

export const onnxCommands: CommandGroup = {
  name: 'onnx',
  summary: 'inspect and run any .onnx Transformer (ours or exported elsewhere)',
  commands: [inspectCommand, runCommand],
};
