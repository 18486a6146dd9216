// Analysis shapes of the API contract: attention views, one head step by step, ONNX inspections.
import { z } from 'zod';
import { Id } from './shared';
import { ModelFamilyName } from './runs';

export const AnalysisToken = z.object({
  id: z.number().int(),
  token: z.string(),
  /** [start, end) in the text; -1 for special tokens the model adds */
  start: z.number().int(),
  end: z.number().int(),
  segment: z.number().int(),
  special: z.boolean(),
  /** the tokenizer had no token for these characters ([UNK]) */
  unknown: z.boolean(),
});

export const AnalysisPrediction = z.object({ id: z.number().int(), token: z.string(), probability: z.number() });

/** The attention of every layer and head on one text, from a run's checkpoint or an imported ONNX model. */
export const AttentionView = z.object({
  source: z.object({
    kind: z.enum(['run', 'onnx']),
    runId: Id.nullable(),
    /** run name or ONNX file name */
    label: z.string(),
    step: z.number().int().nullable(),
  }),
  /** null for a third-party ONNX model */
  family: z.enum(['gpt', 'bert']).nullable(),
  /** GPT: each row sees only itself and the tokens before it */
  causal: z.boolean(),
  tokens: z.array(AnalysisToken),
  L: z.number().int(),
  NH: z.number().int(),
  T: z.number().int(),
  /** (L,NH,T,T) row-major softmax probabilities, 6 significant digits; empty when the model exposes none or when packed */
  attention: z.array(z.number()),
  /** with `packed`: the same (L,NH,T,T) array as base64 of little-endian float32 (a quarter of the JSON, parsed in
   *  milliseconds: what the explorer asks for, so 256+ tokens × many heads never stall the page) */
  attentionPacked: z.string().optional(),
  truncated: z.boolean(),
  /** tokens the input had before truncation */
  fullLength: z.number().int(),
  /** the index, among the text's own tokens, of the first one shown (0 unless a later window was asked for) */
  windowStart: z.number().int(),
  contextLength: z.number().int().nullable(),
  /** special tokens were removed and every remaining row renormalised to sum to 1 */
  specialsHidden: z.boolean(),
  /** per position (after hiding), best first; GPT row t predicts token t+1, BERT row t the token at t; empty without an LM head */
  predictions: z.array(z.array(AnalysisPrediction)),
  /** the model's position table for the T positions used: (T,C) row-major */
  positional: z.object({ kind: z.enum(['sinusoidal', 'learned']), T: z.number().int(), C: z.number().int(), values: z.array(z.number()) }).nullable(),
  /** sentences about what is not shown or was changed (truncation, hidden tokens, no attention outputs) */
  notes: z.array(z.string()),
  /** an imported ONNX model's run: which graph input got what, the outputs it gave, the one read as logits (null: none
   *  looked like an LM head, so `predictions` is empty) and the Softmax outputs stacked as the attention (empty when they
   *  could not be read); absent for a run's checkpoint */
  onnx: z.object({
    feeds: z.array(z.object({ name: z.string(), role: z.enum(['input_ids', 'attention_mask', 'token_type_ids', 'position_ids']) })),
    outputs: z.array(z.object({ name: z.string(), type: z.string(), dims: z.array(z.number().int()) })),
    logitsOutput: z.string().nullable(),
    attentionOutputs: z.array(z.string()),
  }).optional(),
  /** with `retain`: the handle of the (L,NH,T,T) attention the service keeps, for analysis.matrix and
   *  analysis.thumbnails (the attention itself is then not sent: 12 × 12 heads of 512 tokens are 151 MB) */
  key: z.string().optional(),
});

/** What analysis.matrix cuts out of a retained attention tensor. */
export const MatrixKind = z.enum(['head', 'mean', 'rollout', 'queryRows']);

/**
 * One matrix of a retained view, as base64 of little-endian float32, row-major (rows, cols):
 * head — (T,T) of one layer and head; mean — (T,T) mean over the layer's heads; rollout — (T,T) attention rollout
 * through the layer (inclusive); queryRows — (NH,T): row `query` of every head of the layer (what the head view draws).
 */
export const AttentionMatrix = z.object({
  key: z.string(),
  kind: MatrixKind,
  layer: z.number().int(),
  head: z.number().int(),
  query: z.number().int(),
  rows: z.number().int(),
  cols: z.number().int(),
  /** the largest value, for colouring to the matrix's own maximum */
  max: z.number(),
  packed: z.string(),
});

