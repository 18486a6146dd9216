// The report builder: from what the service gathered (ReportInput) to a ReportDocument in the report's language, one
// section at a time, in the order and with the sections the user chose. Pure: no store, no files.
import { recordedCustomSize, sizeFlags } from '../../common/model-size';
import { cellText, rnnVerdictText, rowLabel, verdictText, type Translate } from '../../common/comparison/wording';
import comparisonEn from '../../common/comparison/messages-en';
import comparisonZhCN from '../../common/comparison/messages-zh-CN';
import { formatBytes } from '../../common/format';
import { settingsSummary, tokensPerStep } from '../../common/charts/runSettings';
import { groupBySeed } from '../../common/charts/metricCurves';
import type { ReportBlock, ReportDocument, ReportSection, SectionId } from './document';
import type { ReportInput, ReportRun } from './build-input';
import { chartKeys, curvesBlocks } from './build-curves';
import { fill, reportMessages, type ReportMessages } from './messages';

function translator(lang: string): Translate {
  const messages = lang === 'zh-CN' ? comparisonZhCN : comparisonEn;
  return (key, params = {}) => {
    const found = key.split('.').reduce<unknown>((node, k) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[k] : undefined), messages);
    return typeof found === 'string' ? fill(found, params) : key;
  };
}

/** A number for a table: 4 significant digits, integers grouped. */
export function num(v: number | null | undefined, locale: string): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  if (Number.isInteger(v)) return v.toLocaleString(locale);
  return Math.abs(v) >= 1000 ? v.toLocaleString(locale, { maximumFractionDigits: 1 }) : v.toPrecision(4);
}

function budgetText(input: ReportInput, m: ReportMessages, locale: string): string {
  const b = input.experiment?.budget;
  if (!b) return '—';
  if ('steps' in b) return fill(m.budget.steps, { n: b.steps.toLocaleString(locale) });
  if ('tokens' in b) return fill(m.budget.tokens, { n: b.tokens.toLocaleString(locale) });
  return fill(m.budget.minutes, { n: b.minutes });
}

function sourceOf(run: ReportRun): string {
  const p = run.originInfo.path;
  return typeof p === 'string' ? p : '?';
}

function summaryBlocks(input: ReportInput, m: ReportMessages, locale: string): ReportBlock[] {
  const blocks: ReportBlock[] = [];
  const e = input.experiment;
  if (e) {
    const families = [...new Set(input.runs.map((r) => r.family.toUpperCase()))].join(' vs ');
    blocks.push({ kind: 'paragraph', text: fill(m.summary.experiment, { families: families || 'GPT vs BERT', dataset: e.datasetName ?? '—', budget: budgetText(input, m, locale), seeds: e.pairs.length || 1 }) });
    if (e.comparison) {
      const tr = translator(input.options.lang);
      const verdicts = e.comparison.rows.filter((r) => r.verdict.kind === 'better' || r.verdict.kind === 'tie' || r.verdict.kind === 'summary')
        .map((r) => `${rowLabel(r, tr)}: ${verdictText(r, e.comparison!.seeds.length, tr, locale)}`);
      blocks.push({ kind: 'paragraph', text: m.summary.verdicts }, { kind: 'list', items: verdicts });
    } else {
      blocks.push({ kind: 'notice', text: m.summary.noComparison });
    }
  } else {
    blocks.push({ kind: 'paragraph', text: fill(m.summary.runs, { n: input.runs.length, names: input.runs.map((r) => r.name).join(', ') }) });
  }
  const best: string[] = [];
  for (const r of input.runs) {
    const key = r.metrics['val/loss'] ? 'val/loss' : r.metrics['train/loss'] ? 'train/loss' : Object.keys(r.metrics)[0];
    const s = key ? r.metrics[key] : undefined;
    if (s && s.best !== null) best.push(fill(m.summary.best, { name: r.name, key, value: num(s.best, locale), step: (s.bestStep ?? s.lastStep).toLocaleString(locale) }));
  }
  if (best.length > 0) blocks.push({ kind: 'list', items: best });
  for (const r of input.runs) {
    if (r.origin === 'external') blocks.push({ kind: 'paragraph', text: fill(m.summary.external, { name: r.name, source: sourceOf(r), format: String(r.originInfo.format ?? '?') }) });
    if (Object.keys(r.metrics).length === 0) blocks.push({ kind: 'notice', text: fill(m.summary.noMetrics, { name: r.name, status: r.status }) });
  }
  for (const id of input.missingRunIds) blocks.push({ kind: 'notice', text: fill(m.summary.deleted, { id }) });
  return blocks;
}

