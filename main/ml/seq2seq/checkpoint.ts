// Seq2seq checkpoints: a folder with model.safetensors (metadata: format, the seq2seq config, step, both sides'
// vocabularies) and config.json, so the folder alone can rebuild the model and tokenize its inputs.
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Kernels } from '../../../native-kernels/kernels';
import { LabError } from '../../../common/errors';
import { validateSeq2seqConfig, type Seq2seqConfig } from '../../../common/seq2seq-config';
import { readSafetensors, writeSafetensors } from '../checkpoint';
import { createSeq2seqModel } from './experiment';
import type { Seq2seqModel } from './model';
import { sideVocabFromJSON, type SideVocab, type SideVocabJSON } from './side-vocab';

export const SEQ2SEQ_CHECKPOINT_FORMAT = 'attention-lab/seq2seq-1';

export interface Seq2seqVocabs {
  source: SideVocab;
  target: SideVocab;
}

/** Writes dir/model.safetensors and dir/config.json (the folder appears with both files). */
export function saveSeq2seqCheckpoint(dir: string, model: Seq2seqModel, vocabs: { source: SideVocabJSON; target: SideVocabJSON }, step: number): void {
  mkdirSync(dir, { recursive: true });
  const tensors = model.params.table.specs.map((s) => ({ name: s.name, shape: s.shape, data: model.params.view(s.name) }));
  writeSafetensors(join(dir, 'model.safetensors'), tensors, {
    format: SEQ2SEQ_CHECKPOINT_FORMAT, config: JSON.stringify(model.config), step: String(step), vocab: JSON.stringify(vocabs),
  });
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...model.config, step }, null, 2) + '\n');
}

/** The model of a checkpoint folder, its vocabularies and step; anything missing or mismatched is named. */
export function loadSeq2seqCheckpoint(k: Kernels, dir: string): { model: Seq2seqModel; vocabs: Seq2seqVocabs; step: number } {
  const path = join(dir, 'model.safetensors');
  const file = readSafetensors(path);
  const name = basename(dir);
  if (file.metadata.format !== SEQ2SEQ_CHECKPOINT_FORMAT) {
    throw new LabError('bad_file', `The checkpoint ${name} is not a seq2seq model (format ${JSON.stringify(file.metadata.format ?? null)}, expected ${SEQ2SEQ_CHECKPOINT_FORMAT}).`, { field: name });
  }
  let config: Seq2seqConfig;
  let vocab: { source: SideVocabJSON; target: SideVocabJSON };
  try {
    config = validateSeq2seqConfig(JSON.parse(file.metadata.config ?? 'null') as Record<string, unknown>);
    vocab = JSON.parse(file.metadata.vocab ?? 'null') as { source: SideVocabJSON; target: SideVocabJSON };
  } catch (e) {
    throw new LabError('bad_file', `The config or vocabularies stored in checkpoint ${name} are invalid: ${(e as Error).message}`, { field: name, cause: e });
  }
  const vocabs = { source: sideVocabFromJSON(vocab.source), target: sideVocabFromJSON(vocab.target) };
  if (vocabs.source.vocabSize !== config.srcVocab || vocabs.target.vocabSize !== config.tgtVocab) {
    throw new LabError('bad_file', `Checkpoint ${name}'s vocabularies (${vocabs.source.vocabSize} and ${vocabs.target.vocabSize} tokens) do not match its model (${config.srcVocab} and ${config.tgtVocab}).`, { field: name });
  }
  const model = createSeq2seqModel(k, config, false);
  for (const spec of model.params.table.specs) {
    const t = file.tensors.get(spec.name);
    if (t === undefined) throw new LabError('bad_file', `Checkpoint ${name} has no tensor "${spec.name}", which this model needs.`, { field: spec.name });
    if (t.shape.join(',') !== spec.shape.join(',')) {
      throw new LabError('bad_file', `Tensor "${spec.name}" in checkpoint ${name} has shape [${t.shape.join(', ')}], but the model expects [${spec.shape.join(', ')}].`, { field: spec.name });
    }
    model.params.view(spec.name).set(t.data);
  }
  return { model, vocabs, step: Number(file.metadata.step ?? 0) };
}
