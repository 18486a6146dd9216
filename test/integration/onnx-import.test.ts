// ONNX import: our own exports, a copy edited to look like a third-party export (other input names, no attention
// outputs, no metadata), a model without attention, inputs we cannot supply, unknown operators and garbage bytes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { afterAll, describe, expect, it } from 'vitest';
import { LabError } from '../../common/errors';
import { inferText } from '../../main/ml/inference';
import { buildOnnx } from '../../main/onnx/export';
import { FLOAT, GraphBuilder, INT64, onnx } from '../../main/onnx/graph';
import { openImported, openImportedFile, runImported } from '../../main/onnx/import';
import { decodeOnnx, describeOnnx } from '../../main/onnx/inspect';
import { Rng } from '../../main/ml/rng';
import { livelyModel, maxAbsDiff, sampleTokenizer, smallConfig } from '../unit/onnx/fixtures';

const TEXT = 'Or to take arms against a sea';
const tokenizerJson = (): string => JSON.stringify(sampleTokenizer().toJSON());
const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

/** Our export, edited the way another exporter would have written it. */
function thirdPartyCopy(bytes: Uint8Array): Uint8Array {
  const model = onnx.ModelProto.decode(bytes);
  const graph = model.graph as onnxProto.onnx.GraphProto;
  const renames = new Map([['input_ids', 'input'], ['attention_mask', 'mask'], ['token_type_ids', 'segment_ids']]);
  let softmax = 0;
  for (const n of graph.node as onnxProto.onnx.NodeProto[]) {
    if (n.opType === 'Softmax') renames.set(n.output[0], `/encoder/layer.${softmax++}/attention/self/Softmax_output_0`);
  }
  for (const n of graph.node as onnxProto.onnx.NodeProto[]) {
    n.input = n.input.map((i) => renames.get(i) ?? i);
    n.output = n.output.map((o) => renames.get(o) ?? o);
  }
  for (const i of graph.input) i.name = renames.get(i.name ?? '') ?? i.name;
  graph.output = graph.output.filter((o) => o.name === 'logits');
  model.metadataProps = [];
  model.producerName = 'pytorch';
  return onnx.ModelProto.encode(model).finish();
}

function labError(fn: () => unknown): Promise<LabError> {
  return Promise.resolve().then(fn).then(() => { throw new Error('expected a LabError'); }, (e: unknown) => {
    expect(e).toBeInstanceOf(LabError);
    return e as LabError;
  });
}

