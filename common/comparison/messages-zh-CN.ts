// 简体中文: the BERT-vs-GPT comparison table's words; same keys as messages-en.ts (checked by its type).
import type { ComparisonMessages } from './messages-en';

const comparisonZhCN: ComparisonMessages = {
  rows: {
    about: { objective: '训练目标', predicts: '预测什么', direction: '输入方向', architecture: '架构' },
    fill: {
      token: { top1: '完形填空：单个词元，top-1 准确率', top5: '完形填空：单个词元，top-5 准确率' },
      word: { top1: '完形填空：整词（其全部词元），完全一致' },
    },
    continue: { next: '续写文本：下一个词元准确率（仅左侧上下文）', perplexity: '困惑度：GPT 下一词元 vs BERT 伪困惑度' },
    cost: { parameters: '成本：参数量', tokens_per_s: '成本：训练吞吐量（词元/秒）', wall: '成本：训练耗时', memory: '成本：工作进程内存峰值（RSS）' },
    summary: { strengths: '优势（来自以上数字）' },
  },
  short: {
    fill: { token: { top1: '单词元填空（top-1）', top5: '单词元填空（top-5）' }, word: { top1: '整词填空' } },
    continue: { next: '从左侧预测下一个词元', perplexity: '困惑度' },
  },
  about: {
    objective: { gpt: '自回归语言建模（预测下一个词元）', bert: '掩码语言建模（自编码：根据两侧的内容预测被遮住的词元）', rnn: '自回归语言建模，与 GPT 相同（预测下一个词元）' },
    predicts: { gpt: '每一个下一词元，依据它之前的词元', bert: '只预测被遮住的词元，依据它周围的全部内容', rnn: '每一个下一词元，依据它之前的词元' },
    direction: { gpt: '从左到右（因果注意力掩码）', bert: '双向（每个词元都能看到其他所有词元）', rnn: '从左到右，一次一个词元：读过的全部内容都保存在隐藏状态中，没有注意力' },
    architecture: {
      gpt: '仅解码器 Transformer：{layers} 层 × {heads} 个头，d_model {dModel}，上下文 {context}，{norm}-LN；输出层与嵌入共享权重',
      bert: '仅编码器 Transformer：{layers} 层 × {heads} 个头，d_model {dModel}，上下文 {context}，{norm}-LN；MLM 头（全连接 + GELU + LN），解码器与嵌入共享权重',
      gru: 'GRU 语言模型：{layers} 层 × {hidden} 个单元，嵌入 {embed}，按 {context} 个词元的窗口训练；线性输出层',
      lstm: 'LSTM 语言模型：{layers} 层 × {hidden} 个单元，嵌入 {embed}，按 {context} 个词元的窗口训练；线性输出层',
    },
  },
  figures: 'GPT {gpt}，BERT {bert}',
  figuresOverSeeds: 'GPT {gpt}，BERT {bert}（{n} 个种子的均值 ± 标准差）',
  verdict: {
    design: '设计上的性质，不做测量。',
    unmeasured: '两个模型未都测得此项，因此没有结论。',
    tie: '没有明显差别：{figures}。',
    tieSpread: '没有明显差别：{figures}；差距在种子间波动范围之内。',
    better: '{winner} 更好，领先 {by}：{figures}。',
    incomparable: '不分胜负：{figures} 是不同的量。',
    summary: '在这份数据上，完形填空占优的是 {fill}，续写文本占优的是 {next}；在测得的质量指标中 GPT 胜出 {gptWins} 项，BERT 胜出 {bertWins} 项。',
  },
  by: {
    points: '{n} 个百分点',
    relative: '{gap}（为 {loser} 数值的 {percent}%）',
    ratio: '{by}，{ratio} 倍',
  },
  strengths: { some: '测得更好的方面：{list}', none: '在这里测得的任务中没有占优的', separator: '；' },
  name: { gpt: 'GPT', bert: 'BERT', gru: 'GRU', lstm: 'LSTM', neither: '两者都不' },
  rnn: {
    column: '{rnn} 对比 GPT',
    figures: '{rnn} {value}，GPT {gpt}',
    unmeasured: '两者未都测得此项，因此没有结论。',
    tie: '没有明显差别（{figures}）。',
    tieSpread: '没有明显差别（{figures}）；在种子间波动范围之内。',
    better: '{winner} 更好，领先 {by}（{figures}）。',
  },
  baseline: {
    column: '一元基线',
    hint: '总是预测训练集中出现最多的词元（{token}），在相同的空位和窗口上评分。',
    below: '没有超过一元基线',
  },
  notes: {
    oneSeed: '只有一个随机种子：没有波动范围可以用来判断差距，因此所有结论都只是暂定的。运行 3 个或更多种子才能确定。',
    belowBaseline: '{name} 还没有超过一元基线（{rows}）：它学到的几乎只是每个词元出现的频率。请先训练更久或换一个学习率，再看它的结论。',
    learningRate: '{name} 的学习率为 {lr}。',
    learningRateSwept: '{name} 的学习率为 {lr}，是 {steps} 步扫描中最好的一个（{trials}）{edge}。',
    edge: '；它位于所试范围的边缘，最佳学习率可能在范围之外',
  },
  caveat: {
    pseudoPerplexity: 'BERT 的伪困惑度能看到每个词元两侧的内容，因此与 GPT 的困惑度不是同一个量。',
    backends: '两个运行使用了不同的计算内核（GPT {gpt}，BERT {bert}），所以这个差距主要来自后端。',
  },
};

export default comparisonZhCN;
