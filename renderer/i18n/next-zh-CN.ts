// “下一步”链接的中文文案：每个页面都指向接下来通常要做的事（issue 14：不留死路）。
import type nextEn from './next-en';

const nextZhCN: typeof nextEn = {
  title: '下一步：',
  datasetTokenizer: '用它训练分词器',
  datasetSeq2seq: '用这些句对训练编码器-解码器（有无注意力对比）',
  datasetCompare: '在它上面比较 BERT 与 GPT',
  tokenizerCompare: '用它训练 BERT 与 GPT',
  runAttention: '查看它的注意力',
  runProbe: '填空与续写',
  runCompare: '把它的曲线与其他运行比较',
  runRuns: '全部运行',
  noModels: '还没有训练好的模型。注意力浏览器查看的是你训练的模型：先导入数据集，再在上面训练 BERT 与 GPT。',
  openDatasets: '打开数据集',
  newComparison: '新建 BERT 与 GPT 比较',
  experimentRuns: '比较它各次运行的曲线',
};

export default nextZhCN;
