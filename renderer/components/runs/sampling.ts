// The sampling settings a prompt is continued with (temperature, top-k, top-p, seed) as the page's number fields hold
// them, and their reading into the numbers probe.continue takes; ml/sample.ts checks the ranges and names a bad value.

/** What a number field holds: a number, or the text typed when it is not one (an empty field is ''). */
export type FieldValue = number | string;

export interface SamplingFieldsT {
  temperature: FieldValue;
  topK: FieldValue;
  topP: FieldValue;
  seed: FieldValue;
}

export interface Sampling {
  temperature: number;
  topK: number;
  topP: number;
  seed: number;
}

/** A number field's value, or an Error whose sentence (from `sentence`) names the field and quotes what it holds. */
export function fieldNumber(value: FieldValue, sentence: (value: string) => string): number {
  const n = typeof value === 'number' ? value : value.trim() === '' ? NaN : Number(value);
  if (!Number.isFinite(n)) throw new Error(sentence(String(value)));
  return n;
}

/** The four settings as numbers; `sentence(field, value)` words the error of a field that holds no number. */
export function readSampling(fields: SamplingFieldsT, sentence: (field: keyof SamplingFieldsT, value: string) => string): Sampling {
  const read = (field: keyof SamplingFieldsT): number => fieldNumber(fields[field], (v) => sentence(field, v));
  return { temperature: read('temperature'), topK: read('topK'), topP: read('topP'), seed: read('seed') };
}
