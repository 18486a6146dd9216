// One-shot worker tasks of the alignment view: the target x source attention of one run at each of its weight
// snapshots (the checkpoint slider), and its decoder step by step at one snapshot. Each loads the seq2seq checkpoint
// folders the service resolved from the store.
import { getKernels } from '../../../native-kernels/index';
import { loadSeq2seqCheckpoint } from '../../ml/seq2seq/checkpoint';
import { alignmentMatrix, decoderStepView, type AlignmentMatrix, type DecoderStepView } from '../../ml/seq2seq/inspect';

export interface AlignmentTaskInput {
  /** per run, its snapshots oldest first */
  runs: { runId: number; checkpoints: { step: number; dir: string }[] }[];
  source: string;
  /** teacher-forced on this target instead of the model's own output */
  reference: string | null;
}

export type AlignmentFrame = AlignmentMatrix & { step: number };

export function alignmentFrames(input: AlignmentTaskInput): { runId: number; frames: AlignmentFrame[] }[] {
  const k = getKernels('native');
  return input.runs.map(({ runId, checkpoints }) => ({
    runId,
    frames: checkpoints.map(({ step, dir }) => {
      const { model, vocabs } = loadSeq2seqCheckpoint(k, dir);
      return { step, ...alignmentMatrix(model, vocabs, input.source, { reference: input.reference }) };
    }),
  }));
}

export interface DecoderStepsTaskInput {
  step: number;
  dir: string;
  source: string;
}

export function decoderSteps(input: DecoderStepsTaskInput): { step: number; sourceTokens: string[]; steps: DecoderStepView[] } {
  const { model, vocabs } = loadSeq2seqCheckpoint(getKernels('native'), input.dir);
  return { step: input.step, ...decoderStepView(model, vocabs, input.source) };
}