/**
 * Every layer × head of a retained view, each max-pooled to (size,size) (size = min(T, the size asked for)) and
 * quantised to a byte against its own largest weight: base64 of (L,NH,size,size) uint8, layer-major.
 * A pooled cell is the largest weight of its block, so thin patterns (a diagonal, one column) stay visible.
 */
export const AttentionThumbnails = z.object({
  key: z.string(),
  L: z.number().int(),
  NH: z.number().int(),
  T: z.number().int(),
  size: z.number().int(),
  causal: z.boolean(),
  /** (L*NH) the largest weight of each map, which byte 255 stands for */
  maxima: z.array(z.number()),
  packed: z.string(),
});

/** Scaled dot-product attention of one head for one query token, with the model's actual numbers. */
export const HeadSteps = z.object({
  layer: z.number().int(),
  head: z.number().int(),
  query: z.number().int(),
  dHead: z.number().int(),
  tokens: z.array(AnalysisToken),
  /** q of the query token (dHead) */
  q: z.array(z.number()),
  /** k and v of every token: T rows of dHead */
  keys: z.array(z.array(z.number())),
  values: z.array(z.array(z.number())),
  /** q·k_j for every key j */
  scores: z.array(z.number()),
  /** ÷ √d_k */
  scaled: z.array(z.number()),
  /** after the mask: null where the key is hidden (−∞: a later token under GPT's causal mask) */
  masked: z.array(z.number().nullable()),
  /** softmax of the masked scores */
  weights: z.array(z.number()),
  /** Σ_j weights_j · v_j (dHead) */
  output: z.array(z.number()),
  /** largest |weights − the model's own attention row|: the step-by-step numbers reproduce the forward pass */
  checkDifference: z.number(),
});

export const OnnxTensorInfo = z.object({ name: z.string(), type: z.string(), shape: z.array(z.union([z.number(), z.string()])).nullable() });

export const OnnxInspection = z.object({
  path: z.string(),
  irVersion: z.number().int(),
  opset: z.number().int().nullable(),
  producer: z.string(),
  graphName: z.string(),
  family: z.enum(['gpt', 'bert']).nullable(),
  inputs: z.array(OnnxTensorInfo),
  outputs: z.array(OnnxTensorInfo),
  /** metadata keys with short values (long ones such as the tokenizer are summarised, unless `wholeMetadata` was asked) */
  metadata: z.record(z.string(), z.string()),
  nodeCount: z.number().int(),
  operators: z.record(z.string(), z.number()),
  /** Softmax outputs found to be attention patterns (made extra outputs when run) */
  attentionOutputs: z.array(z.string()),
  hasTokenizer: z.boolean(),
});

export const AttentionInput = {
  text: z.string().max(100_000, 'The text must be at most 100,000 characters.'),
  /** too long for the context: show one context-sized window of it and say so, or refuse */
  window: z.enum(['truncate', 'error']).default('truncate'),
  /** with truncate: the text's token where the window begins (0 = its start; moved back to keep the window full) */
  start: z.number().int('The window start must be a whole number of tokens.').min(0, 'The window start must be 0 or more tokens.').default(0),
  hideSpecial: z.boolean().default(false),
  topK: z.number().int().min(1).max(20).default(5),
  /** send the attention as attentionPacked (base64 float32) instead of a number array */
  packed: z.boolean().default(false),
  /** keep the attention in the service and answer with its `key` and no attention (what the explorer asks for: it
   *  then fetches only the matrices it draws, through analysis.matrix and analysis.thumbnails) */
  retain: z.boolean().default(false),
};

export const MatrixInput = {
  key: z.string().min(1, 'Give the key of an analysed view (analysis.attention with retain).'),
  kind: MatrixKind.default('head'),
  layer: z.number().int().min(0),
  head: z.number().int().min(0).default(0),
  /** queryRows only: the query token's position */
  query: z.number().int().min(0).default(0),
};

export const ThumbnailsInput = {
  key: MatrixInput.key,
  /** the longest side of a pooled map */
  size: z.number().int().min(4).max(256).default(64),
};

/** An ONNX export's parity check by default: the tolerance for logits and attention, on one line of Hamlet. */
export const EXPORT_CHECK = { tolerance: 1e-4, text: 'To be, or not to be, that is the question.' } as const;

