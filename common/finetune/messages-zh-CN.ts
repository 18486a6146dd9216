// 教程中 BERT 与 GPT 对比表的实测版（issue 18）的中文文案：每条论断、每个测得的数字、每个结论。
const tutorialZh = {
  claims: {
    understanding: '理解：BERT 适合分类等理解任务，微调后分类优于 GPT',
    fewLabels: '预训练 + 微调：少量标注即可取得好效果',
    bidirectional: '双向上下文：BERT 同时读取词的左右两侧，GPT 只读左侧',
    generation: '生成：GPT 生成的文本比 BERT 更连贯',
    objective: '预测目标与训练方式：BERT 自编码（预测被遮盖的词），GPT 自回归（预测下一个词）',
  },
  measures: {
    f1: {
      'bert-pretrained': 'BERT 预训练，每类 {labels} 个标注',
      'gpt-pretrained': 'GPT 预训练，每类 {labels} 个标注',
      'bert-scratch': 'BERT 从零训练，每类 {labels} 个标注',
      'gpt-scratch': 'GPT 从零训练，每类 {labels} 个标注',
      'tfidf-logreg': 'TF-IDF + 逻辑回归，每类 {labels} 个标注',
    },
    fill: {
      bertBoth: 'BERT 填空 top-1，读左右两侧',
      bertLeft: 'BERT 填空 top-1，只读左侧',
      gptLeft: 'GPT 填空 top-1（只读左侧）',
      unigram: '一元基线 top-1（总是猜 {token}）',
      bertSameGuess: 'BERT 读两侧与只读左侧猜出同一个词元的比例',
      bertModalShare: 'BERT（读两侧）猜其最常用词元 {token} 的比例',
    },
    gen: {
      distinct2: {
        gpt: 'GPT 续写的 distinct-2',
        bert: 'BERT 掩码预测续写的 distinct-2',
        reference: '真实文本的 distinct-2',
      },
      degenerate: {
        gpt: 'GPT 退化续写的比例（distinct-2 < {threshold}）',
        bert: 'BERT 退化续写的比例（distinct-2 < {threshold}）',
      },
      bigramNll: {
        gpt: 'GPT 续写在独立二元模型下的 NLL',
        bert: 'BERT 续写在独立二元模型下的 NLL',
        reference: '真实文本在独立二元模型下的 NLL',
      },
    },
    loss: {
      gpt: 'GPT 下一个词的交叉熵',
      bert: 'BERT 被遮盖词的交叉熵（遮盖 {mask}）',
    },
  },
  units: { f1: '宏平均 F1', fraction: '', nats: '奈特' },
  verdict: {
    supports: '支持教程的说法。',
    contradicts: '与教程的说法相反。',
    mixed: '结果不一。',
    noClearDifference: '没有明显差别（在种子间波动范围内）。',
    asBuilt: '按实现如此。',
    undertrained: '不作判断：BERT 训练不足。',
    provisional: '（只有一个种子：结论是暂定的，没有波动可供判断。）',
  },
  detail: {
    understanding: '每类 {labels} 个标注时 BERT − GPT = {gap}（宏平均 F1）；在 {budgets} 个标注预算中，BERT 明显领先的有 {bertWins} 个。',
    fewLabels: '每类 {labels} 个标注时，预训练明显帮助了 2 个模型中的 {helped} 个，明显拖累了 {hurt} 个；明显高于 TF-IDF + 逻辑回归的：{beatBaseline}。',
    bidirectional: '同时读取右侧后，BERT 的 top-1 变化 {gap}（每个种子 {sites} 个空）。',
    generation: '重复度（distinct-2）偏向 {distinct}；预训练文本的二元模型偏向 {nll}。',
    generationDegenerate: 'distinct-2 低于 {threshold} 的续写（同一个词元或一小段循环反复出现）视为退化：二元模型不给它们打分，续写大多退化的模型失去这一票（退化比例：GPT {degenerateGpt}，BERT {degenerateBert}）。',
    bidirectionalUndertrained: 'BERT 读两侧的 top-1（{both}）没有超过总是猜 {unigramToken} 的一元基线（{unigram}）：它在 {modalShare} 的空里都猜 {modalToken}，两种读法的猜测在 {sameGuess} 的空里相同，说明它学到的几乎只有各词元出现的频率。请先把预训练加长（更多步数）再看这一行。',
    objective: 'GPT：每个位置上下一个词的交叉熵。BERT：训练中被遮盖的 {mask} 词元的交叉熵（没有下一句预测；上面的验证损失遮盖 15%）。微调：分类头的交叉熵。',
  },
  recipe: {
    title: '两侧各自的预训练配方',
    gpt: 'GPT：学习率 {lr}，预热 {warmup} 步，共 {steps} 步，每步 {batch} × {context} 个词元；在每个位置预测下一个词元（每步 {targets} 个预测目标）。',
    bert: 'BERT：学习率 {lr}，预热 {warmup} 步，共 {steps} 步，每步 {batch} × {context} 个词元；遮盖 {mask} 的词元，只预测这些词元（每步约 {targets} 个预测目标）。',
    swept: '每个学习率都是在配方学习率附近做短暂扫描后选出的最佳值。',
    whyMasked: 'BERT 的配方为何不同：BERT 只从被遮盖的词元学习，按教科书的 15% 遮盖，每步的预测目标只有 GPT 的 15%，会在一元基线平台上停留更久（在每个空格都猜最常见的词元）。这个预设的配方以学习率 {lr} 遮盖 {mask}，使它的预测目标达到 GPT 的 {ratio}，在测定配方时学得最快。两者读取的词元相同；验证和填空行对两者都遮盖 15%、每次一个词元。',
    whyStandard: '为什么要注意：BERT 只从被遮盖的 {mask} 词元学习（每步的预测目标是 GPT 的 {ratio}），所以比 GPT 更晚离开一元基线平台（在每个空格都猜最常见的词元）；这个预设的几百步可能不够。如果它的填空行显示训练不足，请延长预训练（更多步数）。',
    default: '这是默认设置：BERT 对比 GPT 实验的配方（{preset} 预设、每个学习率都是短暂扫描的最佳值），训练 {steps} 步，是对比实验的三倍。在莎士比亚文本的字节级 BPE 词元上，BERT 大约前 2,000 步都停在一元基线平台上（2,000 步时填空 0.10 对 0.10，两个种子），到 3,000 步时离开（6,000 步时 0.28 对 0.10）；GPT 在 2,000 步时就已超过基线（下一个词元 0.27 对 0.10；见 bench/RESULTS.md，issue 18）。',
    notDefault: '这不是默认设置（{preset} 预设、{steps} 步、每个学习率都是短暂扫描的最佳值）。如果 BERT 的填空行显示训练不足，请延长预训练：在莎士比亚文本的 BPE 词元上，tiny 预设大约需要 3,000 步才能离开一元基线平台。',
  },
  who: { tie: '都不', unmeasured: '未测量', none: '没有', bert: 'BERT', gpt: 'GPT', both: 'BERT 和 GPT' },
};

export default tutorialZh;
