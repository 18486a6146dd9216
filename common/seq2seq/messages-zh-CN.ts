// 序列到序列实验的中文文案（变体与指标名称、结论句子）；界面（vue-i18n，`seq2seq.` 之下）与英文版一一对应。
import type seq2seqEn from './messages-en';

const seq2seqZhCN: typeof seq2seqEn = {
  variants: {
    none: 'RNN，无注意力', dot: 'RNN + 点积', general: 'RNN + 一般式（x W y）', concat: 'RNN + 拼接式（Bahdanau）',
    scaled: 'RNN + 缩放点积', location: 'RNN + 位置式（Luong）', transformer: 'Transformer', attention: '最佳对齐函数',
  },
  metrics: { exactMatch: '完全匹配率', tokenAccuracy: '词元准确率', bleu: 'BLEU', chrf: 'chrF' },
  verdicts: {
    falls: '{variant}：{metric} 从 {firstLo}–{firstHi} 个词元的输入上的 {first} 降到 {lastLo}–{lastHi} 个词元的输入上的 {last}。',
    holds: '{variant}：输入变长时 {metric} 保持住了（{firstLo}–{firstHi} 个词元为 {first}，{lastLo}–{lastHi} 个词元为 {last}）。',
    attentionWinsLong: '在最长的输入上（{lo}–{hi} 个词元）注意力胜出：{variant} 的 {metric} 为 {with}，无注意力的 RNN 为 {without}。',
    attentionLosesLong: '在最长的输入上（{lo}–{hi} 个词元）无注意力的 RNN 更好：{metric} 为 {without}，{variant} 为 {with}。',
    attentionTiesLong: '在最长的输入上（{lo}–{hi} 个词元）{variant}（{metric} {with}）与无注意力的 RNN（{without}）之差在各随机种子的波动范围之内。',
    alignmentBest: '最佳对齐函数：{variant}，{metric} 为 {value}，领先 {runnerUp}（{runnerValue}），超出各随机种子的波动范围。',
    alignmentTie: '没有明显最佳的对齐函数：{variant}（{metric} {value}）与 {runnerUp}（{runnerValue}）之差在各随机种子的波动范围之内。',
    fewAlignments: '测得的对齐函数少于两个，无法评出最佳。',
    transformerBetter: 'Transformer 优于带注意力的最佳 RNN（{variant}）：{metric} {transformer} 对 {rnn}。',
    transformerWorse: '带注意力的最佳 RNN（{variant}）优于 Transformer：{metric} {rnn} 对 {transformer}。',
    transformerTie: 'Transformer（{metric} {transformer}）与带注意力的最佳 RNN（{variant}，{rnn}）之差在各随机种子的波动范围之内。',
    cost: '训练最快：{fastest}，每秒 {fastestSpeed} 个目标词元，是最慢的 {slowest}（每秒 {slowestSpeed} 个）的 {ratio} 倍；参数量分别为 {fastestParams} 和 {slowestParams}。',
    unmeasured: '尚未测得：{variant} 没有已完成并测量过的运行。',
    oneBucket: '{variant}：留出数据的输入只落在一个长度区间，无法看出随长度的变化。',
  },
};

export default seq2seqZhCN;
