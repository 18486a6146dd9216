// Pure readers of a run's recorded config: the key settings shown in tables and compared across runs, tokens per step.

/** The fields of Run these readers need (so tests can pass plain objects). */
export interface RunLike {
  family: string;
  seed: number;
  config: Record<string, unknown>;
}

/** The settings a person compares runs by; a number or a short word each, absent fields left out. */
export type RunSettings = Record<string, number | string>;

/** The config as recorded by the training service: { preset, model: ModelConfig, training: TrainingSettings, parameters, … }. */
function section(config: Record<string, unknown>, key: string): Record<string, unknown> {
  const v = config[key];
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function num(obj: Record<string, unknown>, key: string): number | undefined {
  const v = obj[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Setting names in the order they are shown and compared. */
export const SETTING_KEYS = ['family', 'preset', 'parameters', 'nLayer', 'nHead', 'dModel', 'contextLength', 'dropout', 'steps', 'batchSize', 'lr', 'seed'] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];

/** The key settings of a run, read from its recorded config. */
export function runSettings(run: RunLike): Partial<Record<SettingKey, number | string>> {
  const model = section(run.config, 'model');
  const training = section(run.config, 'training');
  const out: Partial<Record<SettingKey, number | string>> = { family: run.family, seed: run.seed };
  if (typeof run.config.preset === 'string') out.preset = run.config.preset;
  const parameters = num(run.config, 'parameters');
  if (parameters !== undefined) out.parameters = parameters;
  for (const k of ['nLayer', 'nHead', 'dModel', 'contextLength', 'dropout'] as const) {
    const v = num(model, k);
    if (v !== undefined) out[k] = v;
  }
  for (const k of ['steps', 'batchSize', 'lr'] as const) {
    const v = num(training, k);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/** Tokens a run reads per optimizer step (batch × context), which turns steps into "tokens seen"; 0 when unknown. */
export function tokensPerStep(run: RunLike): number {
  const batch = num(section(run.config, 'training'), 'batchSize');
  const context = num(section(run.config, 'model'), 'contextLength');
  return batch !== undefined && context !== undefined ? batch * context : 0;
}

/** "tiny · 2L 2H d64 · ctx 64 · lr 0.003 · bs 16": the settings line of the runs table. */
export function settingsSummary(run: RunLike): string {
  const s = runSettings(run);
  const parts: string[] = [];
  if (s.preset !== undefined) parts.push(String(s.preset));
  if (s.nLayer !== undefined && s.nHead !== undefined && s.dModel !== undefined) parts.push(`${s.nLayer}L ${s.nHead}H d${s.dModel}`);
  if (s.contextLength !== undefined) parts.push(`ctx ${s.contextLength}`);
  if (s.lr !== undefined) parts.push(`lr ${s.lr}`);
  if (s.batchSize !== undefined) parts.push(`bs ${s.batchSize}`);
  return parts.join(' · ');
}