function setupBlocks(input: ReportInput, m: ReportMessages, locale: string): ReportBlock[] {
  const facts: [string, string][] = [];
  const datasetIds = [...new Set(input.runs.map((r) => r.datasetId).filter((d): d is number => d !== null))];
  for (const id of datasetIds) {
    const d = input.datasets.get(id);
    if (!d) continue;
    facts.push([m.setup.dataset, fill(m.setup.datasetValue, { name: d.name, docs: d.stats.documents.toLocaleString(locale), size: formatBytes(d.stats.characters), hash: d.sha256.slice(0, 12) })]);
    if (d.split) facts.push([m.setup.splits, `train ${d.split.counts.train} · validation ${d.split.counts.validation} · test ${d.split.counts.test} (seed ${d.split.seed})`]);
  }
  const tokenizerIds = [...new Set(input.runs.map((r) => r.tokenizerId).filter((d): d is number => d !== null))];
  for (const id of tokenizerIds) {
    const t = input.tokenizers.get(id);
    if (t) facts.push([m.setup.tokenizer, fill(m.setup.tokenizerValue, { name: t.name, kind: t.kind, vocab: t.vocabSize.toLocaleString(locale) })]);
  }
  if (input.experiment) facts.push([m.setup.budget, budgetText(input, m, locale)]);
  facts.push([m.setup.seeds, [...new Set(input.runs.map((r) => r.seed))].join(', ') || '—']);
  const backends = [...new Set(input.runs.map((r) => r.backend).filter((b): b is string => b !== null))];
  facts.push([m.setup.backend, backends.join(', ') || input.app.kernelBackend]);
  const threads = [...new Set(input.runs.map((r) => r.threads).filter((t): t is number => t !== null))];
  if (threads.length > 0) facts.push([m.setup.threads, threads.join(', ')]);
  facts.push([m.setup.cpu, input.app.cpu], [m.setup.versions, `Attention Lab ${input.app.version} · Node ${input.app.node} · ${input.app.platform}`]);
  const rows = input.runs.map((r) => [
    `${r.name} (#${r.id})`, r.family, settingsSummary(r) || '—', num(r.config.parameters as number | undefined, locale), num(r.step, locale),
    num(r.tokensSeen || r.step * tokensPerStep(r), locale), String(r.seed), r.status, r.origin === 'external' ? String(r.originInfo.format ?? 'external') : 'lab',
  ]);
  return [
    { kind: 'facts', items: facts },
    { kind: 'table', table: { columns: [m.setup.run, m.setup.family, m.setup.config, m.setup.params, m.setup.steps, m.setup.tokens, m.setup.seed, m.setup.status, m.setup.origin], align: ['l', 'l', 'l', 'r', 'r', 'r', 'r', 'l', 'l'], rows } },
  ];
}

/** Mean ± sample std of values, or the value alone. */
function spread(values: number[], locale: string): string {
  if (values.length === 0) return '—';
  if (values.length === 1) return num(values[0], locale);
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1));
  return `${num(mean, locale)} ± ${num(std, locale)}`;
}

