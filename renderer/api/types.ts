// Types the charts and pages share that common/api defines only as schemas.
import type { z } from 'zod';
import type { EncodedToken, VocabEntry } from '../../common/api';

export type VocabEntryT = z.output<typeof VocabEntry>;
export type EncodedTokenT = z.output<typeof EncodedToken>;
