// `attention-lab tokenizers …`: train char/BPE/WordPiece tokenizers on a dataset, inspect, encode with, import and export them.
import { resolve as resolvePath } from 'node:path';
import type { ChannelInput, TokenizerT } from '../../../common/api';
import { LabError } from '../../../common/errors';
import { byteLevelToText } from '../../../common/byte-level';
import { TOKEN_LEGEND, visibleToken } from '../../../common/token-text';
import type { CliCommand, CommandGroup } from '../command';
import { givenInput, numberOption, requiredOption, stringOption, UsageError } from '../command';
import { fields, int, percent, table } from '../format';
import { resolveDataset, resolveTokenizer } from '../resolve';

function quality(t: TokenizerT): string {
  if (t.unkRate === null || t.tokensPerChar === null) return 'no validation split to measure on';
  return `[UNK] rate ${percent(t.unkRate, 2)}, ${t.tokensPerChar.toFixed(3)} tokens per character on the validation split`;
}

const trainCommand: CliCommand = {
  name: 'train',
  summary: "train a tokenizer on a dataset's train split (split the dataset first)",
  usage: '--dataset NAME|ID --kind char|bpe|wordpiece --vocab-size N [--name N] [--lowercase]',
  details: [
    '--kind        char (one token per character), bpe (byte-level, GPT-2 style) or wordpiece (BERT style)',
    '--vocab-size  the number of tokens, special tokens included',
    '--name        default: DATASET-KIND-VOCAB',
  ],
  positionals: [],
  options: { dataset: { type: 'string' }, kind: { type: 'string' }, 'vocab-size': { type: 'string' }, name: { type: 'string' }, lowercase: { type: 'boolean' } },
  async run(ctx, values) {
    const dataset = await resolveDataset(ctx, requiredOption(values, 'dataset', 'the dataset to train on (name or id)'));
    const kind = requiredOption(values, 'kind', 'char, bpe or wordpiece');
    const vocabSize = numberOption(values, 'vocab-size');
    if (vocabSize === undefined) throw new UsageError('The option --vocab-size is required: give the vocabulary size, e.g. --vocab-size 8000.');
    const tokenizer = await ctx.call('tokenizers.train', givenInput<ChannelInput<'tokenizers.train'>>({
      datasetId: dataset.id,
      name: stringOption(values, 'name') ?? `${dataset.name}-${kind}-${vocabSize}`,
      kind,
      vocabSize,
      lowercase: values.lowercase === true,
      taskId: 'cli-tokenizer',
    }));
    ctx.result(tokenizer, () => `Trained ${tokenizer.kind} tokenizer "${tokenizer.name}" (id ${tokenizer.id}) on "${dataset.name}": ${int(tokenizer.vocabSize)} tokens; ${quality(tokenizer)}.`);
  },
};

const listCommand: CliCommand = {
  name: 'list',
  summary: 'list the tokenizers in this lab',
  usage: '[--dataset NAME|ID]',
  positionals: [],
  options: { dataset: { type: 'string' } },
  async run(ctx, values) {
    const ref = stringOption(values, 'dataset');
    const datasetId = ref === undefined ? undefined : (await resolveDataset(ctx, ref)).id;
    const list = await ctx.call('tokenizers.list', datasetId === undefined ? {} : { datasetId });
    ctx.result(list, () => list.length === 0
      ? 'No tokenizers yet; train one with `attention-lab tokenizers train --dataset NAME --kind bpe --vocab-size 8000`.'
      : table(['id', 'name', 'kind', 'vocab', 'dataset', '[UNK] rate', 'tokens/char'], list.map((t) => [
        String(t.id), t.name, t.kind, int(t.vocabSize), t.datasetId === null ? '—' : String(t.datasetId),
        t.unkRate === null ? '—' : percent(t.unkRate, 2), t.tokensPerChar === null ? '—' : t.tokensPerChar.toFixed(3),
      ])));
  },
};

