// The RNN language-model job body (families gru and lstm): builds or reloads the model, trains it next-token with the
// same Trainer, schedule and batches as GPT, and reports steps, evaluations, a continuation sample per evaluation
// (the prompt read once, then one step per token from the carried state) and resumable checkpoints as messages.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getKernels } from '../../../native-kernels/index';
import { nonTextSpecialIds, loadTokenizer } from '../../data/tokenizers/index';
import { loadRnnCheckpoint, saveRnnCheckpoint } from '../../ml/rnn/checkpoint';
import { RnnLanguageModel } from '../../ml/rnn/lm';
import { continueRnn } from '../../ml/rnn/sample';
import { rnnParameterCount } from '../../../common/rnn-config';
import { Trainer, type EvalMetrics, type TrainerState } from '../../ml/train';
import type { CheckpointFile, TrainJobMessage, TrainJobPort, TrainJobResult } from '../train/protocol';
import type { RnnJobSpec } from './protocol';

const now = (): number => Date.now() / 1000;
const PROMPT_TOKENS = 32;
const CONTINUATION_TOKENS = 64;
const SAMPLE_SEED = 1234;
const SAMPLE_TEMPERATURE = 0.8;

export async function runRnnJob(spec: RnnJobSpec, port: TrainJobPort): Promise<TrainJobResult> {
  const k = getKernels(spec.kernels);
  if (spec.threads !== null) k.setThreads(spec.threads);
  const tokenizer = loadTokenizer(spec.tokenizerJson);
  const t = spec.training;
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
  const post = (m: TrainJobMessage): void => port.post(m);

  // the continuation probe: the same validation prompt at every evaluation, so the samples show the model improving
  const source = spec.data.val.find((d) => d.length >= PROMPT_TOKENS) ?? spec.data.val.filter((d) => d.length > 0).sort((a, b) => b.length - a.length)[0];
  const prompt = source === undefined ? null : source.slice(0, Math.min(PROMPT_TOKENS, source.length));
  const banIds = nonTextSpecialIds(tokenizer);
  const postEval = (e: EvalMetrics): void => {
    post({ type: 'eval', step: e.step, valLoss: e.valLoss, perplexity: e.perplexity, accuracy: e.accuracy, time: now() });
    if (prompt === null) return;
    const out = continueRnn(model, prompt, { maxTokens: CONTINUATION_TOKENS, temperature: SAMPLE_TEMPERATURE, seed: SAMPLE_SEED, banIds });
    post({
      type: 'sample', step: e.step, kind: 'continuation', prompt: tokenizer.decode(prompt), output: tokenizer.decode(out),
      settings: { maxTokens: CONTINUATION_TOKENS, temperature: SAMPLE_TEMPERATURE, seed: SAMPLE_SEED },
    });
  };
  const hasVal = spec.data.val.some((d) => d.length > 0);
  const evaluatesAt = (step: number): boolean => hasVal && t.evalEvery > 0 && step % t.evalEvery === 0 && step < t.steps;
  const checkpointDue = (step: number): boolean => t.checkpointEvery > 0 && step % t.checkpointEvery === 0 && step < t.steps;

  const trainer = new Trainer(model, spec.data, {
    steps: t.steps, batchSize: t.batchSize, lr: t.lr, minLr: t.minLr, warmupSteps: t.warmupSteps, weightDecay: t.weightDecay,
    gradClip: t.gradClip, evalEvery: t.evalEvery, evalBatches: t.evalBatches, seed: t.seed, specials: spec.specials,
    onStep: (m) => {
      post({ type: 'step', step: m.step, loss: m.loss, lr: m.lr, gradNorm: m.gradNorm, tokensPerSecond: m.tokensPerSecond, tokens: m.step * t.batchSize * model.config.contextLength, time: now() });
      if (checkpointDue(m.step) && !evaluatesAt(m.step)) checkpoint('periodic');
    },
    onEval: (e) => {
      postEval(e);
      if (checkpointDue(e.step)) checkpoint('periodic');
    },
    shouldStop: () => port.shouldStop(),
  });
  if (state !== null) trainer.load(state);

  function checkpoint(reason: 'periodic' | 'final' | 'stop'): void {
    const s = trainer.state();
    const dir = join(spec.runDir, `step-${s.step}`);
    saveRnnCheckpoint(dir, model, s);
    writeFileSync(join(dir, 'tokenizer.json'), spec.tokenizerJson);
    writeFileSync(join(dir, 'trainer.json'), `${JSON.stringify({ runId: spec.runId, step: s.step, training: spec.training, specials: spec.specials }, null, 2)}\n`);
    post({ type: 'checkpoint', step: s.step, dir, files: describeFiles(dir), resumable: true, reason });
  }

  post({ type: 'started', backend: k.backend, threads: k.getThreads(), parameters: rnnParameterCount(model.config), step: trainer.step });
  if (state === null) postEval(trainer.evaluate());
  const result = await trainer.run();
  const lastLoss = result.step > 0 && !(result.status === 'stopped' && Number.isNaN(result.lastLoss)) ? result.lastLoss : null;
  if (result.status === 'diverged') return { status: 'failed', step: result.step, reason: result.reason, lastLoss };
  checkpoint(result.status === 'stopped' ? 'stop' : 'final');
  return result.status === 'stopped'
    ? { status: 'stopped', step: result.step, reason: result.reason, lastLoss }
    : { status: 'completed', step: result.step, reason: null, lastLoss };
}

function describeFiles(dir: string): CheckpointFile[] {
  return readdirSync(dir).sort().map((name) => {
    const file = join(dir, name);
    return { name, bytes: statSync(file).size, sha256: createHash('sha256').update(readFileSync(file)).digest('hex') };
  });
}
