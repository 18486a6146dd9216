// `attention-lab datasets …`: import, inspect, split, rename, delete and export datasets through the lab API.
import { resolve as resolvePath } from 'node:path';
import type { ChannelInput, DatasetT, SourceInspectionT } from '../../../common/api';
import { LabError } from '../../../common/errors';
import type { CliCommand, CommandGroup } from '../command';
import { givenInput, numberOption, requiredOption, stringOption, UsageError } from '../command';
import { formatBytes } from '../../../common/format';
import { fields, int, percent, snippet, table } from '../format';
import { resolveDataset } from '../resolve';

function datasetSummary(d: DatasetT): string {
  const s = d.stats;
  const labels = Object.keys(s.labels).length;
  return `${int(s.documents)} documents, ${int(s.characters)} characters, ${int(s.words)} words, ${int(s.uniqueCharacters)} unique characters${labels > 0 ? `, ${labels} labels` : ''}`;
}

function splitSummary(d: DatasetT): string {
  if (!d.split) return 'not split yet';
  const { counts, seed, stratified } = d.split;
  return `train ${int(counts.train)} / validation ${int(counts.validation)} / test ${int(counts.test)} (seed ${seed}${stratified ? ', stratified by label' : ''})`;
}

const FORMATS = 'txt, md, csv, tsv, jsonl or folder';

const importCommand: CliCommand = {
  name: 'import',
  summary: 'import a text, Markdown, CSV/TSV or JSONL file, or a folder of text files',
  usage: 'PATH --name N [--format F] [--encoding E] [--mode whole|paragraphs] [--text-column C] [--label-column C] [--text-field F] [--label-field F] [--second-text-column C | --second-text-field F] [--skip-invalid] [--allow-duplicate]',
  details: [
    `--format       ${FORMATS} (default: from the file extension)`,
    '--encoding     auto, utf-8, utf-16le, utf-16be or gb18030 (default auto: BOM, then UTF-8, then GB18030)',
    '--mode         txt/md: whole (default; the file is one continuous text) or paragraphs (one document per blank-line-separated block)',
    '--text-column, --label-column   csv/tsv columns to read',
    '--text-field, --label-field     jsonl fields to read',
    '--second-text-column, --second-text-field   sentence pairs: the csv/tsv column or jsonl field with each example\'s second text',
    '--skip-invalid     jsonl: import the valid lines and list the invalid ones instead of refusing the file',
    '--allow-duplicate  import even when identical bytes were imported before',
  ],
  positionals: ['PATH'],
  options: {
    name: { type: 'string' },
    format: { type: 'string' },
    encoding: { type: 'string' },
    mode: { type: 'string' },
    'text-column': { type: 'string' },
    'label-column': { type: 'string' },
    'text-field': { type: 'string' },
    'label-field': { type: 'string' },
    'second-text-column': { type: 'string' },
    'second-text-field': { type: 'string' },
    'skip-invalid': { type: 'boolean' },
    'allow-duplicate': { type: 'boolean' },
  },
  async run(ctx, values, [path]) {
    const input = {
      path,
      name: requiredOption(values, 'name', 'a name for the new dataset'),
      format: stringOption(values, 'format'),
      encoding: stringOption(values, 'encoding'),
      mode: stringOption(values, 'mode'),
      textColumn: stringOption(values, 'text-column'),
      labelColumn: stringOption(values, 'label-column'),
      textField: stringOption(values, 'text-field'),
      labelField: stringOption(values, 'label-field'),
      secondTextColumn: stringOption(values, 'second-text-column'),
      secondTextField: stringOption(values, 'second-text-field'),
      skipInvalid: values['skip-invalid'] === true,
      allowDuplicate: values['allow-duplicate'] === true,
      taskId: 'cli-import',
    };
    const result = await ctx.call('datasets.import', givenInput<ChannelInput<'datasets.import'>>(input));
    ctx.result(result, () => {
      const lines = [`Imported "${result.dataset.name}" (id ${result.dataset.id}): ${datasetSummary(result.dataset)}; encoding ${result.encoding}.`];
      if (result.skippedCount > 0) {
        lines.push(`Skipped ${int(result.skippedCount)} invalid lines:`);
        for (const s of result.skipped.slice(0, 10)) lines.push(`  ${s.file} line ${s.line}: ${s.message}`);
        if (result.skippedCount > 10) lines.push(`  … and ${int(result.skippedCount - 10)} more.`);
      }
      return lines.join('\n');
    });
  },
};

