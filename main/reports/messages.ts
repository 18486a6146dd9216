// The words a report is written in, English and Simplified Chinese: section titles, labels, sentences with {name} slots.
import type { ReportLang, SectionId } from './document';

const en = {
  sections: { summary: 'Summary', setup: 'Setup', curves: 'Curves', comparison: 'Comparison table', probes: 'Probe outputs', figures: 'Pinned figures', notes: 'Notes', reproduce: 'Reproduce' } satisfies Record<SectionId, string>,
  subtitle: { experiment: 'Experiment “{name}” · {runs} runs · {date}', runs: '{runs} runs · {date}', run: 'Run “{name}” · {date}' },
  summary: {
    experiment: 'This report compares {families} trained on the dataset “{dataset}” with a matched budget of {budget}, over {seeds} seed(s) each.',
    runs: 'This report covers {n} run(s): {names}.',
    verdicts: 'What the numbers say:',
    noComparison: 'The comparison has not been measured yet, so there are no verdicts; run “Measure” on the experiment page (or `attention-lab compare`) to add them.',
    best: '{name}: best {key} {value} at step {step}.',
    noMetrics: 'Run {name} has no metrics yet (status: {status}); the report shows what exists.',
    deleted: 'Run {id} was part of this report but has been deleted; the report keeps the rest.',
    external: '{name} was imported from {source} ({format}).',
  },
  budget: { steps: '{n} steps', tokens: '{n} tokens', minutes: '{n} minutes' },
  setup: {
    dataset: 'Dataset', datasetValue: '{name} · {docs} documents · {size} · sha256 {hash}', splits: 'Splits', tokenizer: 'Tokenizer', tokenizerValue: '{name} ({kind}, vocabulary {vocab})',
    budget: 'Budget', seeds: 'Seeds', backend: 'Kernel backend', cpu: 'CPU', versions: 'Versions', threads: 'Threads',
    run: 'Run', family: 'Model', config: 'Configuration', params: 'Parameters', steps: 'Steps', tokens: 'Tokens seen', status: 'Status', seed: 'Seed', origin: 'Source',
  },
  curves: {
    caption: 'x: {x} · smoothing (EMA, as on the compare page) {smoothing} · {bands}{log}drawn from {drawn} of {total} points; {where}',
    // a printed or Markdown chart, and an HTML chart on its second x axis, carry no points: say where they are
    attached: 'every point is attached.',
    inExports: 'every point is in the report’s CSV and JSON data exports.',
    bands: 'seeds of the same settings as mean ± std bands · ',
    log: 'log scale · ',
    seeds: '{name} ×{n} seeds',
    none: 'None of the runs has a metric “{key}”.',
    x: { step: 'step', tokens: 'tokens seen', time: 'seconds since start' },
  },
  comparison: { measure: 'Measure', verdict: 'Verdict', measuredOn: 'Measured on the {split} split, {positions} masked positions per seed, seeds {seeds}.', metric: 'Metric', last: 'last', best: 'best', spread: 'seed spread (mean ± std)' },
  probes: { kind: 'Probe', prompt: 'Prompt', step: 'Step', none: 'No probe outputs were recorded for these runs.', continuations: 'Continuations (same prompt, side by side)', fill: 'fill in the blank', continue: 'continuation' },
  figures: { none: 'No figures are pinned to this report yet: pin one from the attention explorer.', from: 'Run {run}, step {step}: {what}' },
  notes: { none: 'No notes.' },
  reproduce: { intro: 'These commands rerun the runs of this report with the same settings and seeds (from the folder of the dataset file):', external: '# run {id} ({name}) was imported from {source}; re-import it with:' },
  words: { fullData: 'Full data (CSV)', fullDataNote: 'Every point of these curves (values as float32, ~7 digits; the CSV export keeps all digits)', chartNeedsScript: 'This chart needs JavaScript; the PDF and Markdown formats carry it as an image.', figure: 'Figure', table: 'Table', page: 'Page', of: 'of' },
};

type Messages = typeof en;