function comparisonBlocks(input: ReportInput, m: ReportMessages, locale: string): ReportBlock[] {
  const blocks: ReportBlock[] = [];
  const c = input.experiment?.comparison;
  if (c) {
    const tr = translator(input.options.lang);
    blocks.push({ kind: 'paragraph', text: fill(m.comparison.measuredOn, { split: c.split, positions: c.positions, seeds: c.seeds.join(', ') }) });
    // an experiment with a GRU/LSTM third model adds its column and its verdict against GPT
    const rnn = c.rnnFamily ?? null;
    blocks.push({ kind: 'table', table: {
      columns: [m.comparison.measure, 'GPT', 'BERT', ...(rnn ? [rnn.toUpperCase()] : []), m.comparison.verdict, ...(rnn ? [tr('rnn.column', { rnn: rnn.toUpperCase() })] : [])],
      // descriptive rows hold sentences, so the figure columns wrap like text rather than staying on one line
      rows: c.rows.map((r) => [rowLabel(r, tr), cellText(r, 'gpt', tr, locale), cellText(r, 'bert', tr, locale), ...(rnn ? [cellText(r, 'rnn', tr, locale)] : []),
        verdictText(r, c.seeds.length, tr, locale), ...(rnn ? [rnnVerdictText(r, rnn, c.seeds.length, tr, locale)] : [])]),
    } });
  }
  // every run's summary per key, and the seed spread of each group of runs that differ only by seed
  const keys = chartKeys(input).slice(0, 6);
  if (input.runs.length > 0 && keys.length > 0) {
    const groups = groupBySeed(input.runs);
    const rows = groups.map((g) => [
      g.length > 1 ? `${g[0].name} ×${g.length}` : g[0].name,
      ...keys.map((k) => spread(g.map((r) => r.metrics[k]?.best).filter((v): v is number => v !== null && v !== undefined), locale)),
    ]);
    blocks.push({ kind: 'table', table: { columns: [m.setup.run, ...keys.map((k) => `${k} (${m.comparison.best})`)], align: ['l', ...keys.map(() => 'r' as const)], rows, caption: m.comparison.spread } });
  }
  return blocks;
}

function probeBlocks(input: ReportInput, m: ReportMessages): ReportBlock[] {
  const blocks: ReportBlock[] = [];
  const cont = input.experiment?.comparison?.continuations ?? [];
  if (cont.length > 0) {
    blocks.push({ kind: 'table', table: { caption: m.probes.continuations, columns: [m.setup.seed, m.probes.prompt, 'GPT', 'BERT'], rows: cont.map((c) => [String(c.seed), c.prompt, c.gpt, c.bert]) } });
  }
  // the newest output of each probe kind per run, side by side
  const rows: string[][] = [];
  for (const r of input.runs) {
    const samples = input.samples.get(r.id) ?? [];
    const latest = new Map<string, (typeof samples)[number]>();
    for (const s of samples) {
      const prev = latest.get(s.kind);
      if (!prev || (s.step ?? -1) >= (prev.step ?? -1)) latest.set(s.kind, s);
    }
    for (const s of latest.values()) {
      rows.push([r.name, s.kind === 'fill-mask' ? m.probes.fill : s.kind === 'continuation' ? m.probes.continue : s.kind, s.step === null ? '—' : String(s.step), s.prompt, s.output]);
    }
  }
  if (rows.length > 0) blocks.push({ kind: 'table', table: { columns: [m.setup.run, m.probes.kind, m.probes.step, m.probes.prompt, 'output'], align: ['l', 'l', 'r', 'l', 'l'], rows } });
  if (blocks.length === 0) blocks.push({ kind: 'paragraph', text: m.probes.none });
  return blocks;
}

function figureBlocks(input: ReportInput, m: ReportMessages): ReportBlock[] {
  if (input.figures.length === 0) return [{ kind: 'paragraph', text: m.figures.none }];
  return input.figures.map((f) => ({
    kind: 'image' as const,
    image: { id: `figure-${f.id}`, title: f.title, mime: f.mime, data: f.data, caption: [f.runId !== null ? fill(m.figures.from, { run: f.runId, step: f.step ?? '—', what: f.view }) : '', f.caption].filter(Boolean).join(' · ') },
  }));
}

