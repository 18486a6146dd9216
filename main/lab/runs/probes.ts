// Probing a trained run from its newest checkpoint: GPT continues a prompt, BERT fills the [MASK]s of a text.
// The checkpoint folder is self-contained (weights, config, tokenizer.json), so a probe needs nothing else.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isRnnFamily } from '../../../common/rnn-config';
import { getKernels } from '../../../native-kernels/index';
import { loadTokenizer, nonTextSpecialIds, type TextTokenizer } from '../../data/tokenizers/index';
import { loadRnnCheckpoint } from '../../ml/rnn/checkpoint';
import { continueRnn } from '../../ml/rnn/sample';
import type { BertModel } from '../../ml/bert';
import { loadForInference } from '../../ml/inference';
import type { GptModel } from '../../ml/gpt';
import type { TransformerModel } from '../../ml/model';
import { fillMask, generate } from '../../ml/sample';
import type { LabContext } from '../app/context';
import { LabError } from '../../../common/errors';

export interface SampleOptions {
  prompt: string;
  maxTokens?: number;
  temperature?: number;
  topK?: number;
  topP?: number;
  seed?: number;
  /** the checkpoint's step (default: the newest) */
  step?: number;
}

export interface SampleResult {
  runId: number;
  /** the step of the checkpoint that answered */
  step: number;
  prompt: string;
  continuation: string;
  tokens: number;
  settings: { maxTokens: number; temperature: number; topK: number; topP: number; seed: number };
}

export interface FillResult {
  runId: number;
  step: number;
  text: string;
  /** the text with every [MASK] replaced by its most likely token */
  filled: string;
  masks: Array<{ index: number; candidates: Array<{ token: string; probability: number }> }>;
}

interface Loaded {
  model: TransformerModel;
  tokenizer: TextTokenizer;
  step: number;
}

/** The folder of a run's newest checkpoint, or of the one saved at `atStep` (refused with the steps it has). */
function checkpointDir(ctx: LabContext, runId: number, atStep?: number): string {
  const runs = ctx.store.runs;
  const run = runs.run(runId);
  if (atStep !== undefined) {
    const saved = runs.checkpointSteps(runId);
    const at = saved.find((a) => a.step === atStep);
    if (at === undefined) {
      const steps = saved.map((a) => a.step).filter((s) => s !== null);
      throw new LabError('not_found', steps.length === 0
        ? `Run ${runId} ("${run.name}") has no checkpoint yet (it is ${run.status}); leave out --step once it has saved one.`
        : `Run ${runId} ("${run.name}") has no checkpoint at step ${atStep}; it has ${steps.join(', ')}. Pick one of those with --step, or leave --step out for the newest.`, { field: 'step' });
    }
    return path.join(ctx.home, at.path);
  }
  const ckpt = runs.latestCheckpoint(runId);
  if (ckpt === null) {
    throw new LabError('not_found', `Run ${runId} ("${run.name}") has no checkpoint yet (it is ${run.status}); probe it once it has saved one or finished.`, { field: 'run' });
  }
  return path.join(ctx.home, ckpt.path);
}

/** The newest checkpoint of a run of the expected family (or the one saved at `step`), loaded with its own tokenizer. */
function loadRun(ctx: LabContext, runId: number, family: 'gpt' | 'bert', command: string, atStep?: number): Loaded {
  const run = ctx.store.runs.run(runId);
  if (run.family !== family) {
    const other = run.family === 'bert' ? 'fill' : 'sample';
    throw new LabError('invalid_input',
      `Run ${runId} ("${run.name}") is a ${run.family.toUpperCase()} run, but \`${command}\` needs a ${family.toUpperCase()} run; use \`attention-lab ${other} ${runId}\` instead.`, { field: 'run' });
  }
  const { model, tokenizer, step } = loadForInference(getKernels(), checkpointDir(ctx, runId, atStep));
  return { model, tokenizer, step };
}

