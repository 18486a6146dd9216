// The projector inside the analysis worker: turns a LoadSpec into a held vector set (word vectors of a run, a vectors
// file, or a GPT/BERT checkpoint's token table, position table or contextual hidden states), and answers the
// projector's questions through the ProjectorSession. Projections stream frames through `progress` and yield between
// frames, so a stop (or a neighbour query) is answered while one runs.
import { getKernels } from '../../../native-kernels/index';
import { getProjectionKernels } from '../../../native-kernels/projection-backends';
import { LabError } from '../../../common/errors';
import { importVectors } from '../../ml/embeddings/formats';
import { contextualSet, positionEmbeddingSet, tokenEmbeddingSet, type ModelVectorSet } from '../../ml/embeddings/model-vectors';
import { alignSequence } from '../../ml/embeddings/projection/compare';
import { project } from '../../ml/embeddings/projection/index';
import { ProjectorSession, type HeldSet } from '../../ml/embeddings/projection/session';
import { loadWordVectors, type WordVectors } from '../../ml/embeddings/store';
import { loadForInference, type LoadedCheckpoint } from '../../ml/inference';
import type { Neighbour } from '../../ml/embeddings/projection/explore';
import type { ProjectionInput } from '../../ml/embeddings/projection/params';
import type { FrameMessage, LoadSpec, ModelCheckpoint, NeighbourRow, ProjectorOp, ProjectorResults, SeriesOutcome, SetMeta } from './protocol';

type Loaded = HeldSet & { meta: Omit<SetMeta, 'labels' | 'columns' | 'N' | 'dim' | 'key'> };

function wordSet(wv: WordVectors, key: string, title: string, meta: Loaded['meta']): Loaded {
  return {
    key, labels: wv.words, dim: wv.dim, vectors: wv.vectors,
    columns: { count: wv.counts, rank: wv.words.map((_, i) => i) }, meta: { ...meta, title },
  };
}

function fromModelSet(s: ModelVectorSet): Loaded {
  return {
    key: s.key, labels: s.labels, dim: s.dim, vectors: s.vectors, columns: s.columns,
    meta: { title: s.title, kind: s.source.kind, runId: s.source.runId, checkpoint: s.source.checkpoint, layer: s.source.layer ?? null },
  };
}

/** The first `limit` rows (a prefix: the most frequent words), with the limit in the key. */
function prefix(set: Loaded, limit: number | undefined): Loaded {
  const N = set.labels.length;
  if (limit === undefined || limit >= N) return set;
  const columns: Record<string, (string | number)[]> = {};
  for (const [name, col] of Object.entries(set.columns)) columns[name] = col.slice(0, limit);
  return {
    ...set, key: `${set.key}|first:${limit}`, labels: set.labels.slice(0, limit),
    vectors: set.vectors.slice(0, limit * set.dim), columns,
  };
}

function row(n: Neighbour): NeighbourRow {
  return { index: n.index, label: n.label, distance: n.distance, similarity: n.similarity ?? null };
}

export class ProjectorHost {
  private readonly pk = getProjectionKernels();
  private readonly session = new ProjectorSession(this.pk);
  private readonly metas = new Map<string, SetMeta>();
  /** the last two checkpoints read (a model is loaded once for its token table, positions and contexts) */
  private readonly models = new Map<string, LoadedCheckpoint>();

  private model(m: ModelCheckpoint): LoadedCheckpoint {
    const id = `${m.dir}@${m.stamp}`;
    let loaded = this.models.get(id);
    if (loaded === undefined) {
      loaded = loadForInference(getKernels(), m.dir);
      this.models.set(id, loaded);
      while (this.models.size > 2) this.models.delete(this.models.keys().next().value as string);
    }
    return loaded;
  }