const inspectCommand: CliCommand = {
  name: 'inspect',
  summary: 'look at a file before importing it: format, encoding, columns or fields, first lines',
  usage: 'PATH [--format F] [--encoding E]',
  positionals: ['PATH'],
  options: { format: { type: 'string' }, encoding: { type: 'string' } },
  async run(ctx, values, [path]) {
    const r: SourceInspectionT = await ctx.call('datasets.inspect', givenInput<ChannelInput<'datasets.inspect'>>({
      path, format: stringOption(values, 'format'), encoding: stringOption(values, 'encoding'),
    }));
    ctx.result(r, () => {
      const entries: [string, string][] = [['path', r.path], ['format', r.format], ['encoding', r.encoding], ['size', formatBytes(r.bytes)]];
      if (r.columns) entries.push(['columns', r.columns.join(', ')]);
      if (r.fields) entries.push(['fields', r.fields.join(', ')]);
      if (r.labels) entries.push(['labels', r.labels.join(', ')]);
      if (r.files !== undefined) entries.push(['files', int(r.files)]);
      if (r.duplicateOf) entries.push(['already imported as', `"${r.duplicateOf.name}" (id ${r.duplicateOf.id})`]);
      return [fields(entries), '', ...r.preview.map((p) => `  ${snippet(p, 100)}`)].join('\n');
    });
  },
};

const importSampleCommand: CliCommand = {
  name: 'import-sample',
  summary: 'import one of the sample corpora that came with the install (see `datasets samples`)',
  usage: 'ID [--name N]',
  positionals: ['ID'],
  options: { name: { type: 'string' } },
  async run(ctx, values, [sampleId]) {
    const name = stringOption(values, 'name');
    const result = await ctx.call('datasets.importSample', name === undefined ? { sampleId, taskId: 'cli-sample' } : { sampleId, name, taskId: 'cli-sample' });
    ctx.result(result, () => `Imported "${result.dataset.name}" (id ${result.dataset.id}): ${datasetSummary(result.dataset)}.`);
  },
};

const samplesCommand: CliCommand = {
  name: 'samples',
  summary: 'list the sample corpora that can be imported without a network',
  usage: '',
  positionals: [],
  options: {},
  async run(ctx) {
    const samples = await ctx.call('datasets.samples', {});
    ctx.result(samples, () => table(['id', 'title', 'documents', 'labelled', 'license'],
      samples.map((s) => [s.id, s.title, int(s.approxDocuments), s.labelled ? 'yes' : 'no', s.license])));
  },
};

const listCommand: CliCommand = {
  name: 'list',
  summary: 'list the datasets in this lab',
  usage: '',
  positionals: [],
  options: {},
  async run(ctx) {
    const list = await ctx.call('datasets.list', {});
    ctx.result(list, () => list.length === 0
      ? 'No datasets yet; add one with `attention-lab datasets import PATH --name N`.'
      : table(['id', 'name', 'format', 'documents', 'characters', 'labels', 'split'], list.map((d) => [
        String(d.id), d.name, d.format, int(d.stats.documents), int(d.stats.characters),
        String(Object.keys(d.stats.labels).length), d.split ? 'yes' : 'no',
      ])));
  },
};

const showCommand: CliCommand = {
  name: 'show',
  summary: 'statistics, labels, split and the first documents of a dataset',
  usage: 'NAME|ID [--documents N]',
  positionals: ['NAME|ID'],
  options: { documents: { type: 'string' } },
  async run(ctx, values, [ref]) {
    const dataset = await resolveDataset(ctx, ref);
    const limit = numberOption(values, 'documents') ?? 5;
    const docs = limit > 0 ? await ctx.call('datasets.documents', { id: dataset.id, limit }) : { total: dataset.stats.documents, items: [] };
    ctx.result({ dataset, documents: docs }, () => {
      const s = dataset.stats;
      const lines = [fields([
        ['dataset', `"${dataset.name}" (id ${dataset.id})`],
        ['source', `${dataset.sourcePath} (${dataset.format}, ${dataset.encoding})`],
        ['contents', datasetSummary(dataset)],
        ['document length', `${int(s.minLength)} to ${int(s.maxLength)} characters, mean ${s.meanLength.toFixed(1)}`],
        ['split', splitSummary(dataset)],
        ['imported', dataset.createdAt],
      ])];
      const labels = Object.entries(s.labels).sort((a, b) => b[1] - a[1]);
      if (labels.length > 0) lines.push('', table(['label', 'documents', 'share'], labels.map(([l, n]) => [l, int(n), percent(n / Math.max(1, s.documents))])));
      if (docs.items.length > 0) {
        lines.push('', table(['#', 'label', 'split', 'text'], docs.items.map((d) => [String(d.index), d.label ?? '', d.split ?? '', snippet(d.text)])));
        if (docs.total > docs.items.length) lines.push(`(${int(docs.items.length)} of ${int(docs.total)} documents shown; use --documents N for more.)`);
      }
      return lines.join('\n');
    });
  },
};

