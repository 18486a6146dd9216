// The attention explorer's service: a run's checkpoints, attention of every layer and head on a text (sent whole, or
// retained under a key so the page fetches one matrix at a time), one head's scaled dot-product step by step, and
// imported ONNX models (inspect, run) and ONNX export of a run. The store lookups happen here; loading, inference and
// the retained views live in the analysis worker process, so a long analysis never stalls the app or the server.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { ChannelArgs, ChannelOutput } from '../../../common/api';
import { AnalysisWorker, type SpawnAnalysisWorker } from '../../jobs/analysis/client';
import type { AttentionReply, CheckpointRef, CheckpointSource } from '../../jobs/analysis/protocol';
import { decodeOnnx, describeOnnx } from '../../onnx/inspect';
import { rounded } from '../../ml/attention-math';
import type { LabContext } from '../app/context';
import { LabError } from '../../../common/errors';
import type { RunService } from '../runs/service';
import { exportTarget } from '../app/export-target';
import { checkpointList, folderCheckpoint, runCheckpoint } from '../runs/checkpoints';
import { checkPathText } from '../../../common/path-text';

export { dotProductSteps, hideTokens, looksCausal, sig6 } from '../../ml/attention-math';

type View = ChannelOutput<'analysis.attention'>;

function base64Of(a: Float32Array | Uint8Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

/** The API's view from the worker's: attention as numbers, as base64 float32 (packed) or not at all (retained). */
function edgeView(reply: AttentionReply, packed: boolean): View {
  const { view, attention, positional } = reply;
  return {
    ...view,
    attention: attention === null || packed ? [] : rounded(attention),
    ...(attention !== null && packed ? { attentionPacked: base64Of(attention) } : {}),
    positional: view.positional === null ? null : { ...view.positional, values: positional === null ? [] : rounded(positional) },
  };
}

export interface AnalysisServiceOptions {
  /** how the analysis worker process is started (Electron forks its bundled entry); default: Node with tsx */
  spawn?: SpawnAnalysisWorker;
}

export class AnalysisService {
  /** the analysis worker process; the projector service sends its requests through it too */
  readonly worker: AnalysisWorker;

  constructor(private readonly ctx: LabContext, private readonly runs: RunService, options: AnalysisServiceOptions = {}) {
    this.worker = new AnalysisWorker(options.spawn);
  }

  /** Stops the analysis worker (the lab is closing). */
  close(): void {
    this.worker.close();
  }

  async checkpoints(input: ChannelArgs<'analysis.checkpoints'>): Promise<ChannelOutput<'analysis.checkpoints'>> {
    const run = this.runs.run(input.runId);
    return { runId: run.id, name: run.name, family: run.family, checkpoints: checkpointList(this.ctx, run.id) };
  }

  /**
   * The checkpoint a channel names: a run's at a step (default: its latest), with the model file's mtime
   * (lab/runs/checkpoints.ts), or a folder outside the lab.
   */
  private checkpoint(input: { runId?: number; checkpoint?: string; step?: number }): CheckpointSource {
    return input.checkpoint !== undefined ? folderCheckpoint(input.checkpoint, input.step) : runCheckpoint(this.ctx, input.runId as number, 'analysis', input.step);
  }

  async attention(input: ChannelArgs<'analysis.attention'>): Promise<View> {
    const checkpoint = this.checkpoint(input);
    const reply = await this.worker.request({ type: 'attention', checkpoint, input }, `analysing ${named(checkpoint)}`);
    return edgeView(reply, input.packed);
  }

  async headSteps(input: ChannelArgs<'analysis.headSteps'>): Promise<ChannelOutput<'analysis.headSteps'>> {
    const checkpoint = this.checkpoint(input);
    return this.worker.request({ type: 'headSteps', checkpoint, input }, `stepping through a head of ${named(checkpoint)}`);
  }

  async matrix(input: ChannelArgs<'analysis.matrix'>): Promise<ChannelOutput<'analysis.matrix'>> {
    const { values, ...cut } = await this.worker.request({ type: 'matrix', input }, `cutting a ${input.kind} matrix from the view "${input.key}"`);
    return { ...cut, packed: base64Of(values) };
  }

  async thumbnails(input: ChannelArgs<'analysis.thumbnails'>): Promise<ChannelOutput<'analysis.thumbnails'>> {
    const { bytes, ...pooled } = await this.worker.request({ type: 'thumbnails', input }, `pooling the thumbnails of the view "${input.key}"`);
    return { ...pooled, packed: base64Of(bytes) };
  }

  private onnxPath(path: string): string {
    const full = resolve(checkPathText(path, { what: 'The ONNX file' }));
    if (!existsSync(full) || !statSync(full).isFile()) {
      throw new LabError('not_found', `There is no ONNX file at "${full}"; check the path (it must name an .onnx file, not a folder).`, { field: 'path' });
    }
    return full;
  }

  async onnxInspect(input: ChannelArgs<'analysis.onnxInspect'>): Promise<ChannelOutput<'analysis.onnxInspect'>> {
    const path = this.onnxPath(input.path);
    const d = describeOnnx(decodeOnnx(readFileSync(path), basename(path)));
    const metadata = input.wholeMetadata ? d.metadata
      : Object.fromEntries(Object.entries(d.metadata).map(([k, v]) => [k, v.length > 200 ? `(${v.length} characters)` : v]));
    const family = d.metadata.family === 'gpt' || d.metadata.family === 'bert' ? d.metadata.family : null;
    return {
      path, irVersion: d.irVersion, opset: d.opset, producer: d.producer, graphName: d.graphName, family, inputs: d.inputs, outputs: d.outputs, metadata,
      nodeCount: d.nodeCount, operators: d.operators, attentionOutputs: d.attention,
      hasTokenizer: d.metadata.tokenizer !== undefined || existsSync(join(dirname(path), 'tokenizer.json')),
    };
  }

  /** Imported models run in the worker too: their retained views must live where analysis.matrix cuts them. */
  async onnxRun(input: ChannelArgs<'analysis.onnxRun'>): Promise<View> {
    const path = this.onnxPath(input.path);
    const tokenizer = input.tokenizer === undefined ? undefined : resolve(input.tokenizer);
    const request = { type: 'onnxRun' as const, path, stamp: statSync(path).mtimeMs, input: { ...input, tokenizer } };
    const reply = await this.worker.request(request, `running the ONNX model ${basename(path)}`);
    return edgeView(reply, input.packed);
  }

  async exportOnnx(input: ChannelArgs<'analysis.exportOnnx'>): Promise<ChannelOutput<'analysis.exportOnnx'>> {
    const checkpoint = this.checkpoint(input);
    const stem = checkpoint.runId === null ? basename(checkpoint.dir) : `run-${checkpoint.runId}-step-${checkpoint.step}`;
    const out = exportTarget(this.ctx.home, input.path, { stem, ext: '.onnx' }, input.force === true);
    const check = input.check ? { text: input.checkText, tolerance: input.tolerance } : null;
    const info = await this.worker.request({ type: 'exportOnnx', checkpoint, out, check }, `exporting ${named(checkpoint)} to ONNX`);
    // a folder outside the lab belongs to no run: nothing to record it on
    if (checkpoint.runId !== null) {
      this.runs.addArtifact(checkpoint.runId, {
        kind: 'onnx', path: relative(this.ctx.home, out), sha256: info.sha256, bytes: info.bytes, step: info.step,
        meta: { opset: info.opset, inputs: info.inputs, outputs: info.outputs, absolutePath: out },
      });
    }
    return { ...info, checkpoint: checkpoint.dir };
  }

  // ---------- probes: each run's checkpoint answers in the worker (ml/probes.ts), never in this process ----------

  async probeFill(input: ChannelArgs<'probe.fill'>): Promise<ChannelOutput<'probe.fill'>> {
    if (!input.text.includes('[MASK]')) {
      const shown = JSON.stringify(input.text.length > 60 ? `${input.text.slice(0, 57)}…` : input.text);
      throw new LabError('invalid_input', `The text ${shown} has no [MASK]; write [MASK] where a token should be predicted.`, { field: 'text' });
    }
    const checkpoints = input.runIds.map((id) => runCheckpoint(this.ctx, id, 'fill', input.step));
    return this.worker.request({ type: 'fill', checkpoints, text: input.text, topK: input.topK }, `filling blanks with ${described(checkpoints)}`);
  }

  async probeContinue(input: ChannelArgs<'probe.continue'>): Promise<ChannelOutput<'probe.continue'>> {
    const { runIds, step, ...request } = input;
    const checkpoints = runIds.map((id) => runCheckpoint(this.ctx, id, 'continue', step));
    return this.worker.request({ type: 'continue', checkpoints, request }, `continuing a prompt with ${described(checkpoints)}`);
  }
}

/** A checkpoint for the worker's crash sentence: 'run 3 ("gpt-tiny")', or the folder read. */
function named(c: CheckpointSource): string {
  return c.runId === null ? `the checkpoint ${c.dir}` : `run ${c.runId} ("${c.runName}")`;
}

/** The runs of a request, for the worker's crash sentence: 'run 3 ("gpt-tiny"), run 4 ("bert-tiny")'. */
function described(checkpoints: CheckpointRef[]): string {
  return checkpoints.map(named).join(', ');
}
