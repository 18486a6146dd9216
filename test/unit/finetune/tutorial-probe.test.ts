// The bidirectional row's two readings are different inputs: BERT filling a blank with both sides (bertBlank) reads the
// tokens to its right, BERT asked with the left side only (bertNext) does not see them at all. Checked on an untrained
// BERT (random weights, so any token it reads moves its logits): changing the right-hand side changes the first
// reading and leaves the second unchanged. So identical top-1 figures in a real run come from the model (one guess
// everywhere, see the row's fill checks), not from the probe reading the same context twice.
import { describe, expect, it } from 'vitest';
import { jsKernels } from '../../../native-kernels/index';
import { BertModel } from '../../../main/ml/bert';
import { forwardLogits } from '../../../main/ml/probes';
import { bertBlank, bertNext, type LoadedRun } from '../../../main/jobs/measure/models';
import { tinyConfig } from '../ml/helpers';

const MASK = 10;
const CLS = 11;

/** The logits row BERT gives the blank at `at` when it reads both sides (the window bertBlank builds). */
function bothSidesRow(probe: LoadedRun, ids: Int32Array, at: number): Float32Array {
  const W = probe.model.config.contextLength - 1;
  const start = Math.max(0, Math.min(at - Math.floor((W - 1) / 2), ids.length - W));
  const piece = Int32Array.from(ids.subarray(start, start + W));
  piece[at - start] = MASK;
  const V = probe.model.config.vocabSize;
  return forwardLogits(probe, Int32Array.from([CLS, ...piece])).slice((at - start + 1) * V, (at - start + 2) * V);
}

describe('the bidirectional probe', () => {
  it('reads the right-hand side in the both-sides reading and never in the left-only one', () => {
    const model = new BertModel(jsKernels, tinyConfig('bert'));
    // the probe needs no tokenizer for these two readings
    const probe = { runId: 1, family: 'bert', model, tokenizer: null as never, step: 0, maskId: MASK, clsId: CLS } satisfies LoadedRun;
    const ids = Int32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 2]);
    const at = 9;
    const changed = Int32Array.from(ids);
    for (let i = at + 1; i < ids.length; i++) changed[i] = 1 + ((ids[i] + 3) % 9);

    // both sides: the right-hand tokens move the blank's logits (and its score of the true token)
    const a = bothSidesRow(probe, ids, at);
    const b = bothSidesRow(probe, changed, at);
    expect(Math.max(...a.map((x, v) => Math.abs(x - b[v])))).toBeGreaterThan(1e-3);
    expect(bertBlank(probe, ids, at).first.nll).not.toBeCloseTo(bertBlank(probe, changed, at).first.nll, 6);
    // left only: exactly the same answer whatever follows the blank
    expect(bertNext(probe, changed, at)).toEqual(bertNext(probe, ids, at));
    // and the two readings differ on the same blank (the model is given different contexts)
    expect(bertBlank(probe, ids, at).first.nll).not.toBeCloseTo(bertNext(probe, ids, at).nll, 6);
  });
});
