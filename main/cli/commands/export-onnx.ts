// `attention-lab export-onnx RUN --out FILE.onnx`: a run's checkpoint as a standard ONNX model, optionally parity-checked.
import { readFileSync, rmSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { getKernels } from '../../../native-kernels/index';
import { loadForInference } from '../../ml/inference';
import { LabError } from '../../../common/errors';
import { RunService } from '../../lab/runs/service';
import { resolveCheckpoint } from '../../onnx/checkpoint-ref';
import { exportOnnx } from '../../onnx/export';
import { checkParity, PARITY_TOLERANCE, type ParityReport } from '../../onnx/parity';
import type { CliCommand } from '../command';
import { numberOption, requiredOption, stringOption, UsageError } from '../command';
import { formatBytes } from '../../../common/format';
import { fields } from '../format';

const PARITY_TEXT = 'To be, or not to be, that is the question.';

export const exportOnnxCommand: CliCommand = {
  name: 'export-onnx',
  summary: "export a run's checkpoint as an ONNX model with logits, attention and hidden states",
  usage: 'RUN --out FILE.onnx [--step N] [--check [--tolerance X]] [--text T]',
  details: [
    'RUN       a run name or id, a run folder, or a checkpoint folder holding model.safetensors',
    '--out     the .onnx file to write',
    '--step    which checkpoint of the run (default: the newest)',
    `--check   run the export in onnxruntime and compare logits and attention with the native forward (tolerance ${PARITY_TOLERANCE}); a file that fails it is removed`,
    '--tolerance  the largest |Δ| the check accepts (default 1e-4)',
    '--text    the text the check runs on',
  ],
  positionals: ['RUN'],
  options: { out: { type: 'string' }, step: { type: 'string' }, check: { type: 'boolean' }, text: { type: 'string' }, tolerance: { type: 'string' } },
  async run(ctx, values, [ref]) {
    const out = resolve(requiredOption(values, 'out', 'the .onnx file to write, e.g. --out model.onnx'));
    const lookup = { home: () => ctx.lab().ctx.home, call: ctx.call };
    const checkpoint = await resolveCheckpoint(lookup, ref, numberOption(values, 'step'));
    const loaded = loadForInference(getKernels(), checkpoint.dir);
    const step = checkpoint.step ?? loaded.step;
    const info = exportOnnx(loaded.model, loaded.tokenizerJson, out);
    let parity: ParityReport | null = null;
    if (values.check === true) {
      const tolerance = numberOption(values, 'tolerance') ?? PARITY_TOLERANCE;
      if (!(tolerance >= 0)) throw new UsageError(`--tolerance must be a number of at least 0, got ${String(values.tolerance)}.`);
      try {
        parity = await checkParity(loaded.model, loaded.tokenizer, readFileSync(out), stringOption(values, 'text') ?? PARITY_TEXT, undefined, tolerance);
      } catch (e) {
        rmSync(out, { force: true });
        throw e;
      }
      if (!parity.ok) {
        // a file that failed its check is not left behind to be used later as if it were good
        rmSync(out, { force: true });
        throw new LabError('internal', `The exported model does not match the native forward within ${tolerance} (max |Δ| logits ${parity.logits.toExponential(2)}, attention ${parity.attention.toExponential(2)} over ${parity.tokens} tokens), so ${out} was removed. Please report this with the run's config.`);
      }
    }
    if (checkpoint.runId !== null) {
      const home = ctx.lab().ctx.home;
      new RunService(ctx.lab().ctx).addArtifact(checkpoint.runId, {
        kind: 'onnx', path: relative(home, out), sha256: info.sha256, bytes: info.bytes, step,
        meta: { opset: info.opset, inputs: info.inputs, outputs: info.outputs, absolutePath: out },
      });
    }
    ctx.result({ ...info, family: loaded.model.config.family, step, checkpoint: checkpoint.dir, run: checkpoint.runName, parity }, () => fields([
      ['wrote', info.path],
      ['model', `${loaded.model.config.family.toUpperCase()} from ${checkpoint.dir} (step ${step})`],
      ['size', formatBytes(info.bytes)],
      ['opset', String(info.opset)],
      ['inputs', info.inputs.join(', ')],
      ['outputs', `logits, ${loaded.model.config.nLayer} × attentions.<l>, ${loaded.model.config.nLayer + 1} × hidden_states.<l>`],
      ...(parity === null ? [] : [['parity', `${parity.ok ? 'ok' : 'FAILED'}: max |Δ| logits ${parity.logits.toExponential(2)}, attention ${parity.attention.toExponential(2)}, hidden ${parity.hidden.toExponential(2)} over ${parity.tokens} tokens`] as [string, string]]),
    ]));
  },
};
