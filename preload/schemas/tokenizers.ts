// Tokenizer shapes of the API contract: tokenizers, vocabulary entries, encoded tokens.
import { z } from 'zod';
import { Id, TokenizerKind } from './common';

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
