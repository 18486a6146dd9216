// `attention-lab embeddings …`: train static word embeddings in a job worker, followed in the foreground (cli/follow.ts;
// Ctrl-C stops with a resumable checkpoint, exit 130), query a run's neighbours and analogies, export and import vectors (issue 15a), and the
// projector's layouts (project: 15b, embeddings-project.ts). Each subcommand is one entry of EMBEDDINGS_SUBCOMMANDS.
import { join, resolve } from 'node:path';
import type { ChannelInput } from '../../../common/api';
import { LabError } from '../../../common/errors';
import type { EmbeddingsTrainOutcome } from '../../lab/embeddings/service';
import type { TrainProgress } from '../../lab/runs/recorder';
import type { CliCommand, CommandContext, CommandGroup, OptionValues } from '../command';
import { givenInput, numberOption, stringOption, UsageError } from '../command';
import { followForeground, stopExitCode, type SessionProgress } from '../follow';
import { fields, int, table } from '../format';
import { projectCommand } from './embeddings-project';
import { resolveRun } from './runs';

function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

function progressText(p: TrainProgress): string {
  const pct = p.totalSteps > 0 ? ` (${((100 * p.step) / p.totalSteps).toFixed(0)}%)` : '';
  return `words ${int(p.step)}/${int(p.totalSteps)}${pct}  loss ${p.loss.toFixed(4)}  ${int(p.tokensPerSecond)} words/s`;
}

function summary(o: EmbeddingsTrainOutcome): string {
  const head = o.status === 'completed'
    ? `Trained run ${o.runId} "${o.name}" (${o.method}) in ${duration(o.wallSeconds)}.`
    : o.status === 'stopped'
      ? `Stopped run ${o.runId} "${o.name}"; continue it with \`attention-lab embeddings train --resume ${o.runId}\`.`
      : `Run ${o.runId} "${o.name}" failed: ${o.error ?? 'no reason was recorded'}`;
  const loss = (v: number | null): string => (v === null ? '—' : v.toFixed(4));
  return [head, fields([
    ['vocabulary', `${int(o.vocabulary)} words, ${int(o.corpusWords)} in the corpus`],
    ['backend', `${o.backend}, ${o.threads} threads, ${int(o.wordsPerSecond)} words/s`],
    ['progress', `${int(o.steps)} of ${int(o.totalSteps)} words`],
    ['loss', `${loss(o.firstLoss)} → ${loss(o.lastLoss)}`],
    ['vectors', o.vectors ?? '—'],
  ])].join('\n');
}

/** The outcome as the lab recorded it (runs.get, runs.metrics, embeddings.checkpoints), with this session's pace. */
async function outcomeOf(ctx: CommandContext, runId: number, session: SessionProgress, wallSeconds: number): Promise<EmbeddingsTrainOutcome> {
  const run = await ctx.call('runs.get', { id: runId, samples: 0 });
  const { series } = await ctx.call('runs.metrics', { id: runId, keys: ['train/loss'], maxPoints: 8 });
  const checkpoints = await ctx.call('embeddings.checkpoints', { runId });
  const recorded = run.config as { vocabulary?: number; corpusWords?: number };
  const last = checkpoints.at(-1);
  return {
    runId, name: run.name, method: run.family, status: run.status as EmbeddingsTrainOutcome['status'], error: run.status === 'completed' ? null : run.error,
    backend: run.backend ?? 'unknown', threads: run.threads ?? 0, vocabulary: recorded.vocabulary ?? 0, corpusWords: recorded.corpusWords ?? 0,
    steps: run.step, totalSteps: run.totalSteps ?? 0,
    // a downsampled series keeps the first point of its first step range, so values[0] is the run's first
    firstLoss: series[0]?.values[0] ?? null, lastLoss: run.metrics['train/loss']?.last ?? null,
    wordsPerSecond: session.tokensPerSecond, wallSeconds,
    vectors: last === undefined ? null : join((await ctx.call('app.info', {})).home, 'runs', String(runId), 'vectors', last),
  };
}

