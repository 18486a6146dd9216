// The analysis worker's entry point, a long-lived child process: answers analysis requests one at a time, in the
// order they came, keeping loaded models and retained views between them. A crash here (a kernel segfault, running
// out of memory) ends only this process; the service starts a new one on the next call.
import { AnalysisEngine } from './engine';
import { isLabError } from '../../../common/errors';
import type { AnalysisProgress, AnalysisReply, AnalysisRequest, AnalysisResults } from './protocol';
import { ProjectorHost } from '../projector/host';

const engine = new AnalysisEngine();
let projector: ProjectorHost | null = null;

async function answer(request: AnalysisRequest): Promise<AnalysisResults[keyof AnalysisResults]> {
  switch (request.type) {
    case 'attention': return engine.attention(request.checkpoint, request.input);
    case 'headSteps': return engine.headSteps(request.checkpoint, request.input);
    case 'onnxRun': return engine.onnxRun(request.path, request.stamp, request.input);
    case 'exportOnnx': return engine.exportOnnx(request.checkpoint, request.out, request.check);
    case 'fill': return engine.fill(request.checkpoints, request.text, request.topK);
    case 'continue': return engine.continue(request.checkpoints, request.request);
    case 'matrix': return engine.matrix(request.input);
    case 'thumbnails': return engine.thumbnails(request.input);
    case 'projector': return (projector ??= new ProjectorHost()).answer(request.op, (frame) => {
      if (process.connected) process.send?.({ id: request.id, progress: frame } satisfies AnalysisProgress);
    });
  }
}

async function handle(request: AnalysisRequest): Promise<void> {
  let reply: AnalysisReply;
  try {
    reply = { id: request.id, ok: true, result: await answer(request) };
  } catch (e) {
    if (!isLabError(e)) console.error(`The analysis worker failed on a ${request.type} request:`, e);
    reply = isLabError(e)
      ? { id: request.id, ok: false, message: e.message, code: e.code, ...(e.field === undefined ? {} : { field: e.field }) }
      : { id: request.id, ok: false, message: e instanceof Error ? e.message : String(e), code: null };
  }
  if (process.connected) process.send?.(reply);
}

// one at a time: inference reuses each model's activation buffers, and the retained views are not shared safely
let queue: Promise<void> = Promise.resolve();

process.on('message', (raw: unknown) => {
  const request = raw as AnalysisRequest;
  // projector requests run beside the queue: a projection yields between its frames, and its stop must get through
  if (request.type === 'projector') void handle(request);
  else queue = queue.then(() => handle(request));
});

// The parent going away (lab closed, app killed) ends the worker: nothing here outlives the service it answers.
process.on('disconnect', () => {
  engine.close();
  process.exit(0);
});
