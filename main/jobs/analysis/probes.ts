// The probes as the analysis worker answers them: each run's checkpoint fills the blanks of a text or continues a
// prompt through ml/probes.ts, the lab's one fill/continue path. GPT/BERT models come from the engine's cache (the
// attention explorer's), so a probe after a view does not load the file again; GRU/LSTM models load per request.
import type { ChannelOutput } from '../../../common/api';
import { LabError } from '../../../common/errors';
import type { LoadedCheckpoint } from '../../ml/inference';
import { continueTokens, fillBlanks, loadProbeModel, transformerProbe, type ProbeModel } from '../../ml/probes';
import type { CheckpointRef, ContinueRequest } from './protocol';

type Load = (ref: CheckpointRef) => Promise<LoadedCheckpoint>;

async function probeOf(ref: CheckpointRef, load: Load): Promise<ProbeModel> {
  if (ref.family === 'gpt' || ref.family === 'bert') return transformerProbe(ref.runId, ref.family, await load(ref));
  if (ref.family === 'gru' || ref.family === 'lstm') return loadProbeModel({ runId: ref.runId, family: ref.family, dir: ref.dir });
  throw new Error(`Run ${ref.runId} is a ${ref.family} run; the service sends only GPT, BERT, GRU and LSTM runs to the probes.`);
}

/** Each run's top-k fillers of every [MASK] in `text`, in the order of `refs`. */
export async function fillProbe(refs: CheckpointRef[], text: string, topK: number, load: Load): Promise<ChannelOutput<'probe.fill'>> {
  const answers: ChannelOutput<'probe.fill'> = [];
  for (const ref of refs) {
    const m = await probeOf(ref, load);
    if (m.family !== 'gpt' && m.family !== 'bert') throw new Error(`Run ${ref.runId} is a ${m.family} run; the service lets only GPT and BERT runs fill blanks.`);
    const { masks, filled } = fillBlanks(m, text, topK);
    answers.push({
      runId: m.runId, family: m.family, step: m.step, filled,
      masks: masks.map((b) => ({ index: b.index, candidates: b.candidates.map((c) => ({ token: c.token, probability: c.probability })) })),
    });
  }
  return answers;
}

/** Each run's continuation of the prompt, in the order of `refs`. */
export async function continueProbe(refs: CheckpointRef[], r: ContinueRequest, load: Load): Promise<ChannelOutput<'probe.continue'>> {
  const answers: ChannelOutput<'probe.continue'> = [];
  for (const ref of refs) {
    const m = await probeOf(ref, load);
    const ids = Int32Array.from(m.tokenizer.encode(r.prompt).ids);
    if (ids.length === 0) throw new LabError('invalid_input', 'The prompt gives no tokens; give some text to continue.', { field: 'prompt' });
    const out = continueTokens(m, ids, { maxTokens: r.maxTokens, temperature: r.temperature, topK: r.topK, topP: r.topP, seed: r.seed, stopAtEnd: r.stopAtEnd });
    answers.push({ runId: m.runId, family: m.family, step: m.step, continuation: m.tokenizer.decode(out), tokens: out.length });
  }
  return answers;
}