describe('our own exports', () => {
  it('lists inputs and outputs and shows the exported attention, equal to the native forward', async () => {
    const model = livelyModel(smallConfig('gpt', { norm: 'post' }));
    const imported = await openImported(buildOnnx(model, tokenizerJson()).bytes, { threads: 1 });
    expect(imported.family).toBe('gpt');
    expect(imported.contextLength).toBe(model.config.contextLength);
    expect(imported.description.inputs).toEqual([{ name: 'input_ids', type: 'int64', shape: ['batch', 'sequence'] }]);
    expect(imported.description.outputs.map((o) => o.name)).toEqual(['logits', 'attentions.0', 'attentions.1', 'hidden_states.0', 'hidden_states.1', 'hidden_states.2']);
    expect(imported.description.attention).toEqual(['attentions.0', 'attentions.1']);
    const r = await runImported(imported, TEXT);
    const native = inferText(model, sampleTokenizer(), TEXT);
    expect(r.tokens.map((t) => t.id)).toEqual(native.tokens.map((t) => t.id));
    expect(r.attention?.shape).toEqual(native.attentionShape);
    expect(maxAbsDiff(r.attention?.data ?? [], native.attention)).toBeLessThan(1e-4);
    expect(r.logitsOutput).toBe('logits');
    expect(Array.from(r.topK?.ids ?? [])).toEqual(Array.from(native.topK.ids));
    expect(r.notes).toEqual([]);
    await imported.session.close();
  });

  it('reads the tokenizer from the metadata and puts [CLS] first for our BERT, as training does', async () => {
    const model = livelyModel(smallConfig('bert'));
    const imported = await openImported(buildOnnx(model, tokenizerJson()).bytes, { threads: 1 });
    const r = await runImported(imported, TEXT);
    expect(r.tokens[0].token).toBe('[CLS]');
    expect(r.feeds).toEqual([
      { name: 'input_ids', role: 'input_ids' }, { name: 'attention_mask', role: 'attention_mask' }, { name: 'token_type_ids', role: 'token_type_ids' },
    ]);
    await imported.session.close();
  });

  it('truncates text longer than the context, or refuses it when asked', async () => {
    const model = livelyModel(smallConfig('gpt'));
    const imported = await openImported(buildOnnx(model, tokenizerJson()).bytes, { threads: 1 });
    const long = 'to be or not to be '.repeat(5);
    const r = await runImported(imported, long);
    expect(r.truncated).toBe(true);
    expect(r.tokens).toHaveLength(model.config.contextLength);
    const err = await labError(() => runImported(imported, long, { window: 'error' }));
    expect(err.message).toMatch(/95 tokens long, more than the model's 48/);
    expect((await labError(() => runImported(imported, '   '))).message).toMatch(/text is empty/);
    await imported.session.close();
  });
});

describe('a graph edited to look like a third-party export', () => {
  const model = livelyModel(smallConfig('bert', { norm: 'pre', positions: 'sinusoidal' }));
  const bytes = thirdPartyCopy(buildOnnx(model, tokenizerJson()).bytes);

  it('finds the attention Softmax nodes and supplies the renamed inputs by their names', async () => {
    const d = describeOnnx(decodeOnnx(bytes));
    expect(d.inputs.map((i) => i.name)).toEqual(['input', 'mask', 'segment_ids']);
    expect(d.outputs.map((o) => o.name)).toEqual(['logits']);
    expect(d.attention).toEqual(['/encoder/layer.0/attention/self/Softmax_output_0', '/encoder/layer.1/attention/self/Softmax_output_0']);
    expect(d.metadata).toEqual({});

    const imported = await openImported(bytes, { tokenizerJson: tokenizerJson(), threads: 1 });
    expect(imported.family).toBeNull();
    const r = await runImported(imported, TEXT);
    expect(r.feeds.map((f) => f.role)).toEqual(['input_ids', 'attention_mask', 'token_type_ids']);
    // no post-processor in this tokenizer: the ids are the text's own; run the native model on exactly those
    const ids = Int32Array.from(r.tokens, (t) => t.id);
    model.forward({ B: 1, T: ids.length, tokens: ids, targets: null, segments: new Int32Array(ids.length) }, { train: false });
    expect(maxAbsDiff(r.attention?.data ?? [], model.attention())).toBeLessThan(1e-4);
    expect(r.outputs.map((o) => o.name)).toContain('/encoder/layer.1/attention/self/Softmax_output_0');
    expect(r.logitsOutput).toBe('logits');
    await imported.session.close();
  });

  it('applies the tokenizer post-processor template ([CLS] … [SEP]) of a third-party tokenizer', async () => {
    const json = { ...(sampleTokenizer().toJSON() as Record<string, unknown>) };
    json.post_processor = {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
    };
    const imported = await openImported(bytes, { tokenizerJson: JSON.stringify(json), threads: 1 });
    const r = await runImported(imported, 'To be');
    expect(r.tokens.map((t) => t.token)).toEqual(['[CLS]', 'T', 'o', ' ', 'b', 'e', '[SEP]']);
    await imported.session.close();
  });

  it('takes tokenizer.json from beside the file, and says so when there is none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'onnx-import-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'model.onnx'), bytes);
    const err = await labError(() => openImportedFile(join(dir, 'model.onnx')));
    expect(err.code).toBe('not_found');
    expect(err.message).toMatch(/model\.onnx carries no tokenizer.*tokenizer\.json beside/);
    writeFileSync(join(dir, 'tokenizer.json'), tokenizerJson());
    const imported = await openImportedFile(join(dir, 'model.onnx'), { threads: 1 });
    expect((await runImported(imported, 'To be')).attention?.shape).toEqual([2, 2, 5, 5]);
    await imported.session.close();

    // a tokenizer the person names wins over the one beside the file; a missing one is named
    const chosen = { ...(sampleTokenizer().toJSON() as Record<string, unknown>), post_processor: { type: 'BertProcessing', cls: ['[CLS]', 2], sep: ['[SEP]', 3] } };
    writeFileSync(join(dir, 'chosen.json'), JSON.stringify(chosen));
    const withChosen = await openImportedFile(join(dir, 'model.onnx'), { threads: 1, tokenizerPath: join(dir, 'chosen.json') });
    expect((await runImported(withChosen, 'To')).tokens.map((t) => t.token)).toEqual(['[CLS]', 'T', 'o', '[SEP]']);
    await withChosen.session.close();
    const missing = await labError(() => openImportedFile(join(dir, 'model.onnx'), { tokenizerPath: join(dir, 'nope.json') }));
    expect(missing.message).toMatch(/^Cannot read the tokenizer file ".*nope\.json": ENOENT/);
  });
});

