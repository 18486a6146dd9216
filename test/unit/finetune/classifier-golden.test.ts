// The classification heads against PyTorch (test/fixtures/finetune/make_classifier_golden.py, float64): BERT's pooled
// [CLS], the mean of the last layer and GPT's last token on right-padded batches (BERT with a sentence pair's
// segments), class-weighted cross-entropy; logits, loss and the gradient of every body and head tensor.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getKernels, type Kernels } from '../../../native-kernels/index';
import { validateConfig } from '../../../common/model-config';
import { SequenceClassifier, type HeadKind } from '../../../main/ml/finetune/classifier';

interface Case {
  case: string;
  head: HeadKind;
  config: Record<string, unknown>;
  K: number;
  inputs: { B: number; T: number; tokens: number[]; keyMask: number[]; segments: number[] | null; labels: number[]; classWeights: number[] | null };
  weights: Record<string, { shape: number[]; data: number[] }>;
  expected: { loss: number; logits: number[]; pooled: number[]; grads: Record<string, number[]> };
}

const cases = JSON.parse(readFileSync(join(import.meta.dirname, '../../fixtures/finetune/classifier_golden.json'), 'utf8')) as Case[];
const ABS = 1e-5;
const REL = 1e-4;

function worstMiss(ours: ArrayLike<number>, ref: readonly number[]): string | null {
  if (ours.length !== ref.length) return `length ${ours.length} vs ${ref.length}`;
  for (let i = 0; i < ref.length; i++) {
    if (!(Math.abs(ours[i] - ref[i]) <= ABS + REL * Math.abs(ref[i]))) return `[${i}] ours ${ours[i]} torch ${ref[i]}`;
  }
  return null;
}

const backends: Kernels[] = [getKernels('js')];
const native = getKernels('native');
if (native.backend !== 'js') backends.push(native);

describe.each(backends.map((k) => [k.backend, k] as const))('classifier heads vs PyTorch on %s kernels', (_b, k) => {
  it.each(cases.map((c) => [c.case, c] as const))('%s', (_n, c) => {
    for (const freeze of [false, true]) {
      const model = new SequenceClassifier(k, validateConfig(c.config), { head: c.head, numClasses: c.K, freeze }, false);
      for (const [name, w] of Object.entries(c.weights)) {
        const view = name.startsWith('classifier.') ? model.head.view(name) : model.params.view(name);
        expect(view.length).toBe(w.data.length);
        view.set(w.data);
      }
      const { B, T } = c.inputs;
      const batch = {
        B, T, tokens: Int32Array.from(c.inputs.tokens), targets: null, keyMask: Uint8Array.from(c.inputs.keyMask),
        segments: c.inputs.segments === null ? null : Int32Array.from(c.inputs.segments),
      };
      model.zeroGrad();
      const loss = model.forward(batch, Int32Array.from(c.inputs.labels), { train: true, classWeights: c.inputs.classWeights });
      model.backward();
      expect(Math.abs(loss - c.expected.loss)).toBeLessThan(ABS + REL * Math.abs(c.expected.loss));
      const misses: string[] = [];
      const check = (name: string, ours: ArrayLike<number>, ref: number[]): void => {
        const miss = worstMiss(ours, ref);
        if (miss !== null) misses.push(`${name}: ${miss}`);
      };
      check('logits', model.logits(), c.expected.logits);
      check('pooled', model.pooled(), c.expected.pooled);
      check('classifier.weight grad', model.headGrads.view('classifier.weight'), c.expected.grads['classifier.weight']);
      check('classifier.bias grad', model.headGrads.view('classifier.bias'), c.expected.grads['classifier.bias']);
      // a frozen body (linear probe) gets no gradient at all; a trained one gets exactly torch's
      for (const name of Object.keys(c.weights).filter((n) => !n.startsWith('classifier.'))) {
        check(`${name} grad${freeze ? ' (frozen)' : ''}`, model.grads.view(name), freeze ? c.expected.grads[name].map(() => 0) : c.expected.grads[name]);
      }
      expect(misses).toEqual([]);
    }
  });
});
