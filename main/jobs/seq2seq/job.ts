// The seq2seq arm job body: prepares the experiment's pairs, trains one variant on the shared budget, snapshots its
// weights for the alignment slider (checkpoint messages), measures it on the held-out pairs by source length and
// leaves that in <runDir>/quality.json. No database, no main-process state: it runs in a worker as it is.
import { renameSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { getKernels } from '../../../native-kernels/index';
import { seq2seqParameterCount } from '../../../common/seq2seq-config';
import type { Pair } from '../../data/pairs/tasks';
import { saveSeq2seqCheckpoint } from '../../ml/seq2seq/checkpoint';
import { preparePairs, runArm } from '../../ml/seq2seq/experiment';
import { assertParentAlive, type TrainJobPort, type TrainJobResult } from '../train/protocol';
import { describeFiles } from '../train/trainer-job';
import { QUALITY_FILE, type Seq2seqJobSpec, type Seq2seqQualityFile } from './protocol';

const now = (): number => Date.now() / 1000;

/** Up to `n` held-out pairs spread from the shortest source to the longest (the alignment view's choices). */
export function spreadExamples(pairs: readonly Pair[], n = 8): Pair[] {
  const sorted = [...pairs].sort((a, b) => a.source.length - b.source.length);
  if (sorted.length <= n) return sorted;
  return Array.from({ length: n }, (_, i) => sorted[Math.round((i * (sorted.length - 1)) / (n - 1))]);
}

export async function runSeq2seqJob(spec: Seq2seqJobSpec, port: TrainJobPort): Promise<TrainJobResult> {
  const k = getKernels(spec.kernels);
  if (spec.threads !== null) k.setThreads(spec.threads);
  const data = preparePairs(spec.splits, spec.sides, spec.limits);
  const c = spec.config;
  if (data.source.vocabSize !== c.srcVocab || data.target.vocabSize !== c.tgtVocab) {
    throw new Error(`The pairs give vocabularies of ${data.source.vocabSize} and ${data.target.vocabSize} tokens but the run's model was built for ${c.srcVocab} and ${c.tgtVocab}; the experiment's pairs changed since it was set up.`);
  }
  const vocabs = { source: data.source.toJSON(), target: data.target.toJSON() };
  port.post({ type: 'started', backend: k.backend, threads: k.getThreads(), parameters: seq2seqParameterCount(c), step: 0 });
  const result = await runArm(k, c, data, spec.budget, spec.evaluation, spec.snapshots, {
    shouldStop: () => port.shouldStop(),
    onStep: (m) => {
      port.post({ type: 'step', step: m.step, loss: m.loss, lr: m.lr, gradNorm: m.gradNorm, tokensPerSecond: m.tokensPerSecond, tokens: m.tokens, time: now() });
    },
    onEval: (e) => port.post({ type: 'eval', step: e.step, valLoss: e.valLoss, perplexity: Math.exp(e.valLoss), accuracy: e.valAccuracy, time: now() }),
    onSnapshot: (step, model) => {
      assertParentAlive(port);
      const dir = join(spec.runDir, `step-${step}`);
      saveSeq2seqCheckpoint(dir, model, vocabs, step);
      port.post({ type: 'checkpoint', step, dir, files: describeFiles(dir), resumable: false, reason: step === spec.budget.steps ? 'final' : 'periodic' });
    },
  });
  if (result.status === 'diverged') return { status: 'failed', step: result.steps, reason: result.reason, lastLoss: result.lastLoss };
  const quality: Seq2seqQualityFile = {
    variant: spec.variant, step: result.steps, parameters: result.parameters, trainSeconds: result.trainSeconds,
    tokensPerSecond: result.tokensPerSecond, decodeSeconds: result.decodeSeconds, overall: result.overall, buckets: result.buckets,
    lengths: data.lengths, examples: spreadExamples(data.testPairs),
  };
  mkdirSync(spec.runDir, { recursive: true });
  const file = join(spec.runDir, QUALITY_FILE);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(quality, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
  port.post({ type: 'log', message: `Measured on ${result.overall.pairs} held-out pairs: exact match ${(100 * result.overall.exactMatch).toFixed(1)}%, BLEU ${result.overall.bleu.toFixed(1)}.` });
  return result.status === 'stopped'
    ? { status: 'stopped', step: result.steps, reason: result.reason, lastLoss: result.lastLoss }
    : { status: 'completed', step: result.steps, reason: null, lastLoss: result.lastLoss };
}
