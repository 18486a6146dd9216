// The recurrent stack and the RNN language model beyond the golden cases: dropout between layers against finite
// differences (fixed masks), a state carried across calls equals one long pass, training lowers the loss through the
// shared training loop, and bad settings are refused with sentences.
import { describe, expect, it } from 'vitest';
import { getKernels, jsKernels as k } from '../../../native-kernels/index';
import { NamedBuffer, TensorTable } from '../../../main/ml/params';
import { Rng } from '../../../main/ml/rng';
import { rnnParameterCount, rnnPresetConfig, validateRnnConfig } from '../../../common/rnn-config';
import { RnnLanguageModel } from '../../../main/ml/rnn/lm';
import { continueRnn } from '../../../main/ml/rnn/sample';
import { addRecurrentParams, initRecurrentParams, recurrentParameterCount, type RecurrentSpec } from '../../../main/ml/rnn/spec';
import { RecurrentStack } from '../../../main/ml/rnn/stack';
import { Trainer } from '../../../main/ml/train';
import { dotLoss, expectClose, numericGradient, randn, rng } from '../kernels/helpers';

describe('RecurrentStack', () => {
  for (const cell of ['gru', 'lstm'] as const) {
    it(`${cell}: 3 bidirectional layers with dropout between them and padding: gradients match finite differences`, () => {
      const spec: RecurrentSpec = { cell, inputSize: 3, hiddenSize: 4, numLayers: 3, bidirectional: true, dropout: 0.3 };
      const table = new TensorTable();
      addRecurrentParams(table, 'enc.', spec);
      expect(table.total).toBe(recurrentParameterCount(spec));
      const params = new NamedBuffer(table);
      const grads = new NamedBuffer(table);
      initRecurrentParams(params, 'enc.', spec, new Rng(4));
      const [T, B] = [4, 2];
      const r = rng(8);
      const inp = randn(r, T * B * 3), R = randn(r, T * B * 8), h0 = randn(r, 6 * B * 4, 0.5);
      const lengths = Int32Array.from([4, 3]);
      for (let b = 0; b < B; b++) for (let t = lengths[b]; t < T; t++) R.fill(0, (t * B + b) * 8, (t * B + b + 1) * 8);
      const stack = new RecurrentStack(spec, 'enc.');
      const run = { h0, lengths, train: true, seed: 99 };
      const loss = (): number => dotLoss(stack.forward(k, params, inp, T, B, run), R);
      loss();
      const dinp = new Float32Array(inp.length);
      const { dh0 } = stack.backward(k, params, grads, { dout: R, dinp });
      expectClose(dinp, numericGradient(inp, loss, 1e-2), 1e-2, 2e-3, 'dinp');
      expectClose(dh0, numericGradient(h0, loss, 1e-2), 1e-2, 2e-3, 'dh0');
      for (const name of ['enc.weight_ih_l1', 'enc.weight_hh_l2_reverse', 'enc.bias_hh_l0']) {
        expectClose(grads.view(name), numericGradient(params.view(name), loss, 1e-2), 1e-2, 2e-3, name);
      }
    });
  }

  for (const [name, kk] of [['native', getKernels()], ['js', k]] as const) {
    for (const cell of ['gru', 'lstm'] as const) {
      it(`${name} ${cell}: token ids give the outputs and gradients of their looked-up embeddings (table gathered or not)`, () => {
        const spec: RecurrentSpec = { cell, inputSize: 5, hiddenSize: 6, numLayers: 2, bidirectional: true, dropout: 0 };
        const table = new TensorTable();
        addRecurrentParams(table, '', spec);
        const params = new NamedBuffer(table);
        initRecurrentParams(params, '', spec, new Rng(2));
        const [T, B] = [6, 3];
        // 7 rows: 2 * 7 <= 18 steps, so the first layer's projection is gathered from a table; 12 rows: looked up.
        for (const V of [7, 12]) {
          const r = rng(V);
          const emb = randn(r, V * 5), dout = randn(r, T * B * 12);
          const tokens = Int32Array.from({ length: T * B }, (_, i) => (i * 5 + V) % V);
          const lengths = Int32Array.from([6, 4, 2]);
          const looked = new Float32Array(T * B * 5);
          kk.embeddingForward(looked, tokens, emb, null, null, null, 1, T * B, 5);
          const plain = new RecurrentStack(spec, '');
          const byIds = new RecurrentStack(spec, '');
          const out1 = plain.forward(kk, params, looked, T, B, { lengths }).slice();
          const out2 = byIds.forward(kk, params, { tokens, table: emb }, T, B, { lengths });
          expectClose(out2, out1, 1e-5, 1e-6, `V ${V} outputs`);
          const g1 = new NamedBuffer(table), g2 = new NamedBuffer(table);
          const dlooked = new Float32Array(looked.length), demb1 = new Float32Array(emb.length), demb2 = new Float32Array(emb.length);
          plain.backward(kk, params, g1, { dout, dinp: dlooked });
          kk.embeddingBackward(demb1, null, null, dlooked, tokens, null, 1, T * B, 5);
          byIds.backward(kk, params, g2, { dout, dinp: null, dtable: demb2 });
          expectClose(demb2, demb1, 1e-4, 1e-5, `V ${V} table gradient`);
          expectClose(g2.data, g1.data, 1e-4, 1e-5, `V ${V} parameter gradients`);
        }
      });
    }
  }

  it('refuses a mismatched input, a c0 for a GRU and a bad spec with sentences', () => {
    const spec: RecurrentSpec = { cell: 'gru', inputSize: 3, hiddenSize: 4, numLayers: 1, bidirectional: false, dropout: 0 };
    const stack = new RecurrentStack(spec, '');
    const params = new NamedBuffer((() => { const t = new TensorTable(); addRecurrentParams(t, '', spec); return t; })());
    expect(() => stack.forward(k, params, new Float32Array(5), 2, 1)).toThrow('The input has 5 floats, but T*B*inputSize = 2*1*3 = 6 are needed.');
    expect(() => stack.forward(k, params, new Float32Array(6), 2, 1, { c0: new Float32Array(4) })).toThrow('c0 was given, but a GRU has no cell state.');
    expect(() => new RecurrentStack({ ...spec, numLayers: 0 }, '')).toThrow('numLayers of the recurrent layers is 0, but it must be a whole number from 1 to 16.');
  });
});

