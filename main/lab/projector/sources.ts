// Where the projector's vectors come from: the runs it can open (GPT/BERT checkpoints, word-vector runs) and a
// source as the API names it turned into a LoadSpec the analysis worker loads — paths checked, the checkpoint
// chosen (default: the newest), held-out sentences drawn from the run's dataset for contextual vectors.
import { existsSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { ChannelArgs, ChannelOutput } from '../../../common/api';
import { LabError } from '../../../common/errors';
import type { LoadSpec, ModelCheckpoint } from '../../jobs/projector/protocol';
import { sampleSentences, splitSentences } from '../../ml/embeddings/model-vectors';
import { vectorCheckpoints } from '../../ml/embeddings/train';
import { WORD_VECTOR_FAMILIES, type ProjectorSourceQueries, type SourceRunRow } from '../../store/projector-sources';
import { heldOutTexts } from '../experiments/measure-input';
import type { LabContext } from '../app/context';
import { runFolder } from '../runs/service';
import { checkPathText } from '../../../common/path-text';

export type SourceInput = ChannelArgs<'projector.open'>['source'];

const isWordVectors = (family: string): boolean => (WORD_VECTOR_FAMILIES as readonly string[]).includes(family);
const isModel = (family: string): boolean => family === 'gpt' || family === 'bert';

function layersOf(run: SourceRunRow): number | null {
  try {
    const config = JSON.parse(run.config_json) as { model?: { nLayer?: unknown } };
    return typeof config.model?.nLayer === 'number' ? config.model.nLayer : null;
  } catch {
    return null;
  }
}

export class ProjectorSources {
  private readonly q: ProjectorSourceQueries;

  constructor(private readonly ctx: LabContext) {
    this.q = ctx.store.projectorSources;
  }

  /** Every run with vectors to show, and what it offers. Runs without a checkpoint yet are left out. */
  list(): ChannelOutput<'projector.sources'> {
    const out: ChannelOutput<'projector.sources'> = [];
    for (const run of this.q.runs()) {
      const checkpoints = this.checkpointNames(run);
      if (checkpoints.length === 0) continue;
      out.push(isModel(run.family)
        ? { runId: run.id, name: run.name, family: run.family, kinds: ['token-embedding', 'position-embedding', 'contextual'], checkpoints, layers: layersOf(run) }
        : { runId: run.id, name: run.name, family: run.family, kinds: ['run-vectors'], checkpoints, layers: null });
    }
    return out;
  }

  /** A run's checkpoint names: 'step-N' folders (GPT/BERT) or 'epoch-NNN' … 'final' (word vectors), oldest first. */
  checkpointNames(run: SourceRunRow): string[] {
    if (isWordVectors(run.family)) return vectorCheckpoints(runFolder(this.ctx.home, run.id));
    return this.q.checkpoints(run.id).map((c) => basename(c.path));
  }

  runRow(runId: number): SourceRunRow {
    const run = this.q.run(runId);
    if (run === undefined) throw new LabError('not_found', `There is no run with id ${runId}; list the runs with \`attention-lab runs list\`.`, { field: 'runId' });
    return run;
  }

  private chooseCheckpoint(run: SourceRunRow, checkpoint: string | undefined): string {
    const names = this.checkpointNames(run);
    if (names.length === 0) {
      throw new LabError('not_found', `Run ${run.id} ("${run.name}") has no saved ${isModel(run.family) ? 'checkpoint' : 'vectors'} yet; open it once it has saved some.`, { field: 'runId' });
    }
    if (checkpoint === undefined) return names[names.length - 1];
    if (!names.includes(checkpoint)) {
      throw new LabError('not_found', `Run "${run.name}" has no checkpoint "${checkpoint}"; it has ${names.join(', ')}.`, { field: 'checkpoint' });
    }
    return checkpoint;
  }

  private modelCheckpoint(run: SourceRunRow, checkpoint: string | undefined): ModelCheckpoint {
    const name = this.chooseCheckpoint(run, checkpoint);
    const rel = this.q.checkpoints(run.id).find((c) => basename(c.path) === name)!.path;
    const dir = join(this.ctx.home, rel);
    const file = join(dir, 'model.safetensors');
    if (!existsSync(file)) {
      throw new LabError('not_found', `The ${name} checkpoint of run "${run.name}" is missing its files (${dir}); they were deleted or moved. Choose another checkpoint.`, { field: 'checkpoint' });
    }
    return { runId: run.id, runName: run.name, checkpoint: name, dir, stamp: statSync(file).mtimeMs };
  }

  /** The LoadSpec of a source; `limit` keeps the first rows. */
  spec(source: SourceInput, limit?: number): LoadSpec {
    if (source.kind === 'file') {
      const path = resolve(checkPathText(source.path, { what: 'The vectors file' }));
      if (!existsSync(path) || !statSync(path).isFile()) {
        throw new LabError('not_found', `There is no vectors file at "${path}"; check the path (a word2vec .txt/.bin file, or a projector vectors.tsv).`, { field: 'path' });
      }
      const metadataPath = source.metadataPath === undefined ? null : resolve(checkPathText(source.metadataPath, { field: 'metadataPath', what: 'The metadata file' }));
      if (metadataPath !== null && !existsSync(metadataPath)) {
        throw new LabError('not_found', `There is no metadata file at "${metadataPath}"; give the metadata.tsv that goes with ${basename(path)}, or leave it out.`, { field: 'metadataPath' });
      }
      return { kind: 'file', path, format: source.format, metadataPath, stamp: statSync(path).mtimeMs, limit };
    }
    const run = this.runRow(source.runId);
    if (source.kind === 'run-vectors') {
      if (!isWordVectors(run.family)) {
        throw new LabError('invalid_input', `Run ${run.id} ("${run.name}") is a ${run.family} run, not a word-vector run; open its token-embedding, position-embedding or contextual vectors instead.`, { field: 'kind' });
      }
      const checkpoint = this.chooseCheckpoint(run, source.checkpoint);
      return { kind: 'run-vectors', runId: run.id, runName: run.name, method: run.family, checkpoint, dir: join(runFolder(this.ctx.home, run.id), 'vectors', checkpoint), limit };
    }
    if (!isModel(run.family)) {
      throw new LabError('invalid_input', `Run ${run.id} ("${run.name}") is a ${run.family} run; ${source.kind} vectors come from GPT and BERT runs (open its word vectors with kind "run-vectors").`, { field: 'kind' });
    }
    const model = this.modelCheckpoint(run, source.checkpoint);
    if (source.kind !== 'contextual') return { kind: source.kind, model, limit };
    const layers = layersOf(run);
    if (layers !== null && source.layer > layers) {
      throw new LabError('invalid_input', `Layer ${source.layer} does not exist: run "${run.name}" has ${layers} layers. Choose 0 (the embeddings) to ${layers} (the last block's output).`, { field: 'layer' });
    }
    return { kind: 'contextual', model, layer: source.layer, texts: this.texts(run, source), limit };
  }

  /** The texts of a contextual source: the ones given, or `heldOut` sentences of the run's held-out split. */
  private texts(run: SourceRunRow, source: SourceInput & { kind: 'contextual' }): string[] {
    if (source.texts !== undefined && source.texts.some((t) => t.trim() !== '')) return source.texts;
    if (source.heldOut === undefined) {
      throw new LabError('invalid_input', 'Contextual vectors need text: type one or more sentences (texts), or ask for a number of held-out sentences (heldOut).', { field: 'texts' });
    }
    if (run.dataset_id === null) {
      throw new LabError('not_found', `Run "${run.name}" has no dataset recorded (it was imported), so there are no held-out sentences to draw; type the sentences instead.`, { field: 'heldOut' });
    }
    const sentences = heldOutTexts(this.ctx, run.dataset_id).texts.flatMap(splitSentences);
    return sampleSentences(sentences, source.heldOut, source.seed);
  }
}