/** GloVe's memory budget for counting co-occurrences, in MiB (ml/embeddings/train.ts: half for the counts, half for blocks). */
function memoryBudget(values: OptionValues): number | undefined {
  const mb = numberOption(values, 'memory-mb');
  if (mb === undefined) return undefined;
  if (stringOption(values, 'method') !== 'glove') {
    throw new UsageError(`--memory-mb is GloVe's memory budget; ${JSON.stringify(stringOption(values, 'method') ?? '')} has none (give --method glove, or leave the flag out).`);
  }
  if (!Number.isInteger(mb) || mb < 16 || mb > 1 << 20) {
    throw new UsageError(`--memory-mb expects a whole number of MiB from 16 to 1048576 (GloVe's budget for counting co-occurrences; 1024 by default), got ${mb}.`);
  }
  return mb;
}

function settingsFrom(values: OptionValues): Record<string, unknown> {
  if (values.sg === true && values.cbow === true) throw new UsageError('Give either --sg (skip-gram) or --cbow, not both.');
  const n = (name: string): number | undefined => numberOption(values, name);
  return givenInput({
    dim: n('dim'), window: n('window'), epochs: n('epochs'), minCount: n('min-count'), maxVocab: n('max-vocab'),
    negative: n('negative'), sample: n('sample'), alpha: n('alpha'), minN: n('min-n'), maxN: n('max-n'), xMax: n('x-max'),
    eta: n('eta'), memoryMB: memoryBudget(values), seed: n('seed'), threads: n('threads'),
    sg: values.sg === true ? true : values.cbow === true ? false : undefined, hs: values.hs === true ? true : undefined,
  });
}

const trainSub: CliCommand = {
  name: 'train',
  summary: 'train Word2Vec, FastText or GloVe vectors on a dataset in the foreground (Ctrl-C: resumable stop, exit 130)',
  usage: '--dataset NAME --method word2vec|fasttext|glove [--sg|--cbow] [--hs] [--dim N] [--window N] [--epochs N] [--min-count N] [--negative N] [--sample X] [--alpha X] [--min-n N] [--max-n N] [--x-max X] [--eta X] [--memory-mb MB] [--chinese char|words|spaces] [--seed S] [--threads K] [--name N] | --resume RUN',
  details: [
    'Defaults are the reference tools\': dim 100, window 5 (GloVe 10), epochs 5 (GloVe 25), min-count 5, CBOW with negative 5.',
    '--sg / --cbow      Word2Vec and FastText: skip-gram or CBOW (default CBOW, as gensim and word2vec.c)',
    '--hs               hierarchical softmax (with --negative 0 for it alone)',
    '--memory-mb        GloVe: memory budget in MiB for counting co-occurrences (default 1024; more spills to sorted files on disk)',
    '--chinese          how Han text becomes words: char (default), words (dictionary segmentation), spaces (pre-segmented)',
    '--resume RUN       continue a stopped or crashed run from its last checkpoint, with its own settings',
  ],
  positionals: [],
  options: {
    dataset: { type: 'string' }, method: { type: 'string' }, sg: { type: 'boolean' }, cbow: { type: 'boolean' }, hs: { type: 'boolean' },
    dim: { type: 'string' }, window: { type: 'string' }, epochs: { type: 'string' }, 'min-count': { type: 'string' },
    'max-vocab': { type: 'string' }, negative: { type: 'string' }, sample: { type: 'string' }, alpha: { type: 'string' },
    'min-n': { type: 'string' }, 'max-n': { type: 'string' }, 'x-max': { type: 'string' }, eta: { type: 'string' }, 'memory-mb': { type: 'string' },
    chinese: { type: 'string' }, seed: { type: 'string' }, threads: { type: 'string' }, name: { type: 'string' },
    resume: { type: 'string' },
  },
  async run(ctx, values) {
    const resumeRef = stringOption(values, 'resume');
    let start: (taskId: string) => Promise<{ id: number; totalSteps: number | null }>;
    if (resumeRef !== undefined) {
      const id = (await resolveRun(ctx, resumeRef)).id;
      start = async () => ctx.call('runs.resume', { id });
    } else {
      if (stringOption(values, 'dataset') === undefined) throw new UsageError('The option --dataset is required: give the dataset to train on (name or id).');
      if (stringOption(values, 'method') === undefined) throw new UsageError('The option --method is required: word2vec, fasttext or glove.');
      const input = givenInput<ChannelInput<'embeddings.train'>>({
        dataset: stringOption(values, 'dataset'), method: stringOption(values, 'method'), settings: settingsFrom(values),
        chinese: stringOption(values, 'chinese'), name: stringOption(values, 'name'),
      });
      start = async (taskId) => {
        const started = await ctx.call('embeddings.train', { ...input, taskId });
        return { id: started.runId, totalSteps: started.totalSteps };
      };
    }
    const { run, session, stopSignal, wallSeconds } = await followForeground(ctx, {
      start, progressText, stopNote: 'Stopping after this call and saving a resumable checkpoint…',
    });
    const outcome = await outcomeOf(ctx, run.id, session, wallSeconds);
    ctx.result(outcome, () => summary(outcome));
    if (outcome.status !== 'completed' && outcome.status !== 'stopped') throw new LabError('invalid_input', outcome.error ?? `Run ${outcome.runId} is ${outcome.status}.`);
    return stopExitCode(outcome.status, stopSignal);
  },
};

