// 让页面对新手易读的中文字符串（issue 14）：词元的写法、热力图的颜色刻度、空图表在等待什么。
export default {
  tokenLegend: '词元的写法：· 表示空格，⏎ 表示换行，⇥ 表示制表符，∅ 表示空片段。',
  heatmapScale: '注意力权重',
  heatmapScaleDiverging: '数值（红为负，蓝为正）',
  heatmapZoom: '缩放：',
  heatmapFit: '适应',
  heatmapZoomHint: '放大后可读出词元标签；鼠标悬停在格子上可看数值。',
  heatmapScrollHint: '可滚动热力图（Shift + 滚轮横向滚动），标签随之移动。',
  positionalNone: '这个模型没有可显示的位置编码（ONNX 模型，或在别处学习位置的模型）。',
  noEvalYet: '{name} 会在第一次评估（第 {step} 步）之后出现。',
  noEvalYetSweep: '{name} 会在学习率扫描和第一次评估（第 {step} 步）之后出现。',
  uncharted: '未绘制（这些运行都没有记录它的任何点）：{list}。',
  editSource: '修改文本或模型 ↑',
};
