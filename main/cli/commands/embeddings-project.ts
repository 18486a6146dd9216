// `attention-lab embeddings project RUN|FILE --method pca|tsne|umap`: a vector set's 2D/3D layout, computed in the
// analysis worker as the app does it, with its progress on stderr and every point's coordinates in the result.
import { writeFileSync } from 'node:fs';
import type { ChannelInput, EventPayload } from '../../../common/api';
import { LabError } from '../../../common/errors';
import type { CliCommand, OptionValues } from '../command';
import { givenInput, numberOption, stringOption, UsageError } from '../command';
import type { ProjectorSourceRunT } from '../../../common/api';

/** A run with vectors by id, else by name (the newest of that name), from the projector's own source list. */
async function resolveSourceRun(ctx: Parameters<CliCommand['run']>[0], ref: string): Promise<ProjectorSourceRunT> {
  const runs = await ctx.call('projector.sources', {});
  const found = (/^\d+$/.test(ref) ? runs.find((r) => r.runId === Number(ref)) : undefined)
    ?? [...runs].reverse().find((r) => r.name === ref) ?? [...runs].reverse().find((r) => r.name.toLowerCase() === ref.toLowerCase());
  if (!found) {
    const names = runs.map((r) => `${r.runId} (${r.name}, ${r.family})`).join(', ');
    throw new LabError('not_found', `There is no run ${JSON.stringify(ref)} with vectors to project; ${runs.length === 0
      ? 'train a GPT, BERT or word-vector run first (a run shows up once it has saved a checkpoint).'
      : `runs with vectors: ${names}.`} To project a vectors file, add --format w2v-text|w2v-bin|projector.`, { field: 'run' });
  }
  return found;
}

type Source = ChannelInput<'projector.open'>['source'];
type Done = EventPayload<'projector.done'>;

const KINDS: Record<string, 'token-embedding' | 'position-embedding' | 'contextual' | 'run-vectors'> = {
  token: 'token-embedding', position: 'position-embedding', contextual: 'contextual', vectors: 'run-vectors',
};

function texts(values: OptionValues): string[] | undefined {
  const t = values.text as unknown;
  if (t === undefined) return undefined;
  return Array.isArray(t) ? t as string[] : [String(t)];
}

