// The custom-size flags `train` and `compare` share: --layers --heads --d-model --ff --context, read as numbers and
// handed to the API's `size`; their ranges and d_model ÷ heads are checked by common/model-size.ts (one sentence for
// the CLI, the UI and the API).
import { SIZE_FIELDS, type SizeField } from '../../common/model-size';
import { numberOption, type OptionValues } from './command';

/** parseArgs options for the five flags. */
export const sizeFlagOptions = Object.fromEntries(SIZE_FIELDS.map((f) => [f.flag.slice(2), { type: 'string' as const }]));

/** Help lines for the flags. */
export const sizeFlagDetails = [
  '--layers --heads --d-model --ff --context   a custom shape: each replaces the preset\'s (the preset keeps its recipe);',
  '                            d_model must divide by heads, and a size that needs more memory than is free is refused',
];

/** The size given on the command line, or undefined when no size flag was given. */
export function sizeFromFlags(values: OptionValues): Partial<Record<SizeField, number>> | undefined {
  const size: Partial<Record<SizeField, number>> = {};
  for (const { field, flag } of SIZE_FIELDS) {
    const v = numberOption(values, flag.slice(2));
    if (v !== undefined) size[field] = v;
  }
  return Object.keys(size).length > 0 ? size : undefined;
}