const zh: Messages = {
  sections: { summary: '摘要', setup: '实验设置', curves: '训练曲线', comparison: '对比表', probes: '探测输出', figures: '固定的图', notes: '笔记', reproduce: '复现' },
  subtitle: { experiment: '实验“{name}” · {runs} 个运行 · {date}', runs: '{runs} 个运行 · {date}', run: '运行“{name}” · {date}' },
  summary: {
    experiment: '本报告比较在数据集“{dataset}”上以相同预算（{budget}）训练的 {families}，每种各 {seeds} 个随机种子。',
    runs: '本报告包含 {n} 个运行：{names}。',
    verdicts: '数字给出的结论：',
    noComparison: '对比尚未测量，因此没有结论；请在实验页面点击“测量”（或运行 `attention-lab compare`）。',
    best: '{name}：{key} 最佳值 {value}（第 {step} 步）。',
    noMetrics: '运行 {name} 还没有指标（状态：{status}）；报告只展示已有内容。',
    deleted: '运行 {id} 原属于本报告，但已被删除；报告保留其余内容。',
    external: '{name} 从 {source} 导入（{format}）。',
  },
  budget: { steps: '{n} 步', tokens: '{n} 个词元', minutes: '{n} 分钟' },
  setup: {
    dataset: '数据集', datasetValue: '{name} · {docs} 篇文档 · {size} · sha256 {hash}', splits: '划分', tokenizer: '分词器', tokenizerValue: '{name}（{kind}，词表 {vocab}）',
    budget: '预算', seeds: '随机种子', backend: '内核后端', cpu: 'CPU', versions: '版本', threads: '线程数',
    run: '运行', family: '模型', config: '配置', params: '参数量', steps: '步数', tokens: '已读词元', status: '状态', seed: '种子', origin: '来源',
  },
  curves: {
    caption: '横轴：{x} · 平滑（EMA，与对比页相同）{smoothing} · {bands}{log}绘制 {drawn} / {total} 个点；{where}',
    attached: '所有数据点均已附带。',
    inExports: '所有数据点见本报告的 CSV 和 JSON 数据导出。',
    bands: '同一设置的多个种子显示为均值 ± 标准差带 · ',
    log: '对数坐标 · ',
    seeds: '{name} ×{n} 个种子',
    none: '没有运行记录指标“{key}”。',
    x: { step: '步数', tokens: '已读词元', time: '开始后的秒数' },
  },
  comparison: { measure: '指标', verdict: '结论', measuredOn: '在 {split} 划分上测量，每个种子 {positions} 个遮盖位置，种子 {seeds}。', metric: '指标', last: '最新', best: '最佳', spread: '种子间差异（均值 ± 标准差）' },
  probes: { kind: '探测', prompt: '提示', step: '步', none: '这些运行没有记录探测输出。', continuations: '续写（同一提示，并排）', fill: '填空', continue: '续写' },
  figures: { none: '本报告还没有固定的图：请在注意力浏览器中固定一张。', from: '运行 {run}，第 {step} 步：{what}' },
  notes: { none: '无笔记。' },
  reproduce: { intro: '以下命令用相同的设置和种子重新运行本报告中的运行（在数据集文件所在的文件夹中执行）：', external: '# 运行 {id}（{name}）从 {source} 导入；重新导入：' },
  words: { fullData: '完整数据 (CSV)', fullDataNote: '这些曲线的所有数据点（数值为 float32，约 7 位有效数字；CSV 导出保留全部位数）', chartNeedsScript: '此图表需要 JavaScript；PDF 与 Markdown 格式以图片形式包含它。', figure: '图', table: '表', page: '第', of: '/' },
};

export type ReportMessages = Messages;

export function reportMessages(lang: ReportLang): ReportMessages {
  return lang === 'zh-CN' ? zh : en;
}

/** Fills {name} slots; an unknown slot stays visible so a missing value is noticed. */
export function fill(template: string, params: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, k: string) => (k in params ? String(params[k]) : whole));
}