/** Shell-safe argument: bare when it is plain, else single-quoted. */
function arg(s: string): string {
  return /^[A-Za-z0-9._\-/:=]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export function reproduceCommands(input: ReportInput, m: ReportMessages): string {
  const lines: string[] = [];
  const datasets = [...new Set(input.runs.map((r) => r.datasetId).filter((d): d is number => d !== null))];
  for (const id of datasets) {
    const d = input.datasets.get(id);
    if (d) lines.push(`npx attention-lab datasets import ${arg(d.sourcePath)} --name ${arg(d.name)}`);
  }
  const e = input.experiment;
  const covered = new Set<number>();
  if (e && e.datasetName) {
    const b = e.budget;
    const budget = 'steps' in b ? `--steps ${b.steps}` : 'tokens' in b ? `--tokens ${b.tokens}` : `--minutes ${b.minutes}`;
    const tok = e.tokenizerName ? ` --tokenizer ${arg(e.tokenizerName)}` : '';
    const size = e.size ? ` ${sizeFlags(e.size)}` : '';
    const third = e.rnn ? ` --with-rnn ${e.rnn}` : '';
    lines.push(`npx attention-lab compare --dataset ${arg(e.datasetName)} --preset ${e.preset}${size} ${budget} --seeds ${Math.max(1, e.pairs.length)}${tok}${third}`);
    for (const p of e.pairs) {
      covered.add(p.gptRunId).add(p.bertRunId);
      if (p.rnnRunId != null) covered.add(p.rnnRunId);
    }
  }
  for (const r of input.runs) {
    if (covered.has(r.id)) continue;
    if (r.origin === 'external') {
      lines.push(fill(m.reproduce.external, { id: r.id, name: r.name, source: sourceOf(r) }), `npx attention-lab runs import-external ${arg(sourceOf(r))}`);
      continue;
    }
    const t = (r.config.training ?? {}) as Record<string, unknown>;
    const parts = [`npx attention-lab train --dataset ${arg(r.datasetName ?? String(r.datasetId ?? '?'))} --model ${r.family}`];
    if (r.tokenizerName) parts.push(`--tokenizer ${arg(r.tokenizerName)}`);
    if (typeof r.config.preset === 'string') parts.push(`--preset ${r.config.preset}`);
    const custom = recordedCustomSize(r.config);
    if (custom) parts.push(sizeFlags(custom));
    if (typeof t.steps === 'number') parts.push(`--steps ${t.steps}`);
    if (typeof t.batchSize === 'number') parts.push(`--batch-size ${t.batchSize}`);
    if (typeof t.lr === 'number') parts.push(`--lr ${t.lr}`);
    if (typeof t.evalEvery === 'number') parts.push(`--eval-every ${t.evalEvery}`);
    parts.push(`--seed ${r.seed}`, `--name ${arg(r.name)}`);
    lines.push(parts.join(' '));
  }
  return lines.join('\n');
}

function sectionBlocks(id: SectionId, input: ReportInput, m: ReportMessages, locale: string): ReportBlock[] {
  switch (id) {
    case 'summary':
      return summaryBlocks(input, m, locale);
    case 'setup':
      return setupBlocks(input, m, locale);
    case 'curves':
      return curvesBlocks(input, m);
    case 'comparison':
      return comparisonBlocks(input, m, locale);
    case 'probes':
      return probeBlocks(input, m);
    case 'figures':
      return figureBlocks(input, m);
    case 'notes':
      return input.options.notes.trim() ? [{ kind: 'markdown', markdown: input.options.notes }] : [{ kind: 'paragraph', text: m.notes.none }];
    case 'reproduce':
      return [{ kind: 'paragraph', text: m.reproduce.intro }, { kind: 'code', language: 'sh', code: reproduceCommands(input, m) }];
  }
}

export function buildReportDocument(input: ReportInput): ReportDocument {
  const lang = input.options.lang;
  const m = reportMessages(lang);
  const locale = lang === 'zh-CN' ? 'zh-CN' : 'en-US';
  const date = input.generatedAt.slice(0, 10);
  const subtitle = input.experiment
    ? fill(m.subtitle.experiment, { name: input.experiment.name, runs: input.runs.length, date })
    : input.runs.length === 1 ? fill(m.subtitle.run, { name: input.runs[0].name, date }) : fill(m.subtitle.runs, { runs: input.runs.length, date });
  const sections: ReportSection[] = input.options.sections.filter((s) => s.enabled)
    .map((s) => ({ id: s.id, title: m.sections[s.id], blocks: sectionBlocks(s.id, input, m, locale) }));
  return { title: input.name, subtitle, lang, generatedAt: input.generatedAt, generator: `Attention Lab ${input.app.version}`, sections, words: m.words };
}
