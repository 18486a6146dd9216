// Types the charts and pages share that preload/api.ts defines only as schemas.
import type { z } from 'zod';
import type { EncodedToken, VocabEntry } from '../../preload/api';

export type VocabEntryT = z.output<typeof VocabEntry>;
export type EncodedTokenT = z.output<typeof EncodedToken>;