export const projectCommand: CliCommand = {
  name: 'project',
  summary: 'project a vector set to 2D or 3D with PCA, t-SNE or UMAP and print every point\'s coordinates',
  usage: 'RUN|FILE [--method pca|tsne|umap] [--dims 2|3] [--kind vectors|token|position|contextual] [--checkpoint NAME] [--layer L] [--text T]… [--held-out N] [--format F] [--metadata PATH] [--limit N] [--metric cosine|euclidean] [--perplexity P] [--neighbors K] [--min-dist D] [--iterations N] [--seed S] [--out PATH]',
  details: [
    'RUN          a run name or id: a word-vector run, or a GPT/BERT run (default --kind token)',
    'FILE         with --format w2v-text|w2v-bin|projector: a vectors file opened as it is (--metadata: its metadata.tsv)',
    '--kind       vectors (a word-vector run), token (token embedding table), position (position table),',
    '             contextual (hidden states at --layer of each --text, or of --held-out N held-out sentences)',
    '--checkpoint a checkpoint name (step-N, epoch-NNN, final; default the newest)',
    '--limit      only the first N points (word vectors: the N most frequent words)',
    '--method     pca (default), tsne or umap; --perplexity (t-SNE), --neighbors and --min-dist (UMAP), --iterations',
    '--out        also write the points as TSV (label, x, y[, z]) to this file',
  ],
  positionals: ['RUN'],
  options: {
    method: { type: 'string' }, dims: { type: 'string' }, kind: { type: 'string' }, checkpoint: { type: 'string' },
    layer: { type: 'string' }, text: { type: 'string', multiple: true }, 'held-out': { type: 'string' },
    format: { type: 'string' }, metadata: { type: 'string' }, limit: { type: 'string' }, metric: { type: 'string' },
    perplexity: { type: 'string' }, neighbors: { type: 'string' }, 'min-dist': { type: 'string' },
    iterations: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' },
  },
  async run(ctx, values, [ref]) {
    const format = stringOption(values, 'format');
    let source: Source;
    if (format !== undefined) {
      source = givenInput({ kind: 'file', path: ref, format, metadataPath: stringOption(values, 'metadata') });
    } else {
      const run = await resolveSourceRun(ctx, ref);
      const kindFlag = stringOption(values, 'kind');
      if (kindFlag !== undefined && KINDS[kindFlag] === undefined) {
        throw new UsageError(`--kind is ${JSON.stringify(kindFlag)}; choose vectors, token, position or contextual.`);
      }
      const kind = kindFlag !== undefined ? KINDS[kindFlag] : run.kinds[0];
      const checkpoint = stringOption(values, 'checkpoint');
      if (kind === 'contextual') {
        const layer = numberOption(values, 'layer');
        if (layer === undefined) throw new UsageError('--kind contextual needs --layer L (0 = the embeddings, up to the number of layers).');
        source = givenInput({ kind, runId: run.runId, checkpoint, layer, texts: texts(values), heldOut: numberOption(values, 'held-out'), seed: numberOption(values, 'seed') });
      } else {
        source = givenInput({ kind, runId: run.runId, checkpoint });
      }
    }
    const set = await ctx.call('projector.open', givenInput({ source, limit: numberOption(values, 'limit') }));
    ctx.note(`${set.title}: ${set.N.toLocaleString('en-US')} points of dimension ${set.dim}.`);
    const params = givenInput<ChannelInput<'projector.project'>['params']>({
      method: stringOption(values, 'method') ?? 'pca', dims: numberOption(values, 'dims'), metric: stringOption(values, 'metric'),
      perplexity: numberOption(values, 'perplexity'), neighbors: numberOption(values, 'neighbors'), minDist: numberOption(values, 'min-dist'),
      iterations: numberOption(values, 'iterations'), seed: numberOption(values, 'seed'),
    });
    const lab = ctx.lab();
    let jobId = -1;
    const early: Array<{ event: string; payload: unknown }> = [];
    let settle: (() => void) | null = null;
    let done: Done | null = null;
    let failure: LabError | null = null;
    const onEvent = (event: string, payload: unknown): void => {
      if (jobId < 0) {
        early.push({ event, payload });
        return;
      }
      const p = payload as { jobId: number };
      if (p.jobId !== jobId) return;
      if (event === 'projector.frame') {
        const f = payload as EventPayload<'projector.frame'>;
        ctx.note(`${f.method} ${f.iteration}/${f.total}${f.kl === null ? '' : `, KL ${f.kl.toFixed(4)}`}`);
      } else if (event === 'projector.done') {
        done = payload as Done;
        settle?.();
      } else if (event === 'projector.failed') {
        const f = payload as EventPayload<'projector.failed'>;
        failure = new LabError(f.code === 'invalid_input' || f.code === 'not_found' ? f.code : 'internal', f.message);
        settle?.();
      }
    };
    const off = lab.on(onEvent);
    try {
      const finished = new Promise<void>((resolve) => { settle = resolve; });
      jobId = (await ctx.call('projector.project', { key: set.key, params })).jobId;
      for (const e of early.splice(0)) onEvent(e.event, e.payload);
      const stopping = ctx.waitForStop().then(async () => {
        ctx.note('Stopping after the current frame…');
        await ctx.call('projector.stop', { jobId });
      });
      void stopping;
      if (done === null && failure === null) await finished;
    } finally {
      off();
    }
    if (failure !== null) throw failure;
    const r = done as unknown as Done;
    const buf = Buffer.from(r.coordsPacked, 'base64');
    const coords = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
    const labels = r.rows === null ? set.labels : r.rows.map((i) => set.labels[i]);
    const points = labels.map((label, i) => {
      const c = Array.from(coords.subarray(i * r.dims, (i + 1) * r.dims), (v) => Number(v.toPrecision(6)));
      return r.dims === 2 ? { label, x: c[0], y: c[1] } : { label, x: c[0], y: c[1], z: c[2] };
    });
    const out = stringOption(values, 'out');
    if (out !== undefined) {
      const axes = r.dims === 2 ? 'x\ty' : 'x\ty\tz';
      writeFileSync(out, [`label\t${axes}`, ...points.map((p) => [p.label.replace(/[\t\n]/g, ' '), p.x, p.y, ...('z' in p ? [p.z] : [])].join('\t'))].join('\n') + '\n');
    }
    const summary = {
      key: set.key, title: set.title, method: r.method, dims: r.dims, N: r.N, dim: set.dim, iterations: r.iterations, stopped: r.stopped,
      seconds: r.seconds, kl: r.kl, explained: r.explained, knn: r.knn, points,
    };
    ctx.result(summary, () => [
      `${set.title}: ${r.method} to ${r.dims}D of ${r.N.toLocaleString('en-US')} points in ${r.seconds.toFixed(2)} s`
        + `${r.kl === null ? '' : `, KL ${r.kl.toFixed(4)}`}${r.explained === null ? '' : `, explained ${r.explained.map((e) => `${(e * 100).toFixed(1)}%`).join(' + ')}`}${r.stopped ? ' (stopped early)' : ''}.`,
      ...points.slice(0, 20).map((p) => `  ${p.label}\t${[p.x, p.y, ...('z' in p ? [p.z] : [])].map((v) => (v ?? 0).toFixed(4)).join('\t')}`),
      ...(points.length > 20 ? [`  … ${points.length - 20} more (--json or --out PATH for all)`] : []),
      ...(out !== undefined ? [`Written to ${out}.`] : []),
    ].join('\n'));
  },
};