const splitCommand: CliCommand = {
  name: 'split',
  summary: 'split a dataset into train/validation/test by ratio and seed (stratified by label when labelled)',
  usage: 'NAME|ID --train 0.8 --validation 0.1 --test 0.1 [--seed S] [--no-stratify]',
  positionals: ['NAME|ID'],
  options: { train: { type: 'string' }, validation: { type: 'string' }, test: { type: 'string' }, seed: { type: 'string' }, 'no-stratify': { type: 'boolean' } },
  async run(ctx, values, [ref]) {
    const ratio = (name: string): number => {
      const v = numberOption(values, name);
      if (v === undefined) throw new UsageError(`The option --${name} is required: give the share of documents for ${name}, e.g. --${name} 0.1.`);
      return v;
    };
    const train = ratio('train');
    const validation = ratio('validation');
    const test = ratio('test');
    const dataset = await resolveDataset(ctx, ref);
    const seed = numberOption(values, 'seed');
    const split = await ctx.call('datasets.split', {
      id: dataset.id, train, validation, test, stratify: values['no-stratify'] !== true, ...(seed === undefined ? {} : { seed }),
    });
    ctx.result(split, () => `Split "${dataset.name}": ${splitSummary({ ...dataset, split })}.`);
  },
};

const renameCommand: CliCommand = {
  name: 'rename',
  summary: 'give a dataset a new name',
  usage: 'NAME|ID NEW_NAME',
  positionals: ['NAME|ID', 'NEW_NAME'],
  options: {},
  async run(ctx, _values, [ref, name]) {
    const dataset = await resolveDataset(ctx, ref);
    const renamed = await ctx.call('datasets.rename', { id: dataset.id, name });
    ctx.result(renamed, () => `Renamed "${dataset.name}" to "${renamed.name}".`);
  },
};

const deleteCommand: CliCommand = {
  name: 'delete',
  summary: 'delete a dataset with its documents and split (asks for --yes)',
  usage: 'NAME|ID --yes',
  positionals: ['NAME|ID'],
  options: { yes: { type: 'boolean' } },
  async run(ctx, values, [ref]) {
    const dataset = await resolveDataset(ctx, ref);
    if (values.yes !== true) {
      throw new LabError('invalid_input',
        `Deleting "${dataset.name}" removes its ${int(dataset.stats.documents)} documents and cannot be undone; add --yes to confirm.`, { field: 'yes' });
    }
    const result = await ctx.call('datasets.delete', { id: dataset.id });
    ctx.result(result, () => `Deleted "${dataset.name}" (id ${dataset.id}).`);
  },
};

const exportCommand: CliCommand = {
  name: 'export',
  summary: 'write a dataset back out as JSON Lines ({"text", "label", "split"} per line)',
  usage: 'NAME|ID [--out FILE] [--force]',
  details: ['--out  where to write (default: the lab\'s exports folder, under a free name); --force replaces an existing FILE'],
  positionals: ['NAME|ID'],
  options: { out: { type: 'string' }, force: { type: 'boolean' } },
  async run(ctx, values, [ref]) {
    const dataset = await resolveDataset(ctx, ref);
    const given = stringOption(values, 'out');
    // relative to where the command runs (the service puts relative paths in the lab's exports folder)
    const out = given === undefined ? undefined : resolvePath(given);
    const result = await ctx.call('datasets.export', { id: dataset.id, ...(out === undefined ? {} : { path: out }), force: values.force === true });
    ctx.result(result, () => `Exported ${int(result.documents)} documents of "${dataset.name}" to ${result.path}.`);
  },
};

export const datasetsCommands: CommandGroup = {
  name: 'datasets',
  summary: 'import, inspect, split, rename, delete and export datasets',
  commands: [importCommand, inspectCommand, importSampleCommand, samplesCommand, listCommand, showCommand, splitCommand, renameCommand, deleteCommand, exportCommand],
};