async function runId(ctx: CommandContext, ref: string): Promise<number> {
  return (await resolveRun(ctx, ref)).id;
}

function kOption(values: OptionValues): number | undefined {
  return numberOption(values, 'k');
}

function neighborTable(rows: { label: string; similarity: number }[]): string {
  return table(['#', 'word', 'cosine'], rows.map((n, i) => [String(i + 1), n.label, n.similarity.toFixed(4)]));
}

const neighborsSub: CliCommand = {
  name: 'neighbors',
  summary: 'the words nearest to WORD in a run\'s vectors (cosine similarity)',
  usage: 'RUN WORD [--k N] [--checkpoint final|epoch-NNN]',
  details: ['--k           how many neighbours (default 10)', '--checkpoint  which saved vectors (default: the newest)'],
  positionals: ['RUN', 'WORD'],
  options: { k: { type: 'string' }, checkpoint: { type: 'string' } },
  async run(ctx, values, [run, word]) {
    const r = await ctx.call('embeddings.neighbors', givenInput({ runId: await runId(ctx, run), word, k: kOption(values), checkpoint: stringOption(values, 'checkpoint') }));
    ctx.result(r, () => {
      const note = r.inVocabulary ? '' : ` (not in the vocabulary: built from its character n-grams)`;
      return `Nearest to "${r.word}" in run ${r.runId} (${r.checkpoint})${note}:\n${neighborTable(r.neighbors)}`;
    });
  },
};

const analogySub: CliCommand = {
  name: 'analogy',
  summary: 'the words nearest to A − B + C (king − man + woman ≈ queen)',
  usage: 'RUN A B C [--k N] [--checkpoint final|epoch-NNN]',
  positionals: ['RUN', 'A', 'B', 'C'],
  options: { k: { type: 'string' }, checkpoint: { type: 'string' } },
  async run(ctx, values, [run, a, b, c]) {
    const r = await ctx.call('embeddings.analogy', givenInput({ runId: await runId(ctx, run), a, b, c, k: kOption(values), checkpoint: stringOption(values, 'checkpoint') }));
    ctx.result(r, () => `${r.a} − ${r.b} + ${r.c} in run ${r.runId} (${r.checkpoint}):\n${neighborTable(r.neighbors)}`);
  },
};