describe('models we cannot show or run', () => {
  it('says clearly when a model has no attention Softmax', async () => {
    const g = new GraphBuilder();
    const V = sampleTokenizer().vocabSize;
    const rng = new Rng(3);
    const table = Float32Array.from({ length: V * V }, () => rng.normal());
    g.input('input_ids', INT64, [1, 'sequence']);
    g.op('Softmax', [g.op('Gather', [g.floatTensor('table', [V, V], table), 'input_ids'], { axis: 0 })], { axis: -1 }, 'probs');
    g.output('probs', FLOAT, [1, 'sequence', V]);
    const imported = await openImported(g.encode('bigram', {}), { tokenizerJson: tokenizerJson(), threads: 1 });
    expect(imported.description.attention).toEqual([]);
    const r = await runImported(imported, 'To be');
    expect(r.attention).toBeNull();
    expect(r.notes.join(' ')).toMatch(/has no attention Softmax feeding a MatMul/);
    expect(r.topK?.k).toBe(5);
    await imported.session.close();
  });

  it('names an input it cannot supply (past key/values)', async () => {
    const model = onnx.ModelProto.decode(buildOnnx(livelyModel(smallConfig('gpt')), tokenizerJson()).bytes);
    (model.graph as onnxProto.onnx.GraphProto).input.push(onnx.ValueInfoProto.create({
      name: 'past_key_values.0.key', type: { tensorType: { elemType: FLOAT, shape: { dim: [{ dimValue: 1 }, { dimValue: 2 }, { dimParam: 'past' }, { dimValue: 16 }] } } },
    }));
    const err = await labError(() => openImported(onnx.ModelProto.encode(model).finish()));
    expect(err.code).toBe('invalid_input');
    expect(err.message).toMatch(/needs an input "past_key_values\.0\.key" \(float \[1, 2, past, 16\]\) that Attention Lab cannot supply/);
  });

  it('refuses an operator onnxruntime does not know, and a custom operator domain', async () => {
    const exported = buildOnnx(livelyModel(smallConfig('gpt')), tokenizerJson()).bytes;
    const unknownOp = onnx.ModelProto.decode(exported);
    const tanh = (unknownOp.graph as onnxProto.onnx.GraphProto).node.find((n) => n.opType === 'Tanh') as onnxProto.onnx.NodeProto;
    tanh.opType = 'FancyTanh';
    const err = await labError(() => openImported(onnx.ModelProto.encode(unknownOp).finish(), { label: 'fancy.onnx' }));
    expect(err.code).toBe('bad_file');
    expect(err.message).toMatch(/^fancy\.onnx cannot be loaded by onnxruntime: .*FancyTanh/);

    const custom = onnx.ModelProto.decode(exported);
    custom.opsetImport.push({ domain: 'com.example.attention', version: 1 });
    const node = (custom.graph as onnxProto.onnx.GraphProto).node.find((n) => n.opType === 'Softmax') as onnxProto.onnx.NodeProto;
    node.domain = 'com.example.attention';
    node.opType = 'FusedAttention';
    const err2 = await labError(() => openImported(onnx.ModelProto.encode(custom).finish(), { label: 'fused.onnx' }));
    expect(err2.message).toBe('fused.onnx uses operators from the custom domain "com.example.attention" (FusedAttention), which onnxruntime cannot run; export it with standard ONNX operators.');
  });

  it('turns garbage, text, empty and truncated files into clear errors', async () => {
    const rng = new Rng(99);
    const garbage = Uint8Array.from({ length: 4096 }, () => rng.int(256));
    for (const [bytes, pattern] of [
      [garbage, /^junk\.onnx is not an ONNX model/],
      [new TextEncoder().encode('{"this": "is json, not onnx"}'), /^junk\.onnx is not an ONNX model/],
      [new Uint8Array(0), /^junk\.onnx is empty/],
    ] as const) {
      const err = await labError(() => openImported(bytes, { label: 'junk.onnx' }));
      expect(err.code).toBe('bad_file');
      expect(err.message).toMatch(pattern);
    }
    const exported = buildOnnx(livelyModel(smallConfig('gpt')), tokenizerJson()).bytes;
    const cut = await labError(() => openImported(exported.subarray(0, Math.floor(exported.length / 2)), { label: 'cut.onnx' }));
    expect(cut.code).toBe('bad_file');
    expect(cut.message).toMatch(/^cut\.onnx (is not an ONNX model|cannot be loaded by onnxruntime)/);
  });
});