  private load(spec: LoadSpec): Loaded {
    switch (spec.kind) {
      case 'run-vectors':
        return prefix(wordSet(loadWordVectors(spec.dir), `run:${spec.runId}@${spec.checkpoint}`,
          `${spec.method} run ${spec.runName}, ${spec.checkpoint}`,
          { title: '', kind: 'run-vectors', runId: spec.runId, checkpoint: spec.checkpoint, layer: null }), spec.limit);
      case 'file':
        return prefix(wordSet(importVectors(spec.format, spec.path, spec.metadataPath), `file:${spec.path}@${spec.stamp}`,
          `${spec.path} (${spec.format})`, { title: '', kind: 'file', runId: null, checkpoint: null, layer: null }), spec.limit);
      case 'token-embedding':
      case 'position-embedding':
      case 'contextual': {
        const { model, tokenizer } = this.model(spec.model);
        const ref = { runId: spec.model.runId, runName: spec.model.runName, checkpoint: spec.model.checkpoint };
        const set = spec.kind === 'token-embedding' ? tokenEmbeddingSet(model, tokenizer, ref)
          : spec.kind === 'position-embedding' ? positionEmbeddingSet(model, ref)
            : spec.kind === 'contextual' ? contextualSet(model, tokenizer, ref, spec.texts, spec.layer) : null;
        if (set === null) throw new LabError('internal', `Unknown vector kind ${JSON.stringify(spec)}.`);
        return prefix(fromModelSet(set), spec.limit);
      }
    }
  }

  open(spec: LoadSpec): SetMeta {
    const set = this.load(spec);
    this.session.hold(set);
    const meta: SetMeta = { key: set.key, ...set.meta, N: set.labels.length, dim: set.dim, labels: set.labels, columns: set.columns };
    this.metas.set(set.key, meta);
    return meta;
  }

  async answer(op: ProjectorOp, progress: (frame: FrameMessage) => void): Promise<ProjectorResults[keyof ProjectorResults]> {
    const s = this.session;
    switch (op.op) {
      case 'open': return this.open(op.spec);
      case 'project': {
        const r = await s.project(op.jobId, op.key, op.params, (f) => {
          progress({ jobId: op.jobId, iteration: f.iteration, total: f.total, dims: f.dims, coords: f.coords.slice(), kl: f.kl ?? null });
        }, op.rows, op.init);
        return {
          jobId: op.jobId, key: op.key, method: r.method, dims: r.dims, N: r.N, iterations: r.iterations, stopped: r.stopped,
          seconds: r.seconds, coords: r.coords.slice(), rows: r.rows, variances: r.variances ?? null, explained: r.explained ?? null,
          kl: r.kl ?? null, knn: r.knn === undefined ? null : { method: r.knn.method, k: r.knn.k, seconds: r.knn.seconds },
        };
      }
      case 'stop': return { stopped: s.stop(op.jobId) };
      case 'neighbors': return s.neighbours(op.key, op.index, op.k, op.metric).map(row);
      case 'search': return s.search(op.key, op.query, op.limit);
      case 'analogy': {
        const r = s.analogy(op.key, op.a, op.b, op.c, op.k, op.metric);
        return { rows: [...r.rows], answers: r.answers.map(row) };
      }
      case 'neighbourhood': return s.neighbourhood(op.key, op.index, op.k, op.metric);
      case 'compare': {
        const c = s.compare(op.keyA, op.keyB, op.k, op.metric, op.limit);
        return { k: c.k, mean: c.mean, labels: c.labels, rowsA: c.rowsA, rowsB: c.rowsB, overlap: c.overlap };
      }
      case 'series': return this.series(op.specs, op.checkpoints, op.params);
    }
  }

  /** Each checkpoint's set projected from the previous layout (so the optimiser continues rather than restarts),
   *  then aligned in sequence. The sets are not held: a series would push the open ones out. */
  private async series(specs: LoadSpec[], checkpoints: string[], params: ProjectionInput): Promise<SeriesOutcome> {
    const layouts: Float32Array[] = [];
    let labels: string[] = [];
    let N = 0;
    let dims = 2;
    for (let i = 0; i < specs.length; i++) {
      const set = this.load(specs[i]);
      if (i === 0) {
        labels = set.labels;
        N = labels.length;
      } else if (set.labels.length !== N) {
        throw new LabError('invalid_input',
          `Checkpoint ${checkpoints[i]} has ${set.labels.length} points but ${checkpoints[0]} has ${N}; a checkpoint series needs the same points at every checkpoint.`,
          { field: 'checkpoints' });
      }
      const r = await project(this.pk, set.vectors, N, set.dim, params, undefined, set.labels,
        { init: params.method === 'pca' || layouts.length === 0 ? undefined : layouts[layouts.length - 1] });
      dims = r.dims;
      layouts.push(r.coords.slice());
    }
    return { checkpoints, N, dims, labels, layouts: alignSequence(layouts, N, dims) };
  }
}
