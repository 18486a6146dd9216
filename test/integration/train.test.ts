// Training end to end through the CLI on a small generated text: import → train GPT and BERT → the run, its metrics,
// samples and checkpoint in the store → sample / fill; Ctrl-C stops resumably and the resumed run continues the curve.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { MetricSeriesT, RunDetailT } from '../../common/api';
import { runCli } from '../../main/cli/index';
import type { TrainOutcome } from '../../main/lab/runs/training';
import { openStore } from '../../main/store/db';

const BIN = join(import.meta.dirname, '..', '..', 'main', 'cli', 'bin.mjs');

let home: string;

/** A few KB of simple English in paragraphs: enough structure for a tiny model to learn something in seconds. */
function storyText(): string {
  const subjects = ['the cat', 'a dog', 'the king', 'my friend', 'the old man', 'a young girl'];
  const verbs = ['sees', 'loves', 'finds', 'follows', 'helps', 'calls'];
  const objects = ['the ball', 'a bird', 'the queen', 'her brother', 'the house', 'a tree'];
  let seed = 7;
  const pick = <T>(xs: T[]): T => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return xs[seed % xs.length];
  };
  const paragraphs: string[] = [];
  for (let p = 0; p < 60; p++) {
    const sentences = Array.from({ length: 3 }, () => {
      const s = `${pick(subjects)} ${pick(verbs)} ${pick(objects)}.`;
      return s[0].toUpperCase() + s.slice(1);
    });
    paragraphs.push(sentences.join(' '));
  }
  return paragraphs.join('\n\n');
}

/** code -1 when a signal ended the process itself (then `signal` says which) */
interface Run { code: number; stdout: string; stderr: string; signal?: NodeJS.Signals | null }

/** The CLI in this process: the same path as bin.mjs after tsx, without a process start per call. */
async function cli(...args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['--home', home, ...args], { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, env: { LANG: 'en_US.UTF-8' } });
  return { code, stdout, stderr };
}

function json<T>(run: Run): T {
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as T;
}

/** The real executable as a child process; `onStderr` sees the progress lines as they come. */
function spawnCli(args: string[], onStderr: (text: string, child: ChildProcess) => void = () => {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, '--home', home, ...args], { env: { ...process.env, LANG: 'en_US.UTF-8' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      onStderr(stderr, child);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? -1, signal, stdout, stderr }));
  });
}

/** The pids whose parent is `pid` (from /proc: Linux, where the lab's tests run). */
function childPids(pid: number): number[] {
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).filter((d) => {
    try {
      // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after its last ')'
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
    } catch {
      return false; // gone meanwhile
    }
  }).map(Number);
}

/** Whether `pid` still runs (a zombie nobody has reaped yet has exited). */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

async function series(runId: number, key: string): Promise<MetricSeriesT> {
  const out = json<{ series: MetricSeriesT[] }>(await cli('metrics', String(runId), '--key', key, '--max-points', '100000', '--json'));
  return out.series[0];
}

const SMALL = ['--preset', 'tiny', '--batch-size', '8', '--threads', '2'];

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'lab-train-'));
  writeFileSync(join(home, 'story.txt'), storyText());
  json(await cli('datasets', 'import', join(home, 'story.txt'), '--name', 'story', '--mode', 'paragraphs', '--json'));
});

afterAll(() => {
  rmSync(home, { recursive: true, force: true });
});