const showCommand: CliCommand = {
  name: 'show',
  summary: 'details of a tokenizer and the first entries of its vocabulary',
  usage: 'NAME|ID [--vocab N] [--sort id|frequency]',
  positionals: ['NAME|ID'],
  options: { vocab: { type: 'string' }, sort: { type: 'string' } },
  async run(ctx, values, [ref]) {
    const tokenizer = await resolveTokenizer(ctx, ref);
    const limit = numberOption(values, 'vocab') ?? 20;
    const vocab = limit > 0
      ? await ctx.call('tokenizers.vocab', givenInput<ChannelInput<'tokenizers.vocab'>>({ id: tokenizer.id, limit, sort: stringOption(values, 'sort') }))
      : { total: tokenizer.vocabSize, items: [] };
    ctx.result({ tokenizer, vocab }, () => {
      const lines = [fields([
        ['tokenizer', `"${tokenizer.name}" (id ${tokenizer.id})`],
        ['kind', `${tokenizer.kind}${tokenizer.lowercase ? ', lowercased' : ''}`],
        ['vocabulary', `${int(tokenizer.vocabSize)} tokens`],
        ['special tokens', tokenizer.specialTokens.join(' ')],
        ['trained on', tokenizer.datasetId === null ? 'imported from a file' : `dataset id ${tokenizer.datasetId}`],
        ['quality', quality(tokenizer)],
        ['created', tokenizer.createdAt],
      ])];
      if (vocab.items.length > 0) {
        lines.push('', table(['id', 'token', 'frequency'], vocab.items.map((v) => [String(v.id), visibleToken(v.text ?? v.token), int(v.frequency)])), TOKEN_LEGEND);
        if (vocab.total > vocab.items.length) lines.push(`(${int(vocab.items.length)} of ${int(vocab.total)} tokens shown; use --vocab N for more.)`);
      }
      return lines.join('\n');
    });
  },
};

const encodeCommand: CliCommand = {
  name: 'encode',
  summary: 'show how a tokenizer splits a text',
  usage: 'NAME|ID --text T',
  positionals: ['NAME|ID'],
  options: { text: { type: 'string' } },
  async run(ctx, values, [ref]) {
    const text = requiredOption(values, 'text', 'the text to encode, in quotes');
    const tokenizer = await resolveTokenizer(ctx, ref);
    const result = await ctx.call('tokenizers.encode', { id: tokenizer.id, text });
    ctx.result(result, () => {
      const unknown = result.tokens.filter((t) => t.unknown).length;
      return [
        `${int(result.tokens.length)} tokens${unknown > 0 ? ` (${unknown} unknown)` : ''}:`,
        result.tokens.map((t) => (t.unknown ? `[${visibleToken(text.slice(t.start, t.end))}]` : visibleToken(tokenizer.kind === 'bpe' ? byteLevelToText(t.token) : t.token))).join(' | '),
        `ids: ${result.tokens.map((t) => t.id).join(' ')}`,
        TOKEN_LEGEND,
      ].join('\n');
    });
  },
};

const exportCommand: CliCommand = {
  name: 'export',
  summary: "save a tokenizer as a Hugging Face tokenizer.json",
  usage: 'NAME|ID [--out FILE] [--force]',
  details: ["--out  where to write (default: the lab's exports folder, under a free name); --force replaces an existing FILE"],
  positionals: ['NAME|ID'],
  options: { out: { type: 'string' }, force: { type: 'boolean' } },
  async run(ctx, values, [ref]) {
    const tokenizer = await resolveTokenizer(ctx, ref);
    const given = stringOption(values, 'out');
    // relative to where the command runs (the service puts relative paths in the lab's exports folder)
    const out = given === undefined ? undefined : resolvePath(given);
    const result = await ctx.call('tokenizers.export', { id: tokenizer.id, ...(out === undefined ? {} : { path: out }), force: values.force === true });
    ctx.result(result, () => `Exported "${tokenizer.name}" to ${result.path}.`);
  },
};

const importCommand: CliCommand = {
  name: 'import',
  summary: 'add a tokenizer from a Hugging Face tokenizer.json file',
  usage: 'PATH --name N',
  positionals: ['PATH'],
  options: { name: { type: 'string' } },
  async run(ctx, values, [path]) {
    const tokenizer = await ctx.call('tokenizers.import', { path, name: requiredOption(values, 'name', 'a name for the imported tokenizer') });
    ctx.result(tokenizer, () => `Imported ${tokenizer.kind} tokenizer "${tokenizer.name}" (id ${tokenizer.id}): ${int(tokenizer.vocabSize)} tokens.`);
  },
};

const deleteCommand: CliCommand = {
  name: 'delete',
  summary: 'delete a tokenizer (asks for --yes)',
  usage: 'NAME|ID --yes',
  positionals: ['NAME|ID'],
  options: { yes: { type: 'boolean' } },
  async run(ctx, values, [ref]) {
    const tokenizer = await resolveTokenizer(ctx, ref);
    if (values.yes !== true) {
      throw new LabError('invalid_input', `Deleting tokenizer "${tokenizer.name}" cannot be undone; add --yes to confirm.`, { field: 'yes' });
    }
    const result = await ctx.call('tokenizers.delete', { id: tokenizer.id });
    ctx.result(result, () => `Deleted tokenizer "${tokenizer.name}" (id ${tokenizer.id}).`);
  },
};

export const tokenizersCommands: CommandGroup = {
  name: 'tokenizers',
  summary: 'train, inspect, encode with, import and export tokenizers',
  commands: [trainCommand, listCommand, showCommand, encodeCommand, exportCommand, importCommand, deleteCommand],
};