/**
 * Which checkpoint an analysis channel opens: a run's (`runId`, at `step`, default its newest), or a folder outside the
 * lab (`checkpoint`: a folder holding model.safetensors, or a run folder with step-<n> folders; absolute, as the CLI sends).
 */
const CheckpointChoice = {
  runId: Id.optional(),
  checkpoint: z.string().min(1, 'Give the path of a checkpoint folder.').optional(),
  step: z.number().int().min(0).optional(),
};
const oneSource = (v: { runId?: number; checkpoint?: string }): boolean => (v.runId === undefined) !== (v.checkpoint === undefined);
const SOURCE_MESSAGE = { message: 'Say which model to open: a runId or a checkpoint folder, not both.', path: ['runId'] };

// ---------- channels ----------
/** The analysis.* channels: attention of runs and imported ONNX models, ONNX export. */
export const analysisChannels = {
  'analysis.checkpoints': {
    input: z.object({ runId: Id }).strict(),
    output: z.object({
      runId: Id,
      name: z.string(),
      family: ModelFamilyName,
      /** oldest first; path relative to the lab home */
      checkpoints: z.array(z.object({ step: z.number().int(), path: z.string() })),
    }),
  },
  'analysis.attention': {
    input: z.object({ ...CheckpointChoice, pair: z.string().max(100_000).optional(), ...AttentionInput }).strict().refine(oneSource, SOURCE_MESSAGE),
    output: AttentionView,
  },
  'analysis.headSteps': {
    input: z.object({
      ...CheckpointChoice,
      text: AttentionInput.text,
      pair: z.string().max(100_000).optional(),
      window: AttentionInput.window,
      start: AttentionInput.start,
      layer: z.number().int().min(0),
      head: z.number().int().min(0),
      /** the query token's position in the model's sequence (specials included) */
      query: z.number().int().min(0),
    }).strict().refine(oneSource, SOURCE_MESSAGE),
    output: HeadSteps,
  },
  'analysis.onnxInspect': {
    input: z.object({
      path: z.string().min(1, 'Give the path of an .onnx file.'),
      /** every metadata value whole (the CLI's --json), not only the short ones: the tokenizer and config are long JSON texts */
      wholeMetadata: z.boolean().default(false),
    }).strict(),
    output: OnnxInspection,
  },
  'analysis.onnxRun': {
    input: z.object({
      path: z.string().min(1, 'Give the path of an .onnx file.'), ...AttentionInput,
      /** a tokenizer.json to use even when the model carries one (default: the model's own, else tokenizer.json beside it) */
      tokenizer: z.string().min(1, 'Give the path of a tokenizer.json file.').optional(),
      /** onnxruntime's threads (default: the lab's kernel thread count) */
      threads: z.number().optional(), // checked where the session opens, whose sentence quotes the value
    }).strict(),
    output: AttentionView,
  },
  'analysis.exportOnnx': {
    input: z.object({
      ...CheckpointChoice, path: z.string().min(1).optional(), force: z.boolean().optional(),
      /** run this text through onnxruntime on the written file and through the native forward; a file that differs by more
       *  than `tolerance` (logits or attention) is removed and the call fails */
      check: z.boolean().default(false),
      tolerance: z.number().min(0, 'The tolerance must be a number of at least 0.').default(EXPORT_CHECK.tolerance),
      checkText: z.string().min(1).max(100_000).default(EXPORT_CHECK.text),
    }).strict().refine(oneSource, SOURCE_MESSAGE),
    output: z.object({
      path: z.string(), bytes: z.number(), sha256: z.string(), opset: z.number().int(), step: z.number().int(), inputs: z.array(z.string()), outputs: z.array(z.string()),
      family: z.enum(['gpt', 'bert']),
      /** the checkpoint folder read */
      checkpoint: z.string(),
      /** with `check`: the largest |Δ| of each output family over `tokens` tokens */
      parity: z.object({ tokens: z.number().int(), logits: z.number(), attention: z.number(), hidden: z.number(), ok: z.boolean() }).nullable(),
    }),
  },
  /** one matrix of a view analysed with `retain` (the page fetches what it draws, ~1 MB at 512 tokens) */
  'analysis.matrix': { input: z.object(MatrixInput).strict(), output: AttentionMatrix },
  /** the model view's maps of a view analysed with `retain`, pooled small (144 maps of 64 × 64 bytes: 590 KB) */
  'analysis.thumbnails': { input: z.object(ThumbnailsInput).strict(), output: AttentionThumbnails },
} as const;
