// The job worker's entry point, run in its own child process: waits for a 'start' command (a training job, whose
// messages it relays) or a 'task' command (a one-shot job of tasks.ts, e.g. measuring a comparison), reports the
// outcome, and exits. A crash here (a kernel segfault, SIGKILL) ends only this process.
import { isLabError } from '../../common/errors';
import { TASKS, type TaskKind } from './tasks';
import { ParentGone } from './train/protocol';
import { runTrainingJob } from './training-jobs';
import { WORKER_HEARTBEAT_MS, type WorkerCommand, type WorkerReport } from './worker-protocol';

// The parent at start. Once it is killed this process is re-parented (to init or a subreaper): process.ppid reads the
// live value, so a job can tell mid-step — before the IPC channel's close is even delivered — that nobody will record
// what it writes.
const parentPid = process.ppid;
const parentGone = (): boolean => process.ppid !== parentPid;

// A send that fails because the parent was killed mid-step (EPIPE: the channel still looked connected) ends this
// process quietly — an unhandled 'error' event would print a stack trace into the killed command's terminal.
const send = (report: WorkerReport): void => {
  if (!process.connected) return;
  process.send?.(report, undefined, undefined, (e: Error | null) => {
    if (e !== null && parentGone()) process.exit(0);
    if (e !== null) console.error('A worker report could not be sent:', e.message);
  });
};

let stopRequested = false;
let started = false;
let finished = false;
let peakRss = 0;

function beat(): void {
  const rss = process.memoryUsage.rss();
  peakRss = Math.max(peakRss, rss);
  send({ type: 'heartbeat', rss, time: Date.now() / 1000 });
}

async function run(command: Extract<WorkerCommand, { type: 'start' }>): Promise<void> {
  // Ctrl+C in a terminal reaches the whole foreground process group, this worker too: a training job takes it as the
  // stop its parent will also ask for (finish the step, save a resumable checkpoint) instead of dying mid-step. One-shot
  // tasks keep the default and end at once.
  process.on('SIGINT', () => {
    stopRequested = true;
  });
  beat();
  const timer = setInterval(beat, WORKER_HEARTBEAT_MS);
  try {
    const result = await runTrainingJob(command.job, {
      post: (message) => {
        // memory is sampled with each step too, so a short run still reports its peak
        if (message.type === 'step') peakRss = Math.max(peakRss, process.memoryUsage.rss());
        send({ type: 'job', message });
      },
      shouldStop: () => stopRequested,
      parentGone,
    });
    send({ type: 'result', result, peakRss: Math.max(peakRss, process.memoryUsage.rss()) });
  } catch (e) {
    // the parent was killed: no checkpoint was written, and there is no one to tell
    if (e instanceof ParentGone) process.exit(0);
    send({ type: 'error', message: e instanceof Error ? e.message : String(e), labError: isLabError(e) });
  } finally {
    finished = true;
    clearInterval(timer);
    // leave once the IPC queue has drained, so the result is not lost behind the exit
    if (process.connected) process.disconnect();
  }
}

async function task(command: Extract<WorkerCommand, { type: 'task' }>): Promise<void> {
  try {
    const body = TASKS[command.kind] as ((input: unknown) => unknown) | undefined;
    if (body === undefined) throw new Error(`This worker has no task called ${JSON.stringify(command.kind satisfies TaskKind)}.`);
    send({ type: 'done', output: await body(command.input) });
  } catch (e) {
    send({ type: 'error', message: e instanceof Error ? e.message : String(e), labError: isLabError(e) });
  } finally {
    finished = true;
    if (process.connected) process.disconnect();
  }
}

process.on('message', (raw: unknown) => {
  const command = raw as WorkerCommand;
  if (command.type === 'start' && !started) {
    started = true;
    void run(command);
  } else if (command.type === 'task' && !started) {
    started = true;
    // not inside the message handler: disconnecting there pulls the IPC channel from under Node's own read loop
    setImmediate(() => void task(command));
  } else if (command.type === 'stop' || command.type === 'pause') {
    stopRequested = true;
  }
});

// The parent going away (killed; a lab that closes kills its workers itself) must not leave an orphan training on the
// CPU, nor let it write a stop checkpoint into a run that a resume elsewhere may own by now: it exits at once. The
// disconnect this process makes itself after reporting (finished) is left to end it normally.
process.on('disconnect', () => {
  if (!finished) process.exit(0);
});
