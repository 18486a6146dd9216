// A report document for the writer tests: curves built by the compare page's own option builder, a comparison table,
// notes with an attempted script, a reproduce block and a notice, in English or Chinese.
import type { ReportDocument, ReportLang } from '../../../main/reports/document';
import { lttb } from '../../../main/reports/lttb';
import { metricCurvesOption } from '../../../common/charts/metricCurvesOption';
import { chartTheme } from '../../../common/charts/theme';

export function sampleSeries(runs: number, points: number): { label: string; steps: number[]; values: number[]; times: number[] }[] {
  return Array.from({ length: runs }, (_, r) => {
    const steps = Array.from({ length: points }, (_, i) => i + 1);
    return {
      label: r % 2 === 0 ? `gpt-seed${r}` : `bert-seed${r}`,
      steps,
      values: steps.map((s) => 4 * Math.exp(-s / (300 + 40 * r)) + 1.2 + 0.05 * Math.sin(s * 0.37 + r)),
      times: steps.map((s) => 1_700_000_000 + s * 0.05 + r),
    };
  });
}

export function sampleDocument(lang: ReportLang = 'en', runs = 4, points = 2000): ReportDocument {
  const zh = lang === 'zh-CN';
  const series = sampleSeries(runs, points);
  const curves = series.map((s, i) => {
    const thin = lttb(s.steps, s.values, 500);
    return { id: `run-${i + 1}`, label: s.label, x: thin.x, y: thin.y, colorIndex: i };
  });
  const option = metricCurvesOption({ curves, smoothing: 0.6, logY: false, names: { x: zh ? '步数' : 'step', y: 'train/loss' }, theme: chartTheme('light') });
  return {
    title: zh ? '报告：BERT 与 GPT 对比' : 'Report: BERT vs GPT',
    subtitle: zh ? '实验 1 · 4 个运行' : 'Experiment 1 · 4 runs',
    lang,
    generatedAt: '2026-12-04T12:00:00.000Z',
    generator: 'Attention Lab 0.1.0',
    words: {
      fullData: zh ? '完整数据 (CSV)' : 'Full data (CSV)',
      fullDataNote: zh ? '所有数据点' : 'every point',
      chartNeedsScript: zh ? '图表需要 JavaScript。' : 'Charts need JavaScript.',
      figure: zh ? '图' : 'Figure',
      table: zh ? '表' : 'Table',
      page: zh ? '页' : 'page',
      of: '/',
    },
    sections: [
      { id: 'summary', title: zh ? '摘要' : 'Summary', blocks: [
        { kind: 'paragraph', text: zh ? '在 tinyshakespeare 上比较 GPT 与 BERT。' : 'GPT vs BERT on tinyshakespeare, 100% matched budgets & 5 < 6 seeds.' },
        { kind: 'notice', text: zh ? '运行 7 已被删除。' : 'Run 7 was deleted; the report keeps the rest.' },
      ] },
      { id: 'setup', title: zh ? '设置' : 'Setup', blocks: [{ kind: 'facts', items: [['Dataset', 'tinyshakespeare (1.1 MB, sha256 abc…)'], ['Tokenizer', 'bpe 512'], ['Backend', 'native-avx2']] }] },
      { id: 'curves', title: zh ? '曲线' : 'Curves', blocks: [{ kind: 'chart', chart: { id: 'train-loss-step', title: 'train/loss', option: option as Record<string, unknown>, width: 900, height: 360, caption: 'EMA 0.6', full: series.map((s) => ({ label: s.label, key: 'train/loss', steps: s.steps, values: s.values, times: s.times })) } }] },
      { id: 'comparison', title: zh ? '对比表' : 'Comparison', blocks: [{ kind: 'table', table: {
        columns: [zh ? '指标' : 'Measure', 'GPT', 'BERT', zh ? '结论' : 'Verdict'],
        align: ['l', 'r', 'r', 'l'],
        rows: [
          ['Fill in the blank: top-1', '21.0% ± 1.2%', '38.5% ± 0.9%', 'BERT did better by 17.5 points.'],
          ['Perplexity | pseudo', '12.31', '4.02', zh ? 'BERT 更好。' : 'BERT did better by 8.29 (67% of GPT\'s figure), 3.06×.'],
        ],
      } }] },
      { id: 'notes', title: zh ? '笔记' : 'Notes', blocks: [{ kind: 'markdown', markdown: '## Findings\n\n- **BERT** fills blanks better\n- <script>alert(1)</script> stays text\n\n![remote](https://example.com/x.png)' }] },
      { id: 'reproduce', title: zh ? '复现' : 'Reproduce', blocks: [{ kind: 'code', language: 'sh', code: 'npx attention-lab compare --dataset shakespeare --preset tiny --steps 300 --seeds 2' }] },
    ],
  };
}
