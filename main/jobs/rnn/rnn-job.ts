// The RNN language-model job body (families gru and lstm): builds or reloads the model, its continuation probe (the
// prompt read once, then one step per token from the carried state) and its checkpoint folder; trainer-job.ts trains
// it next-token with the same Trainer, schedule, batches and messages as GPT.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getKernels } from '../../../native-kernels/index';
import { nonTextSpecialIds, loadTokenizer } from '../../data/tokenizers/index';
import { loadRnnCheckpoint, saveRnnCheckpoint } from '../../ml/rnn/checkpoint';
import { RnnLanguageModel } from '../../ml/rnn/lm';
import { continueRnn } from '../../ml/rnn/sample';
import { rnnParameterCount } from '../../../common/rnn-config';
import type { EvalMetrics, TrainerState } from '../../ml/train';
import type { TrainJobMessage, TrainJobPort, TrainJobResult } from '../train/protocol';
import { runTrainerJob } from '../train/trainer-job';
import type { RnnJobSpec } from './protocol';

const PROMPT_TOKENS = 32;
const CONTINUATION_TOKENS = 64;
const SAMPLE_SEED = 1234;
const SAMPLE_TEMPERATURE = 0.8;

export async function runRnnJob(spec: RnnJobSpec, port: TrainJobPort): Promise<TrainJobResult> {
  const k = getKernels(spec.kernels);
  if (spec.threads !== null) k.setThreads(spec.threads);
  const tokenizer = loadTokenizer(spec.tokenizerJson);
  let model: RnnLanguageModel;
  let state: TrainerState | null = null;
  if (spec.resumeFrom !== null) {
    const loaded = loadRnnCheckpoint(k, spec.resumeFrom);
    if (loaded.state === null) throw new Error(`The checkpoint ${spec.resumeFrom} has no optimizer state (optimizer.safetensors), so training cannot continue from it.`);
    model = loaded.model;
    state = loaded.state;
  } else {
    model = new RnnLanguageModel(k, spec.model);
  }
  // the continuation probe: the same validation prompt at every evaluation, so the samples show the model improving
  const source = spec.data.val.find((d) => d.length >= PROMPT_TOKENS) ?? spec.data.val.filter((d) => d.length > 0).sort((a, b) => b.length - a.length)[0];
  const prompt = source === undefined ? null : source.slice(0, Math.min(PROMPT_TOKENS, source.length));
  const banIds = nonTextSpecialIds(tokenizer);
  const probe = (e: EvalMetrics): TrainJobMessage | null => {
    if (prompt === null) return null;
    const out = continueRnn(model, prompt, { maxTokens: CONTINUATION_TOKENS, temperature: SAMPLE_TEMPERATURE, seed: SAMPLE_SEED, banIds });
    return {
      type: 'sample', step: e.step, kind: 'continuation', prompt: tokenizer.decode(prompt), output: tokenizer.decode(out),
      settings: { maxTokens: CONTINUATION_TOKENS, temperature: SAMPLE_TEMPERATURE, seed: SAMPLE_SEED },
    };
  };
  const save = (dir: string, s: TrainerState): void => {
    saveRnnCheckpoint(dir, model, s);
    writeFileSync(join(dir, 'tokenizer.json'), spec.tokenizerJson);
    writeFileSync(join(dir, 'trainer.json'), `${JSON.stringify({ runId: spec.runId, step: s.step, training: spec.training, specials: spec.specials }, null, 2)}\n`);
  };
  return runTrainerJob(k, spec, port, { model, state, training: spec.training, parameters: rnnParameterCount(model.config), save, probe });
}
