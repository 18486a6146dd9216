// Tokenizer shapes of the API contract: tokenizers, vocabulary entries, encoded tokens.
import { z } from 'zod';
import { byId, Id, Name, ok, TokenizerKind } from './shared';

export const Tokenizer = z.object({
  id: Id,
  name: z.string(),
  kind: TokenizerKind,
  datasetId: Id.nullable(),
  vocabSize: z.number().int(),
  lowercase: z.boolean(),
  specialTokens: z.array(z.string()),
  createdAt: z.string(),
  /** share of validation-split tokens that are [UNK]; null when the dataset has no validation split */
  unkRate: z.number().nullable(),
  /** mean tokens per character on the validation split (compression) */
  tokensPerChar: z.number().nullable(),
  /** set by tokenizers.train when the result differs from the request (e.g. the data has fewer characters than asked for) */
  note: z.string().optional(),
});

export const VocabEntry = z.object({
  id: z.number().int(),
  token: z.string(),
  frequency: z.number(),
  /** the token as readable text where it differs from `token` (byte-level BPE: "Ġthe" -> " the"; partial UTF-8 shows as U+FFFD) */
  text: z.string().optional(),
});
export const EncodedToken = z.object({ id: z.number().int(), token: z.string(), start: z.number(), end: z.number(), unknown: z.boolean() });

// ---------- channels ----------
/** The tokenizers.* channels: train, import, export, inspect, encode, delete. */
export const tokenizerChannels = {
  'tokenizers.list': { input: z.object({ datasetId: Id.optional() }).strict(), output: z.array(Tokenizer) },
  'tokenizers.get': { input: byId, output: Tokenizer },
  'tokenizers.train': {
    input: z.object({
      datasetId: Id,
      name: Name,
      kind: TokenizerKind,
      vocabSize: z.number().int(),
      lowercase: z.boolean().default(false),
      taskId: z.string().max(64).optional(),
    }).strict(),
    output: Tokenizer,
  },
  'tokenizers.vocab': {
    input: z.object({
      id: Id,
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(1000).default(100),
      search: z.string().max(100).optional(),
      sort: z.enum(['id', 'frequency']).default('id'),
    }).strict(),
    output: z.object({ total: z.number(), items: z.array(VocabEntry) }),
  },
  'tokenizers.encode': {
    input: z.object({ id: Id, text: z.string().max(100_000) }).strict(),
    output: z.object({ tokens: z.array(EncodedToken) }),
  },
  'tokenizers.import': {
    input: z.object({ path: z.string().min(1), name: Name }).strict(),
    output: Tokenizer,
  },
  'tokenizers.export': {
    // path: relative ones land in the lab's exports/ folder; an existing file is replaced only with force
    input: z.object({ id: Id, path: z.string().min(1).optional(), force: z.boolean().optional() }).strict(),
    output: z.object({ path: z.string() }),
  },
  'tokenizers.delete': { input: byId, output: ok },
} as const;

// ---------- events (main -> renderer) ----------
/** A tokenizer was trained, imported or deleted. */
export const tokenizerEvents = {
  'tokenizers.changed': z.object({ id: Id.nullable() }),
} as const;