describe('RnnLanguageModel', () => {
  it('counts its parameters as the layout holds them, and validates its config', () => {
    for (const family of ['gru', 'lstm'] as const) {
      const c = rnnPresetConfig('small', family, 65);
      expect(new RnnLanguageModel(k, c, false).params.data.length).toBe(rnnParameterCount(c));
    }
    expect(rnnParameterCount(rnnPresetConfig('small', 'gru', 65))).toBe(65 * 256 + 2 * (3 * 256 * 256 * 2 + 2 * 3 * 256) + 65 * 256 + 65);
    expect(() => validateRnnConfig({ family: 'rnn' as 'gru', vocabSize: 10, nLayer: 1, dModel: 8, contextLength: 8, dropout: 0 }))
      .toThrow('family is "rnn", but an RNN language model is "gru" or "lstm".');
    expect(() => rnnPresetConfig('small', 'gru', 65, 1, { dropout: 1 })).toThrow('dropout is 1, but it must be a number from 0 up to (not including) 1.');
  });

  for (const family of ['gru', 'lstm'] as const) {
    it(`${family}: running a text in two pieces with the state carried gives the logits of one pass`, () => {
      const model = new RnnLanguageModel(getKernels(), rnnPresetConfig('tiny', family, 20, 3), true);
      const tokens = Int32Array.from({ length: 12 }, (_, i) => (i * 7) % 20);
      model.run(tokens, 1, 12, null);
      const whole = model.logits().slice(11 * 20, 12 * 20);
      const state = model.run(tokens.subarray(0, 5), 1, 5, null);
      model.run(tokens.subarray(5), 1, 7, state);
      expectClose(model.logits().subarray(6 * 20, 7 * 20), whole, 1e-5, 1e-6, 'last logits');
    });

    it(`${family}: greedy continuation takes each token as the argmax after everything before it, past the context`, () => {
      const model = new RnnLanguageModel(getKernels(), rnnPresetConfig('tiny', family, 20, 8, { contextLength: 8 }), true);
      const prompt = Int32Array.from({ length: 13 }, (_, i) => (i * 5 + 3) % 20);
      const out = continueRnn(model, prompt, { maxTokens: 6, temperature: 0 });
      expect(out.length).toBe(6);
      const all = Int32Array.from([...prompt, ...out]);
      model.run(all, 1, all.length, null);
      const logits = model.logits();
      for (let i = 0; i < 6; i++) {
        const row = logits.subarray((12 + i) * 20, (13 + i) * 20);
        expect(out[i], `token ${i}`).toBe(row.indexOf(Math.max(...row)));
      }
      expect(() => continueRnn(model, new Int32Array(0), { maxTokens: 2 })).toThrow('The prompt is empty');
    });

    it(`${family}: the training loop (native kernels, dropout) brings a patterned text's loss well down`, async () => {
      const model = new RnnLanguageModel(getKernels(), rnnPresetConfig('tiny', family, 12, 5, { dModel: 48, dEmbed: 16, contextLength: 24, dropout: 0.1 }));
      // 1 1 2 2 3 3 4 4 5 5 1 1 ...: the next token depends on the last two, so the state must remember.
      const text = Int32Array.from({ length: 3000 }, (_, i) => 1 + (Math.floor(i / 2) % 5));
      const losses: number[] = [];
      const trainer = new Trainer(model, { train: [text.subarray(0, 2500)], val: [text.subarray(2500)] }, {
        steps: 200, batchSize: 8, lr: 2e-2, warmupSteps: 5, evalEvery: 0, onStep: (m) => losses.push(m.loss),
      });
      const result = await trainer.run();
      expect(result.status).toBe('finished');
      expect(losses[0]).toBeGreaterThan(2.2);
      expect(result.lastEval?.valLoss).toBeLessThan(0.4);
      expect(result.lastEval?.perplexity).toBeCloseTo(Math.exp(result.lastEval?.valLoss ?? 0), 6);
    });
  }
});
