// Custom model sizes beyond the presets: the five shape fields a person may set (CLI flags, the wizard's "custom"
// choice, the API's `size`), their limits, every problem of a size at once (the wizard shows them live), and which
// preset's recipe (learning rate, batch, dropout) a custom size trains with. Pure; the memory check stays in main.
import { LabError } from './errors';
import { PRESETS, type PresetName } from './model-config';

/** The shape of a GPT or BERT model (the rest of ModelConfig comes from the preset or the tokenizer). */
export interface ModelSize {
  nLayer: number;
  nHead: number;
  dModel: number;
  dFF: number;
  contextLength: number;
}
export type SizeField = keyof ModelSize;

/** Each field with its CLI flag and the whole-number range validateConfig accepts, in the order they are asked. */
export const SIZE_FIELDS: readonly { field: SizeField; flag: string; min: number; max: number }[] = [
  { field: 'nLayer', flag: '--layers', min: 1, max: 64 },
  { field: 'nHead', flag: '--heads', min: 1, max: 64 },
  { field: 'dModel', flag: '--d-model', min: 1, max: 4096 },
  { field: 'dFF', flag: '--ff', min: 1, max: 65536 },
  { field: 'contextLength', flag: '--context', min: 2, max: 8192 },
];

/** What is wrong with one field: out of range (or not a whole number), or d_model not divisible by the heads. */
export type SizeProblem =
  | { field: SizeField; kind: 'range'; value: unknown; min: number; max: number }
  | { field: 'nHead'; kind: 'divisible'; dModel: number; nHead: number; divisors: number[] };

export function presetSize(preset: PresetName): ModelSize {
  const p = PRESETS[preset];
  return { nLayer: p.nLayer, nHead: p.nHead, dModel: p.dModel, dFF: p.dFF, contextLength: p.contextLength };
}

/** The preset's shape with the given fields replaced (fields left undefined keep the preset's). */
export function resolveSize(preset: PresetName, size: Partial<Record<SizeField, unknown>> | undefined): Record<SizeField, unknown> {
  const out: Record<SizeField, unknown> = { ...presetSize(preset) };
  for (const { field } of SIZE_FIELDS) if (size?.[field] !== undefined) out[field] = size[field];
  return out;
}

/** Head counts up to 16 that divide d_model (a hint for the divisibility problem). */
export function headCountsFor(dModel: number): number[] {
  const out: number[] = [];
  for (let h = 1; h <= Math.min(dModel, 16); h += 1) if (dModel % h === 0) out.push(h);
  return out;
}

/** Every problem of a size, in field order; empty when the shape can be built. */
export function sizeProblems(size: Record<SizeField, unknown>): SizeProblem[] {
  const problems: SizeProblem[] = [];
  for (const { field, min, max } of SIZE_FIELDS) {
    const v = size[field];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) problems.push({ field, kind: 'range', value: v, min, max });
  }
  const { dModel, nHead } = size;
  if (problems.every((p) => p.field !== 'dModel' && p.field !== 'nHead') && (dModel as number) % (nHead as number) !== 0) {
    problems.push({ field: 'nHead', kind: 'divisible', dModel: dModel as number, nHead: nHead as number, divisors: headCountsFor(dModel as number) });
  }
  return problems;
}

const flagOf = (field: SizeField): string => SIZE_FIELDS.find((f) => f.field === field)?.flag ?? field;
const shown = (v: unknown): string => (typeof v === 'number' ? String(v) : v === undefined ? 'missing' : JSON.stringify(v));

/** The English sentence of a problem, naming the field and its CLI flag (the UI words it through i18n). */
export function sizeProblemSentence(p: SizeProblem): string {
  if (p.kind === 'divisible') {
    return `d_model ${p.dModel} is not divisible by the ${p.nHead} heads (${flagOf('nHead')}): each head gets d_model / heads dimensions; choose ${p.divisors.filter((h) => h > 1).slice(-4).join(', ') || '1'} heads, or a d_model that ${p.nHead} divides.`;
  }
  return `${p.field} (${flagOf(p.field)}) is ${shown(p.value)}, but it must be a whole number from ${p.min} to ${p.max}.`;
}

/** The checked shape, or a LabError with the first problem's sentence (field: the size field). */
export function checkedSize(preset: PresetName, size: Partial<Record<SizeField, unknown>> | undefined): ModelSize {
  const resolved = resolveSize(preset, size);
  const problems = sizeProblems(resolved);
  if (problems.length > 0) throw new LabError('invalid_input', sizeProblemSentence(problems[0]), { field: problems[0].field });
  return resolved as unknown as ModelSize;
}

/** True when a size changes nothing of the preset (so the run is still plainly "tiny", "small" or "base"). */
export function isPresetShape(preset: PresetName, size: ModelSize): boolean {
  const p = presetSize(preset);
  return SIZE_FIELDS.every(({ field }) => p[field] === size[field]);
}

/** A short name of a shape for run and experiment names: "L3-H4-d96-ff384-T128". */
export function sizeLabel(size: ModelSize): string {
  return `L${size.nLayer}-H${size.nHead}-d${size.dModel}-ff${size.dFF}-T${size.contextLength}`;
}

/**
 * The preset whose recipe (learning rate, batch size, dropout, masking) a custom size in the wizard trains with: the
 * smallest preset at least as wide, so a wide model does not take tiny's rate of 3e-3; base beyond its width.
 */
export function recipePresetFor(size: Pick<ModelSize, 'dModel'>): PresetName {
  for (const p of ['tiny', 'small', 'base'] as const) if (size.dModel <= PRESETS[p].dModel) return p;
  return 'base';
}

/** The CLI flags that give a shape ("--layers 3 --heads 4 --d-model 96 --ff 384 --context 128"), for reproduce lines. */
export function sizeFlags(size: ModelSize): string {
  return SIZE_FIELDS.map(({ field, flag }) => `${flag} ${size[field]}`).join(' ');
}

/** A recorded run's custom shape: its model's fields when they differ from its preset's, else null. */
export function recordedCustomSize(config: Record<string, unknown>): ModelSize | null {
  const preset = config.preset;
  const model = config.model as Partial<Record<SizeField, unknown>> | undefined;
  if ((preset !== 'tiny' && preset !== 'small' && preset !== 'base') || !model) return null;
  if (SIZE_FIELDS.some(({ field }) => typeof model[field] !== 'number')) return null;
  const size = Object.fromEntries(SIZE_FIELDS.map(({ field }) => [field, model[field]])) as unknown as ModelSize;
  return isPresetShape(preset, size) ? null : size;
}