const exportSub: CliCommand = {
  name: 'export',
  summary: 'write a run\'s vectors as word2vec text or binary, or as the TensorFlow Embedding Projector\'s TSV pair',
  usage: 'RUN --format w2v-text|w2v-bin|projector [--out PATH] [--force] [--checkpoint final|epoch-NNN]',
  details: [
    '--out    a file for w2v-text / w2v-bin; a folder for projector (vectors.tsv + metadata.tsv);',
    '         default: the lab\'s exports folder, under a free name',
    '--force  replace files that already exist',
  ],
  positionals: ['RUN'],
  options: { format: { type: 'string' }, out: { type: 'string' }, force: { type: 'boolean' }, checkpoint: { type: 'string' } },
  async run(ctx, values, [run]) {
    if (stringOption(values, 'format') === undefined) throw new UsageError('The option --format is required: w2v-text, w2v-bin or projector.');
    const given = stringOption(values, 'out');
    const r = await ctx.call('embeddings.export', givenInput({
      // relative to where the command runs (the service puts relative paths in the lab's exports folder)
      runId: await runId(ctx, run), format: stringOption(values, 'format'), out: given === undefined ? undefined : resolve(given),
      force: values.force === true, checkpoint: stringOption(values, 'checkpoint'),
    }));
    ctx.result(r, () => `Wrote ${int(r.words)} vectors of dimension ${r.dim}:\n${r.files.map((f) => `  ${f}`).join('\n')}`);
  },
};

const importSub: CliCommand = {
  name: 'import',
  summary: 'bring vectors trained elsewhere into the lab as a run (word2vec text/binary, GloVe text, projector TSV)',
  usage: 'FILE --format w2v-text|w2v-bin|projector [--metadata metadata.tsv] [--name N]',
  details: ['w2v-text also reads GloVe\'s header-less text files; projector: FILE is vectors.tsv, --metadata its labels'],
  positionals: ['FILE'],
  options: { format: { type: 'string' }, metadata: { type: 'string' }, name: { type: 'string' } },
  async run(ctx, values, [file]) {
    if (stringOption(values, 'format') === undefined) throw new UsageError('The option --format is required: w2v-text, w2v-bin or projector.');
    const r = await ctx.call('embeddings.import', givenInput({
      path: file, format: stringOption(values, 'format'), metadataPath: stringOption(values, 'metadata'), name: stringOption(values, 'name'),
    }));
    ctx.result(r, () => `Imported ${int(r.words)} vectors of dimension ${r.dim} as run ${r.runId} "${r.name}".`);
  },
};

const listSub: CliCommand = {
  name: 'list',
  summary: 'the runs that hold word vectors (trained or imported)',
  usage: '',
  positionals: [],
  options: {},
  async run(ctx) {
    const runs = await ctx.call('embeddings.runs', {});
    ctx.result(runs, () => (runs.length === 0 ? 'No embedding runs yet; train one with `attention-lab embeddings train`.'
      : table(['id', 'name', 'method', 'status', 'words', 'dim', 'checkpoints'], runs.map((r) => [
        String(r.runId), r.name, r.family, r.status, r.vocabulary === null ? '—' : int(r.vocabulary), r.dim === null ? '—' : String(r.dim), r.checkpoints.join(' '),
      ]))));
  },
};

/** The `embeddings` subcommands, in the order --help lists them. Add a subcommand with one entry. */
export const EMBEDDINGS_SUBCOMMANDS: CliCommand[] = [
  trainSub,
  neighborsSub,
  analogySub,
  exportSub,
  importSub,
  listSub,
  projectCommand,
];

export const embeddingsCommands: CommandGroup = {
  name: 'embeddings',
  summary: 'word embeddings: train (Word2Vec, FastText, GloVe), neighbours, analogies, export, import, and project a run\'s vectors to 2D/3D',
  commands: EMBEDDINGS_SUBCOMMANDS,
};
