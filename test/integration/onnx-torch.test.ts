// Against an independent reference: a GPT written in PyTorch (test/unit/onnx/torch-gpt/make.py) — its golden logits
// and attention, its weights run by our native forward and by our export, and its own torch.onnx export imported.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getKernels } from '../../native-kernels/index';
import { inferText, loadForInference } from '../../main/ml/inference';
import { buildOnnx } from '../../main/onnx/export';
import { openImportedFile, runImported } from '../../main/onnx/import';
import { checkParity } from '../../main/onnx/parity';
import { maxAbsDiff } from '../unit/onnx/fixtures';

const DIR = join(import.meta.dirname, '..', 'unit', 'onnx', 'torch-gpt');
interface Golden { text: string; ids: number[]; logits: number[]; attention: number[]; attentionShape: number[] }
const golden = JSON.parse(readFileSync(join(DIR, 'golden.json'), 'utf8')) as Golden;

describe('the PyTorch reference GPT', () => {
  it('our native forward on its weights gives PyTorch\'s logits and attention', () => {
    const { model, tokenizer } = loadForInference(getKernels(), DIR);
    const r = inferText(model, tokenizer, golden.text);
    expect(r.tokens.map((t) => t.id)).toEqual(golden.ids);
    expect(r.attentionShape).toEqual(golden.attentionShape);
    expect(maxAbsDiff(r.logits, golden.logits)).toBeLessThan(1e-4);
    expect(maxAbsDiff(r.attention, golden.attention)).toBeLessThan(1e-4);
  });

  it('our ONNX export of those weights matches the native forward', async () => {
    const { model, tokenizer, tokenizerJson } = loadForInference(getKernels(), DIR);
    const report = await checkParity(model, tokenizer, buildOnnx(model, tokenizerJson).bytes, golden.text, 1);
    expect(report.ok).toBe(true);
  });

  it('its own torch.onnx export imports: inputs found, attention Softmax exposed and equal to PyTorch\'s', async () => {
    const imported = await openImportedFile(join(DIR, 'model.onnx'), { threads: 1 });
    expect(imported.family).toBeNull();
    expect(imported.description.producer).toMatch(/^pytorch/);
    expect(imported.description.inputs).toEqual([{ name: 'input_ids', type: 'int64', shape: ['batch', 'sequence'] }]);
    expect(imported.description.outputs.map((o) => o.name)).toEqual(['logits']);
    expect(imported.description.attention).toHaveLength(2);
    const r = await runImported(imported, golden.text);
    expect(r.tokens.map((t) => t.id)).toEqual(golden.ids);
    expect(r.attention?.shape).toEqual(golden.attentionShape);
    expect(maxAbsDiff(r.attention?.data ?? [], golden.attention)).toBeLessThan(1e-4);
    expect(r.logitsOutput).toBe('logits');
    const { model, tokenizer } = loadForInference(getKernels(), DIR);
    expect(Array.from(r.topK?.ids ?? [])).toEqual(Array.from(inferText(model, tokenizer, golden.text).topK.ids));
    await imported.session.close();
  });
});
