// The service's handle on its analysis worker process: started on the first request and reused after, requests
// correlated by id, a crash turned into a sentence for the requests it took down (the next request starts a fresh
// worker), and stopped when the lab closes. The spawn is one injectable function, so Electron forks its bundle.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { LabError } from '../../../common/errors';
import { isAnalysisProgress, isAnalysisReply, type AnalysisRequest, type AnalysisRequestBody, type AnalysisResults } from './protocol';
import { tsxWorkerOptions } from '../tsx-loader';

const ENTRY = fileURLToPath(new URL('./worker.ts', import.meta.url));

export type SpawnAnalysisWorker = () => ChildProcess;

/** Starts the analysis worker: Node with tsx as its TypeScript loader and structured-clone IPC (typed arrays cross as they are). */
export function spawnAnalysisProcess(): ChildProcess {
  return fork(ENTRY, [], {
    ...tsxWorkerOptions(),
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

interface Pending {
  child: ChildProcess;
  /** what the request was doing, for the crash sentence: "analysing run 3 (\"gpt-tiny\")" */
  label: string;
  resolve(result: unknown): void;
  reject(error: Error): void;
  /** progress messages the worker sends before its reply (a projection's frames) */
  onProgress?: (progress: unknown) => void;
}

export class AnalysisWorker {
  private child: ChildProcess | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private closed = false;

  constructor(private readonly spawn: SpawnAnalysisWorker = spawnAnalysisProcess) {}

  /** Sends one request and resolves with the worker's answer; rejects with the worker's LabError, or a crash sentence. */
  request<K extends AnalysisRequestBody['type']>(body: Extract<AnalysisRequestBody, { type: K }>, label: string,
    onProgress?: (progress: unknown) => void): Promise<AnalysisResults[K]> {
    if (this.closed) return Promise.reject(new LabError('unavailable', 'The lab has been closed; start it again to continue.'));
    const child = this.running();
    const id = this.nextId++;
    return new Promise<AnalysisResults[K]>((resolve, reject) => {
      this.pending.set(id, { child, label, resolve: resolve as (r: unknown) => void, reject, onProgress });
      this.holdOpen();
      child.send({ ...body, id } satisfies AnalysisRequest);
    });
  }

  /** Stops the worker; requests still waiting are refused with a sentence. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.reject(new LabError('unavailable', `The lab closed while ${p.label}; open it again and repeat the analysis.`));
    }
    const child = this.child;
    this.child = null;
    if (child !== null && child.exitCode === null && child.signalCode === null) child.kill();
  }

  private running(): ChildProcess {
    if (this.child !== null) return this.child;
    const child = this.spawn();
    this.child = child;
    child.on('message', (raw: unknown) => this.settle(raw));
    // 'close' comes after 'exit' and after the IPC channel has delivered every reply the worker sent
    child.once('close', (code: number | null, signal: NodeJS.Signals | null) => this.stopped(child, code, signal));
    child.on('error', (e: Error) => {
      // a process that never started emits no 'close'
      if (child.pid === undefined) this.stopped(child, null, null, e.message);
      else console.error('The analysis worker reported an error:', e);
    });
    return child;
  }

  private settle(raw: unknown): void {
    if (isAnalysisProgress(raw)) {
      this.pending.get(raw.id)?.onProgress?.(raw.progress);
      return;
    }
    if (!isAnalysisReply(raw)) return;
    const p = this.pending.get(raw.id);
    if (p === undefined) return;
    this.pending.delete(raw.id);
    this.holdOpen();
    if (raw.ok) p.resolve(raw.result);
    // an error that was no LabError is a bug: it reaches the caller as an internal error, its stack in the worker's log
    else p.reject(raw.code === null ? new Error(raw.message) : new LabError(raw.code, raw.message, { field: raw.field }));
  }

  private stopped(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null, failure?: string): void {
    if (this.child === child) this.child = null;
    const how = failure !== undefined ? `it could not start: ${failure}` : signal !== null ? `killed by ${signal}` : `exit code ${code ?? 'unknown'}`;
    if (!this.closed) console.error(`The analysis worker stopped unexpectedly (${how}); the next analysis starts a new one.`);
    for (const [id, p] of this.pending) {
      if (p.child !== child) continue;
      this.pending.delete(id);
      p.reject(new LabError('internal', `The analysis worker stopped unexpectedly (${how}) while ${p.label}; try again.`));
    }
  }

  /** An idle worker must not keep a one-shot CLI process alive; one with requests in flight must. */
  private holdOpen(): void {
    const child = this.child;
    if (child === null) return;
    const busy = [...this.pending.values()].some((p) => p.child === child);
    if (busy) {
      child.ref();
      child.channel?.ref();
    } else {
      child.unref();
      child.channel?.unref();
    }
  }
}
