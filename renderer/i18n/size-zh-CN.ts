// 向导中“自定义模型大小”的中文文案（issue 14）：五个字段、它们的问题、实时估算。
export default {
  custom: '自定义大小…',
  legend: '自定义大小（两个模型相同）',
  fields: { nLayer: '层数', nHead: '注意力头数', dModel: 'd_model', dFF: '前馈层宽度（d_ff）', contextLength: '上下文长度（词元）' },
  range: '{field}为 {value}，但必须是 {min} 到 {max} 之间的整数。',
  missing: '空',
  divisible: 'd_model {dModel} 不能被 {nHead} 个头整除：每个头分到 d_model ÷ 头数 个维度。请选择 {divisors} 个头，或换一个 d_model。',
  recipe: '使用 {preset} 的训练配方（学习率、批大小 {batch}）。',
  estimate: 'GPT {gpt} 个参数，BERT {bert} 个参数；在批大小 {batch} 下训练约需 {gptMemory}（GPT）和 {bertMemory}（BERT），当前空闲内存 {free}。',
  vocabAssumed: '在分词器确定之前，参数量按词表大小 {n} 估算。',
  tooBig: '这个大小训练约需 {need}，但空闲内存只有 {free}：请减少层数、减小 d_model 或缩短上下文。',
  fixFirst: '请先修正自定义大小（字段下方的说明指出了问题）。',
  shown: '自定义：{n} 层 × {heads} 个头，d_model {d}，d_ff {ff}，上下文 {t}',
  legendOne: '自定义大小',
  estimateOne: '{family}：{n} 个参数；在批大小 {batch} 下训练约需 {memory}，当前空闲内存 {free}。',
  estimating: '正在估算…',
};
