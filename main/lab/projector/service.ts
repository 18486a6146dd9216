// The embedding projector's service: opens vector sets in the analysis worker, starts projections that stream their
// frames as `projector.frame` events (answering at once with a job id; `projector.done` or `projector.failed` ends
// each), asks neighbours, searches, analogies, neighbourhoods and comparisons of the held sets, projects a set over its
// run's checkpoints for the slider, and keeps bookmarks of a view in SQLite.
import type { ChannelArgs, ChannelOutput, Channels } from '../../../common/api';
import { isLabError, LabError } from '../../../common/errors';
import type { AnalysisWorker } from '../../jobs/analysis/client';
import type { FrameMessage, ProjectorOp, ProjectorResults } from '../../jobs/projector/protocol';
import type { BookmarkQueries, BookmarkRow } from '../../store/projector-bookmarks';
import type { LabContext } from '../app/context';
import { ProjectorSources } from './sources';

type Out<K extends keyof Channels> = ChannelOutput<K>;

function base64Of(a: Float32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

function floatsOf(b64: string, field: string): Float32Array {
  const buf = Buffer.from(b64, 'base64');
  if (buf.byteLength % 4 !== 0) throw new LabError('invalid_input', `${field} is not base64 of float32 values (${buf.byteLength} bytes is not a multiple of 4).`, { field });
  return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
}

export class ProjectorService {
  private readonly sources: ProjectorSources;
  private readonly bookmarks: BookmarkQueries;
  private nextJob = 1;
  /** running projections: job id → the set's key */
  private readonly running = new Map<number, string>();

  constructor(private readonly ctx: LabContext, private readonly worker: AnalysisWorker) {
    this.sources = new ProjectorSources(ctx);
    this.bookmarks = ctx.store.bookmarks;
  }

  private ask<K extends ProjectorOp['op']>(op: Extract<ProjectorOp, { op: K }>, label: string, onProgress?: (f: FrameMessage) => void): Promise<ProjectorResults[K]> {
    return this.worker.request({ type: 'projector', op }, label, onProgress as ((p: unknown) => void) | undefined) as Promise<ProjectorResults[K]>;
  }

  async listSources(): Promise<Out<'projector.sources'>> {
    return this.sources.list();
  }

  async open(input: ChannelArgs<'projector.open'>): Promise<Out<'projector.open'>> {
    const spec = this.sources.spec(input.source, input.limit);
    return this.ask({ op: 'open', spec }, `opening ${input.source.kind} vectors`);
  }

  /** Starts a projection and answers with its job id; frames, the end or the failure arrive as events. */
  async project(input: ChannelArgs<'projector.project'>): Promise<Out<'projector.project'>> {
    const jobId = this.nextJob++;
    const init = input.initPacked === undefined ? undefined : floatsOf(input.initPacked, 'initPacked');
    const { key, params } = input;
    this.running.set(jobId, key);
    const N = { value: 0 };
    this.ask({ op: 'project', jobId, key, params, rows: input.rows, init }, `projecting "${key}" with ${params.method}`, (f) => {
      N.value = f.coords.length / f.dims;
      this.ctx.emit('projector.frame', {
        jobId, key, method: params.method, iteration: f.iteration, total: f.total, dims: f.dims, N: N.value,
        coordsPacked: base64Of(f.coords), kl: f.kl,
      });
    }).then((r) => {
      this.ctx.emit('projector.done', {
        jobId, key, method: r.method, dims: r.dims, N: r.N, iterations: r.iterations, stopped: r.stopped, seconds: r.seconds,
        coordsPacked: base64Of(r.coords), rows: r.rows, variances: r.variances, explained: r.explained, kl: r.kl, knn: r.knn,
      });
    }, (e: unknown) => {
      if (!isLabError(e)) console.error(`Projection ${jobId} of "${key}" failed:`, e);
      this.ctx.emit('projector.failed', { jobId, message: e instanceof Error ? e.message : String(e), code: isLabError(e) ? e.code : 'internal' });
    }).finally(() => this.running.delete(jobId));
    return { jobId };
  }

  async stop(input: ChannelArgs<'projector.stop'>): Promise<Out<'projector.stop'>> {
    if (!this.running.has(input.jobId)) return { stopped: false };
    return this.ask({ op: 'stop', jobId: input.jobId }, `stopping projection ${input.jobId}`);
  }

  async neighbors(input: ChannelArgs<'projector.neighbors'>): Promise<Out<'projector.neighbors'>> {
    return { neighbors: await this.ask({ op: 'neighbors', ...input }, `finding neighbours in "${input.key}"`) };
  }

  async search(input: ChannelArgs<'projector.search'>): Promise<Out<'projector.search'>> {
    return { indices: await this.ask({ op: 'search', ...input }, `searching "${input.key}"`) };
  }

  async analogy(input: ChannelArgs<'projector.analogy'>): Promise<Out<'projector.analogy'>> {
    return this.ask({ op: 'analogy', ...input }, `solving an analogy in "${input.key}"`);
  }

  async neighbourhood(input: ChannelArgs<'projector.neighbourhood'>): Promise<Out<'projector.neighbourhood'>> {
    return { rows: await this.ask({ op: 'neighbourhood', ...input }, `isolating a neighbourhood in "${input.key}"`) };
  }

  async compare(input: ChannelArgs<'projector.compare'>): Promise<Out<'projector.compare'>> {
    return this.ask({ op: 'compare', ...input }, `comparing "${input.keyA}" with "${input.keyB}"`);
  }

  async series(input: ChannelArgs<'projector.series'>): Promise<Out<'projector.series'>> {
    if (input.source.kind === 'file') {
      throw new LabError('invalid_input', 'A vectors file has no checkpoints; the checkpoint slider needs a run.', { field: 'source' });
    }
    const specs = input.checkpoints.map((checkpoint) => this.sources.spec({ ...input.source, checkpoint } as typeof input.source, input.limit));
    const r = await this.ask({ op: 'series', specs, checkpoints: input.checkpoints, params: input.params },
      `projecting ${input.checkpoints.length} checkpoints of run ${input.source.runId}`);
    return { checkpoints: r.checkpoints, N: r.N, dims: r.dims, labels: r.labels, coordsPacked: r.layouts.map(base64Of) };
  }

  // ---------- bookmarks ----------

  private bookmarkOut(row: BookmarkRow): Out<'projector.bookmarkSave'> {
    return {
      id: row.id, name: row.name, setKey: row.set_key, source: JSON.parse(row.source_json), params: JSON.parse(row.params_json),
      view: JSON.parse(row.view_json) as Record<string, unknown>, N: row.n, createdAt: row.created_at,
    };
  }

  async listBookmarks(input: ChannelArgs<'projector.bookmarks'>): Promise<Out<'projector.bookmarks'>> {
    return this.bookmarks.list(input.setKey).map((r) => this.bookmarkOut(r));
  }

  async saveBookmark(input: ChannelArgs<'projector.bookmarkSave'>): Promise<Out<'projector.bookmarkSave'>> {
    const coords = Buffer.from(input.coordsPacked, 'base64');
    const dims = input.params.dims;
    if (coords.byteLength !== input.N * dims * 4) {
      throw new LabError('invalid_input', `The bookmark's layout has ${coords.byteLength} bytes, but ${input.N} points in ${dims}D need ${input.N * dims * 4}.`, { field: 'coordsPacked' });
    }
    const runId = input.source.kind === 'file' ? null : input.source.runId;
    if (runId !== null) this.sources.runRow(runId);
    const id = this.bookmarks.insert({ name: input.name, setKey: input.setKey, source: input.source, runId, params: input.params, view: input.view, n: input.N, coords });
    return this.bookmarkOut(this.bookmarks.get(id)!);
  }

  async bookmarkCoords(input: ChannelArgs<'projector.bookmarkCoords'>): Promise<Out<'projector.bookmarkCoords'>> {
    const coords = this.bookmarks.coords(input.id);
    if (coords === undefined) throw new LabError('not_found', `There is no bookmark with id ${input.id}; it may have been deleted.`, { field: 'id' });
    return { coordsPacked: coords.toString('base64') };
  }

  async deleteBookmark(input: ChannelArgs<'projector.bookmarkDelete'>): Promise<Out<'projector.bookmarkDelete'>> {
    if (!this.bookmarks.delete(input.id)) throw new LabError('not_found', `There is no bookmark with id ${input.id}; it may have been deleted already.`, { field: 'id' });
    return { ok: true };
  }
}
