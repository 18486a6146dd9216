// Shared shapes of the API contract: ids, names, enums and the settings.
import { z } from 'zod';

export const Id = z.number().int().positive();
export const Name = z.string().trim().min(1, 'Name must not be empty.').max(120, 'Name must be at most 120 characters.');
export const Language = z.enum(['en', 'zh-CN']);
export const Theme = z.enum(['light', 'dark', 'system']);
export const SourceFormat = z.enum(['txt', 'md', 'csv', 'tsv', 'jsonl', 'folder']);
export const Encoding = z.enum(['auto', 'utf-8', 'utf-16le', 'utf-16be', 'gb18030']);
export const SplitName = z.enum(['train', 'validation', 'test']);
export const TokenizerKind = z.enum(['char', 'bpe', 'wordpiece']);


/** Building blocks of the channel tables. */
export const empty = z.object({}).strict();
export const byId = z.object({ id: Id }).strict();
export const ok = z.object({ ok: z.literal(true) });