describe('train → sample (GPT)', () => {
  let gpt: TrainOutcome;

  it('trains a tiny GPT from the command line: the default split and a char tokenizer are made, the loss falls, all is stored', async () => {
    const run = await spawnCli(['train', '--dataset', 'story', '--model', 'gpt', ...SMALL, '--steps', '60', '--eval-every', '20', '--json']);
    gpt = json<TrainOutcome>(run);
    expect(run.stderr).toContain('had no split, so the default one was made (train 0.9, validation 0.1, test 0, seed 42)');
    expect(run.stderr).toContain('Training a char tokenizer "story-char"');
    expect(run.stderr).toMatch(/step 1\/60 {2}loss \d\.\d{4}/);
    expect(gpt).toMatchObject({ status: 'completed', family: 'gpt', steps: 60, totalSteps: 60, threads: 2, error: null });
    expect(['native-avx2', 'native-portable', 'js']).toContain(gpt.backend);
    // a char model starts near ln(vocab) and a 60-step run on this regular text must fall well below it
    expect(gpt.firstValLoss).toBeGreaterThan(3);
    expect(gpt.lastValLoss).toBeLessThan((gpt.firstValLoss as number) - 1);
    expect(gpt.lastTrainLoss).toBeLessThan(gpt.firstTrainLoss as number);
    expect(gpt.tokensPerSecond).toBeGreaterThan(0);
    expect(existsSync(join(gpt.checkpoint as string, 'model.safetensors'))).toBe(true);
    expect(existsSync(join(gpt.checkpoint as string, 'tokenizer.json'))).toBe(true);

    const detail = json<RunDetailT>(await cli('runs', 'show', String(gpt.runId), '--samples', '100', '--json'));
    expect(detail).toMatchObject({ status: 'completed', step: 60, backend: gpt.backend, threads: 2, tokenizerName: 'story-char', datasetName: 'story' });
    expect(detail.metrics['train/loss'].count).toBe(60);
    expect(detail.metrics['val/loss'].count).toBe(4); // steps 0, 20, 40, 60
    expect(detail.metrics['val/perplexity'].last).toBeCloseTo(Math.exp(detail.metrics['val/loss'].last as number), 6);
    // trained in a job worker like the app's runs, so the worker's memory is recorded beside the training metrics
    expect(Object.keys(detail.metrics).sort()).toEqual(['system/peak_rss_mb', 'system/rss_mb', 'train/grad_norm', 'train/loss', 'train/lr', 'train/tokens_per_s',
      'val/accuracy', 'val/loss', 'val/perplexity']);
    const ckpt = detail.artifacts.find((a) => a.kind === 'checkpoint' && a.step === 60);
    expect(ckpt?.path).toBe(join('runs', String(gpt.runId), 'step-60'));
    expect(ckpt?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(detail.samples.map((s) => s.step)).toEqual([0, 20, 40, 60]);
    expect(new Set(detail.samples.map((s) => s.prompt)).size).toBe(1); // the same question at every evaluation
    expect(detail.samples.every((s) => s.kind === 'continuation' && s.output.length > 0)).toBe(true);
  }, 120_000); // the run trains in a job worker (a process that starts tsx: slow on a loaded machine)

  it('continues a prompt with the trained run, the same seed giving the same text', async () => {
    const a = json<{ continuation: string; step: number; tokens: number }>(await cli('sample', String(gpt.runId), '--prompt', 'The cat', '--max-tokens', '30', '--seed', '3', '--json'));
    const b = json<{ continuation: string }>(await cli('sample', String(gpt.runId), '--prompt', 'The cat', '--max-tokens', '30', '--seed', '3', '--json'));
    expect(a.step).toBe(60);
    expect(a.tokens).toBeGreaterThan(0);
    expect(a.continuation.length).toBeGreaterThan(0);
    expect(b.continuation).toBe(a.continuation);
    const human = await cli('sample', String(gpt.runId), '--prompt', 'The cat', '--max-tokens', '10');
    expect(human.stdout.startsWith('The cat')).toBe(true);
  });

  it('samples from an earlier checkpoint with --step, and names the saved steps when there is none at that step', async () => {
    const detail = json<RunDetailT>(await cli('runs', 'show', String(gpt.runId), '--json'));
    const steps = detail.artifacts.filter((a) => a.kind === 'checkpoint').map((a) => a.step as number).sort((x, y) => x - y);
    const at = json<{ step: number }>(await cli('sample', String(gpt.runId), '--prompt', 'The cat', '--max-tokens', '5', '--step', String(steps[0]), '--json'));
    expect(at.step).toBe(steps[0]);
    const none = await cli('sample', String(gpt.runId), '--prompt', 'The cat', '--step', '7');
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(`has no checkpoint at step 7; it has ${[...new Set(steps)].join(', ')}.`);
  });

  it('refuses to fill masks with a GPT run, and to sample from an unknown run', async () => {
    const fill = await cli('fill', String(gpt.runId), '--text', 'The [MASK] sees');
    expect(fill.code).toBe(1);
    expect(fill.stderr).toContain(`Run ${gpt.runId} ("story-gpt-tiny") is a GPT run, but \`fill\` needs a BERT run`);
    const missing = await cli('sample', '999', '--prompt', 'x');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('There is no run "999"');
  });
});

describe('train → fill (BERT)', () => {
  it('trains a tiny BERT on the same tokenizer and fills masks, refusing text without [MASK] and sample on BERT', async () => {
    const out = json<TrainOutcome>(await cli('train', '--dataset', 'story', '--model', 'bert', ...SMALL, '--steps', '60', '--eval-every', '30', '--json'));
    expect(out).toMatchObject({ status: 'completed', family: 'bert', steps: 60 });
    expect(out.lastValLoss).toBeLessThan(out.firstValLoss as number);
    const detail = json<RunDetailT>(await cli('runs', 'show', String(out.runId), '--json'));
    expect(detail.tokenizerName).toBe('story-char'); // reused, not trained again
    expect(detail.metrics['val/perplexity']).toBeUndefined();
    expect(detail.samples.every((s) => s.kind === 'fill-mask' && s.prompt.includes('[MASK]') && !s.output.includes('[MASK]'))).toBe(true);

    const fill = json<{ filled: string; masks: { candidates: { token: string; probability: number }[] }[] }>(
      await cli('fill', String(out.runId), '--text', 'The cat [MASK]ees the ball.', '--top-k', '3', '--json'));
    expect(fill.masks).toHaveLength(1);
    const probs = fill.masks[0].candidates.map((c) => c.probability);
    expect(probs).toHaveLength(3);
    expect([...probs].sort((x, y) => y - x)).toEqual(probs);
    expect(fill.filled).toBe(`The cat ${fill.masks[0].candidates[0].token}ees the ball.`);
    const atStep = json<{ step: number }>(await cli('fill', String(out.runId), '--text', 'The cat [MASK]ees the ball.', '--step', '60', '--json'));
    expect(atStep.step).toBe(60);

    const noMask = await cli('fill', String(out.runId), '--text', 'The cat sees the ball.');
    expect(noMask.code).toBe(1);
    expect(noMask.stderr).toContain('has no [MASK]');
    const sample = await cli('sample', String(out.runId), '--prompt', 'The');
    expect(sample.code).toBe(1);
    expect(sample.stderr).toContain('is a BERT run, but `sample` needs a GPT run');
  }, 120_000);
});

describe('stop and resume', () => {
  const args = ['train', '--dataset', 'story', '--model', 'gpt', ...SMALL, '--steps', '80', '--eval-every', '40', '--seed', '5'];
  let reference: TrainOutcome;

  it('Ctrl-C finishes the step, keeps the metrics, saves a resumable checkpoint; resume ends on the uninterrupted curve', async () => {
    let sent = false;
    const stopped = await spawnCli([...args, '--name', 'interrupted', '--json'], (err, child) => {
      if (!sent && /step \d+\/80/.test(err)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    // the command itself exits 130 (128 + SIGINT) once it has saved everything, rather than being killed by the signal
    expect(stopped.signal, stopped.stderr).toBeNull();
    expect(stopped.code, stopped.stderr).toBe(130);
    const out = JSON.parse(stopped.stdout) as TrainOutcome;
    expect(out.status).toBe('stopped');
    expect(out.steps).toBeGreaterThan(0);
    expect(out.steps).toBeLessThan(80);
    expect(out.checkpoint).toBe(join(home, 'runs', String(out.runId), `step-${out.steps}`));
    // the store itself, read as the app would read it after the CLI has gone
    const store = openStore(join(home, 'lab.sqlite'), { recover: false });
    const row = store.prepare('SELECT status, step, error FROM runs WHERE id = ?').get(out.runId) as { status: string; step: number; error: string | null };
    store.close();
    expect(row).toMatchObject({ status: 'stopped', step: out.steps });
    const detail = json<RunDetailT>(await cli('runs', 'show', 'interrupted', '--json'));
    expect(detail.status).toBe('stopped');
    expect(detail.metrics['train/loss'].count).toBe(out.steps);
    expect(detail.artifacts.at(-1)?.meta).toMatchObject({ resumable: true, reason: 'stop' });

    const resuming = await cli('train', '--resume', String(out.runId), '--json');
    expect(resuming.stderr).toContain(`Resuming run ${out.runId} ("interrupted") from step ${out.steps} of 80.`);
    const resumed = json<TrainOutcome>(resuming);
    expect(resumed).toMatchObject({ runId: out.runId, status: 'completed', steps: 80 });
    reference = json<TrainOutcome>(await cli(...args, '--name', 'uninterrupted', '--json'));
    const a = await series(out.runId, 'train/loss');
    const b = await series(reference.runId, 'train/loss');
    expect(a.steps).toEqual(b.steps);
    expect(a.steps).toHaveLength(80);
    a.values.forEach((v, i) => expect(v, `train/loss at step ${a.steps[i]}`).toBeCloseTo(b.values[i] as number, 5));
    expect((await series(out.runId, 'val/loss')).values).toEqual((await series(reference.runId, 'val/loss')).values);

    const again = await cli('train', '--resume', String(out.runId));
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`Run ${out.runId} ("interrupted") is completed; only a stopped, paused or crashed run can be resumed.`);
  }, 180_000); // three runs, each in a job worker that starts tsx (slow on a loaded machine)

  it('Ctrl-C during compare stops both runs resumably and exits 130, saying the experiment was not measured', async () => {
    let sent = false;
    const stopped = await spawnCli(['compare', '--dataset', 'story', '--preset', 'tiny', '--steps', '400', '--json'], (err, child) => {
      if (!sent && /run \d+: running, step [1-9]/.test(err)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    expect(stopped.signal, stopped.stderr).toBeNull();
    expect(stopped.code, stopped.stderr).toBe(130);
    const out = JSON.parse(stopped.stdout) as { status: string; experiment: number; runs: { id: number; status: string }[] };
    expect(out.status).toBe('stopped');
    expect(out.runs).toHaveLength(2);
    for (const r of out.runs) expect(['stopped', 'completed']).toContain(r.status);
    expect(stopped.stderr).toMatch(new RegExp(`Stopped: run \\d+ is stopped.*experiment ${out.experiment} was not measured`));
  });

  it('a killed process leaves the run crashed with its metrics; resume continues from the last checkpoint to the same curve', async () => {
    const nextId = Math.max(...json<{ id: number }[]>(await cli('runs', 'list', '--all', '--json')).map((r) => r.id)) + 1;
    const later = join(home, 'runs', String(nextId), 'step-40', 'trainer.json');
    let poll: NodeJS.Timeout | null = null;
    const killed = await spawnCli([...args, '--checkpoint-every', '20', '--name', 'killed'], (_err, child) => {
      if (poll !== null) return;
      poll = setInterval(() => {
        if (!existsSync(later)) return;
        if (poll !== null) clearInterval(poll);
        child.kill('SIGKILL');
      }, 2);
      child.once('exit', () => { if (poll !== null) clearInterval(poll); });
    });
    expect(killed.code).toBe(-1);
    // no 60-second limbo: the next command sees at once that the process owning the run (on this machine) is gone
    const crashed = json<RunDetailT>(await cli('runs', 'show', String(nextId), '--json'));
    expect(crashed.status).toBe('crashed');
    // the kill may land while step 40's files are written, before they are registered: then step 20 is the last checkpoint
    const ckpt = crashed.artifacts.filter((a) => a.kind === 'checkpoint').at(-1);
    expect([20, 40]).toContain(ckpt?.step);
    // metrics are flushed before a checkpoint is registered, so every step up to it is kept
    expect(crashed.metrics['train/loss'].count).toBeGreaterThanOrEqual(ckpt?.step as number);

    const resumed = await cli('train', '--resume', String(nextId), '--json');
    expect(resumed.stderr).toContain(`Resuming run ${nextId} ("killed") from step ${ckpt?.step} of 80.`);
    expect(json<TrainOutcome>(resumed)).toMatchObject({ status: 'completed', steps: 80 });
    const a = await series(nextId, 'train/loss');
    const b = await series(reference.runId, 'train/loss');
    expect(a.steps).toEqual(b.steps);
    a.values.forEach((v, i) => expect(v, `train/loss at step ${a.steps[i]}`).toBeCloseTo(b.values[i] as number, 5));
    const samples = json<RunDetailT>(await cli('runs', 'show', String(nextId), '--samples', '100', '--json')).samples;
    expect(samples.map((x) => x.step)).toEqual([0, 40, 80]);
  }, 180_000); // two runs in job workers and a killed CLI

  it('an orphaned worker (its CLI killed with SIGKILL) writes no checkpoint after the kill, and exits', async () => {
    const nextId = Math.max(0, ...json<{ id: number }[]>(await cli('runs', 'list', '--all', '--json')).map((r) => r.id)) + 1;
    const runDir = join(home, 'runs', String(nextId));
    const steps = (): string[] => (existsSync(runDir) ? readdirSync(runDir).filter((f) => f.startsWith('step-')).sort() : []);
    // a 1-layer d16 GPT checkpointing every step, its batch large enough that computing a step takes far longer than
    // writing it: the worker is almost always inside a step that ends in a write
    const tiny = ['--layers', '1', '--heads', '2', '--d-model', '16', '--ff', '32', '--context', '32', '--batch-size', '256', '--threads', '1'];
    let worker = 0;
    let atKill: string[] = [];
    let cliPid = 0;
    // a failure must leave neither a stopped worker nor a training CLI behind
    onTestFinished(() => { for (const pid of [worker, cliPid]) if (pid > 0 && isRunning(pid)) process.kill(pid, 'SIGKILL'); });
    let poll: NodeJS.Timeout | null = null;
    const killed = spawnCli(['train', '--dataset', 'story', '--model', 'gpt', ...tiny, '--steps', '5000', '--checkpoint-every', '1', '--name', 'orphan'], (_err, cli) => {
      if (poll !== null) return;
      cliPid = cli.pid as number;
      poll = setInterval(() => {
        // step 3's folder complete (trainer.json is its last file): the worker has gone on to compute step 4
        if (!existsSync(join(runDir, 'step-3', 'trainer.json'))) return;
        if (poll !== null) clearInterval(poll);
        worker = childPids(cliPid).find((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('jobs/worker')) ?? 0;
        // The worker is held still while its parent dies, so the kill lands mid-step: the IPC channel's close cannot be
        // seen before the step's checkpoint, and only the worker's parent check (process.ppid) stands between it and a write.
        process.kill(worker, 'SIGSTOP');
        cli.once('exit', () => {
          atKill = steps();
          process.kill(worker, 'SIGCONT');
        });
        cli.kill('SIGKILL');
      }, 2);
      cli.once('exit', () => { if (poll !== null) clearInterval(poll); });
    });
    const run = await killed; // the stderr pipe closes once the worker has exited too
    expect(run.signal, run.stderr).toBe('SIGKILL');
    expect(worker).toBeGreaterThan(0);
    expect(isRunning(worker)).toBe(false);
    expect(atKill.length).toBeGreaterThanOrEqual(3);
    expect(steps()).toEqual(atKill);
  }, 60_000);
});

describe('runs and metrics commands', () => {
  it('lists, tags, notes and deletes runs; metrics prints CSV with every stored point', async () => {
    const list = json<{ id: number; name: string; status: string }[]>(await cli('runs', 'list', '--json'));
    expect(list.length).toBeGreaterThanOrEqual(4);
    const target = list.find((r) => r.name === 'uninterrupted') as { id: number };
    expect(json<{ tags: string[] }>(await cli('runs', 'tag', String(target.id), 'reference', '--json')).tags).toEqual(['reference']);
    expect(json<{ notes: string }>(await cli('runs', 'note', String(target.id), 'same seed as run interrupted', '--json')).notes).toBe('same seed as run interrupted');
    const csv = await cli('metrics', String(target.id), '--key', 'train/loss', '--csv');
    const lines = csv.stdout.trim().split('\n');
    expect(lines[0]).toBe('key,step,value,time');
    expect(lines).toHaveLength(81);
    expect(lines[1]).toMatch(/^train\/loss,1,\d+\.\d+,\d+\.\d{3}$/);
    const table = await cli('runs', 'list');
    expect(table.stdout).toMatch(/uninterrupted\s+gpt\s+completed\s+80\/80/);
    expect(json<{ ok: boolean }>(await cli('runs', 'delete', String(target.id), '--json')).ok).toBe(true);
    expect(existsSync(join(home, 'runs', String(target.id)))).toBe(false);
    const gone = await cli('metrics', String(target.id));
    expect(gone.code).toBe(1);
  });

  it('says what is wrong with bad training options before doing any work', async () => {
    const noModel = await cli('train', '--dataset', 'story');
    expect(noModel.code).toBe(2);
    expect(noModel.stderr).toContain('--model is required');
    const badFamily = await cli('train', '--dataset', 'story', '--model', 'rnn', '--steps', '1');
    expect(badFamily.code).toBe(1);
    expect(badFamily.stderr).toContain('The model family is "rnn", but it must be "gpt", "bert", "gru" or "lstm"');
    const noDataset = await cli('train', '--dataset', 'nope', '--model', 'gpt');
    expect(noDataset.code).toBe(1);
    expect(noDataset.stderr).toContain('There is no dataset called "nope"; the datasets are "story".');
    const steps = await cli('train', '--dataset', 'story', '--model', 'gpt', '--steps', '0');
    expect(steps.code).toBe(2);
    expect(steps.stderr).toContain('--steps expects a whole number of at least 1, got 0');
  });

  it('marks a run failed with the reason when its loss turns NaN, keeping the metrics logged so far', async () => {
    const run = await cli('train', '--dataset', 'story', '--model', 'gpt', ...SMALL, '--steps', '20', '--lr', '1e30', '--name', 'diverges', '--json');
    expect(run.code).toBe(1);
    const out = JSON.parse(run.stdout) as TrainOutcome;
    expect(out.status).toBe('failed');
    expect(out.error).toMatch(/^The loss became (NaN|Infinity) at step \d+ \(learning rate 1\.00e\+30\)/);
    expect(run.stderr).toContain(out.error as string);
    const detail = json<RunDetailT>(await cli('runs', 'show', 'diverges', '--json'));
    expect(detail).toMatchObject({ status: 'failed', error: out.error });
    expect(detail.metrics['train/loss']).toMatchObject({ last: null, lastStep: out.steps, count: out.steps });
    expect(detail.metrics['val/loss'].count).toBe(1); // the evaluation before the first step
  });

  it('marks a run failed with the sentence when its data cannot make a batch, and the store stays usable', async () => {
    const short = Array.from({ length: 10 }, (_, i) => `Line ${i} is short.`).join('\n\n');
    writeFileSync(join(home, 'short.txt'), short);
    json(await cli('datasets', 'import', join(home, 'short.txt'), '--name', 'short', '--mode', 'paragraphs', '--json'));
    const run = await cli('train', '--dataset', 'short', '--model', 'gpt', ...SMALL, '--steps', '5', '--name', 'too-short');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/The (train|validation) split has \d+ tokens, fewer than context length \+ 1 = 65/);
    const detail = json<RunDetailT>(await cli('runs', 'show', 'too-short', '--json'));
    expect(detail.status).toBe('failed');
    expect(detail.error).toMatch(/fewer than context length \+ 1 = 65; use a shorter context or more text\./);
  });
});

describe('custom model sizes (--layers --heads --d-model --ff --context)', () => {
  it('trains a GPT of a shape no preset has, records it, and names the run after it', async () => {
    const run = await cli('train', '--dataset', 'story', '--model', 'gpt', ...SMALL, '--layers', '1', '--heads', '4', '--d-model', '32', '--ff', '64',
      '--context', '32', '--steps', '4', '--json');
    const out = json<TrainOutcome>(run);
    expect(out.status).toBe('completed');
    const detail = json<RunDetailT>(await cli('runs', 'show', String(out.runId), '--json'));
    expect(detail.name).toBe('story-gpt-L1-H4-d32-ff64-T32');
    expect(detail.config).toMatchObject({ preset: 'tiny', model: { nLayer: 1, nHead: 4, dModel: 32, dFF: 64, contextLength: 32 } });
  });

  it('refuses impossible shapes before any work, with a sentence naming the field and its flag', async () => {
    const before = json<unknown[]>(await cli('runs', 'list', '--json')).length;
    const heads = await cli('compare', '--dataset', 'story', '--d-model', '100', '--heads', '3', '--steps', '10');
    expect(heads.code).toBe(1);
    expect(heads.stderr.trim()).toBe('d_model 100 is not divisible by the 3 heads (--heads): each head gets d_model / heads dimensions; '
      + 'choose 2, 4, 5, 10 heads, or a d_model that 3 divides.');
    const layers = await cli('train', '--dataset', 'story', '--model', 'bert', '--layers', '0');
    expect(layers.code).toBe(1);
    expect(layers.stderr.trim()).toBe('nLayer (--layers) is 0, but it must be a whole number from 1 to 64.');
    const context = await cli('train', '--dataset', 'story', '--model', 'gpt', '--context', '2.5');
    expect(context.stderr.trim()).toBe('contextLength (--context) is 2.5, but it must be a whole number from 2 to 8192.');
    const rnn = await cli('train', '--dataset', 'story', '--model', 'gru', '--layers', '2');
    expect(rnn.stderr).toContain('Custom sizes (--layers, --heads, --d-model, --ff, --context) are for gpt and bert');
    // 64 layers of d_model 4096 need hundreds of GiB: refused by the memory estimate, and no experiment is recorded
    const huge = await cli('compare', '--dataset', 'story', '--layers', '64', '--d-model', '4096', '--heads', '32', '--context', '2048', '--steps', '10');
    expect(huge.code).toBe(1);
    expect(huge.stderr).toMatch(/^This model needs about [\d.]+ GiB to train at batch \d+ \(.*\), but only [\d.]+ [GMK]iB is available; choose a smaller/);
    expect(json<unknown[]>(await cli('runs', 'list', '--json')).length).toBe(before);
  });
});
