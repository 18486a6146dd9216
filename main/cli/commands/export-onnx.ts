// `attention-lab export-onnx RUN --out FILE.onnx`: a run's checkpoint as a standard ONNX model, optionally parity-checked
// (lab.call → analysis.exportOnnx: the analysis worker writes and checks the file, the lab records it on the run).
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { EXPORT_CHECK } from '../../../common/api';
import { formatBytes } from '../../../common/format';
import { checkpointChoice, withStepFlag } from '../checkpoint-ref';
import type { CliCommand } from '../command';
import { givenInput, numberOption, requiredOption, stringOption, UsageError } from '../command';
import { fields } from '../format';

export const exportOnnxCommand: CliCommand = {
  name: 'export-onnx',
  summary: "export a run's checkpoint as an ONNX model with logits, attention and hidden states",
  usage: 'RUN --out FILE.onnx [--force] [--step N] [--check [--tolerance X]] [--text T]',
  details: [
    'RUN       a run name or id, a run folder, or a checkpoint folder holding model.safetensors',
    '--out     the .onnx file to write (its folder is made if missing)',
    '--force   replace FILE.onnx if it exists',
    '--step    which checkpoint of the run (default: the newest)',
    `--check   run the export in onnxruntime and compare logits and attention with the native forward (tolerance ${EXPORT_CHECK.tolerance}); a file that fails it is removed`,
    `--tolerance  the largest |Δ| the check accepts (default ${EXPORT_CHECK.tolerance})`,
    '--text    the text the check runs on',
  ],
  positionals: ['RUN'],
  options: { out: { type: 'string' }, force: { type: 'boolean' }, step: { type: 'string' }, check: { type: 'boolean' }, text: { type: 'string' }, tolerance: { type: 'string' } },
  async run(ctx, values, [ref]) {
    const out = resolve(requiredOption(values, 'out', 'the .onnx file to write, e.g. --out model.onnx'));
    const check = values.check === true;
    const tolerance = check ? numberOption(values, 'tolerance') : undefined;
    if (tolerance !== undefined && !(tolerance >= 0)) throw new UsageError(`--tolerance must be a number of at least 0, got ${String(values.tolerance)}.`);
    const source = await checkpointChoice(ctx, ref);
    const { runName, ...choice } = source;
    // the command has always made the folder it writes into; a file already there is replaced only with --force
    if (out.toLowerCase().endsWith('.onnx')) mkdirSync(dirname(out), { recursive: true });
    const info = await ctx.call('analysis.exportOnnx', givenInput({
      ...choice, step: numberOption(values, 'step'), path: out, force: values.force === true, check, tolerance, checkText: check ? stringOption(values, 'text') : undefined,
    })).catch((e: unknown) => {
      throw withStepFlag(e);
    });
    const { checkpoint, parity, ...written } = info;
    ctx.result({ ...written, checkpoint, run: runName ?? null, parity }, () => fields([
      ['wrote', info.path],
      ['model', `${info.family.toUpperCase()} from ${checkpoint} (step ${info.step})`],
      ['size', formatBytes(info.bytes)],
      ['opset', String(info.opset)],
      ['inputs', info.inputs.join(', ')],
      ['outputs', outputsText(info.outputs)],
      ...(parity === null ? [] : [['parity', `${parity.ok ? 'ok' : 'FAILED'}: max |Δ| logits ${parity.logits.toExponential(2)}, attention ${parity.attention.toExponential(2)}, hidden ${parity.hidden.toExponential(2)} over ${parity.tokens} tokens`] as [string, string]]),
    ]));
  },
};

/** 'logits, 2 × attentions.<l>, 3 × hidden_states.<l>' from the output names the export wrote. */
function outputsText(outputs: string[]): string {
  const count = (prefix: string): number => outputs.filter((o) => o.startsWith(prefix)).length;
  return `logits, ${count('attentions.')} × attentions.<l>, ${count('hidden_states.')} × hidden_states.<l>`;
}