/** Continues `prompt` with a GPT run (defaults: 200 tokens, temperature 0.8, no top-k/top-p cut, seed 0). */
export function sampleFromRun(ctx: LabContext, runId: number, opts: SampleOptions): SampleResult {
  if (isRnnFamily(ctx.store.runs.run(runId).family)) return sampleFromRnnRun(ctx, runId, opts);
  const { model, tokenizer, step } = loadRun(ctx, runId, 'gpt', 'sample', opts.step);
  const ids = tokenizer.encode(opts.prompt).ids;
  if (ids.length === 0) throw new LabError('invalid_input', 'The prompt is empty; give some text to continue, e.g. --prompt "ROMEO:".', { field: 'prompt' });
  const settings = { maxTokens: opts.maxTokens ?? 200, temperature: opts.temperature ?? 0.8, topK: opts.topK ?? 0, topP: opts.topP ?? 1, seed: opts.seed ?? 0 };
  let eosId: number | undefined;
  try {
    eosId = tokenizer.specialId('[EOS]');
  } catch {
    eosId = undefined;
  }
  const out = generate(model as GptModel, ids, { ...settings, eosId, banIds: nonTextSpecialIds(tokenizer) });
  return { runId, step, prompt: opts.prompt, continuation: tokenizer.decode(out), tokens: out.length, settings };
}

/** The top-k fillers of every [MASK] in `text` with a BERT run; the text is read after a [CLS], as in training. */
export function fillWithRun(ctx: LabContext, runId: number, text: string, topK = 5, atStep?: number): FillResult {
  if (!text.includes('[MASK]')) {
    throw new LabError('invalid_input', `The text ${JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}…` : text)} has no [MASK]; write [MASK] where a token should be predicted.`, { field: 'text' });
  }
  if (!Number.isInteger(topK) || topK < 1) throw new LabError('invalid_input', `--top-k is ${topK}, but it must be a whole number of at least 1.`, { field: 'topK' });
  const { model, tokenizer, step } = loadRun(ctx, runId, 'bert', 'fill', atStep);
  const maskId = tokenizer.specialId('[MASK]');
  let prefix: number[] = [];
  try {
    prefix = [tokenizer.specialId('[CLS]')];
  } catch {
    prefix = [];
  }
  const body = tokenizer.encode(text).ids;
  const input = Int32Array.from([...prefix, ...body]);
  const predictions = fillMask(model as BertModel, input, maskId, topK);
  const filled = Int32Array.from(body);
  predictions.forEach((p) => { filled[p.position - prefix.length] = p.candidates[0].id; });
  return {
    runId, step, text, filled: tokenizer.decode(filled),
    masks: predictions.map((p, index) => ({ index, candidates: p.candidates.map((c) => ({ token: tokenizer.decode([c.id]), probability: c.probability })) })),
  };
}

/** Continues `prompt` with a GRU/LSTM run: the prompt read once, then one step per token from the carried state. */
function sampleFromRnnRun(ctx: LabContext, runId: number, opts: SampleOptions): SampleResult {
  const dir = checkpointDir(ctx, runId, opts.step);
  const { model, step } = loadRnnCheckpoint(getKernels(), dir);
  const tokenizer = loadTokenizer(readFileSync(path.join(dir, 'tokenizer.json'), 'utf8'));
  const ids = Int32Array.from(tokenizer.encode(opts.prompt).ids);
  if (ids.length === 0) throw new LabError('invalid_input', 'The prompt is empty; give some text to continue, e.g. --prompt "ROMEO:".', { field: 'prompt' });
  const settings = { maxTokens: opts.maxTokens ?? 200, temperature: opts.temperature ?? 0.8, topK: opts.topK ?? 0, topP: opts.topP ?? 1, seed: opts.seed ?? 0 };
  const out = continueRnn(model, ids, { ...settings, banIds: nonTextSpecialIds(tokenizer) });
  return { runId, step, prompt: opts.prompt, continuation: tokenizer.decode(out), tokens: out.length, settings };
}
