// The attention, export-onnx and onnx commands end to end on a temp lab home with real runs, checkpoints and files.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli/index';
import { createLab } from '../../main/lab/index';
import { RunService, runFolder } from '../../main/lab/runs/service';
import { saveCheckpoint } from '../../main/ml/checkpoint';
import { livelyModel, sampleTokenizer, smallConfig } from '../unit/onnx/fixtures';

const BIN = join(import.meta.dirname, '..', '..', 'main', 'cli', 'bin.mjs');
const TEXT = 'To be, or not to be';
let home: string;

interface Run { code: number; stdout: string; stderr: string }
interface HeadJson { layer: number; head: number; matrix: number[][] }
interface AttentionJson { step: number; family: string; tokens: { token: string }[]; attention: HeadJson[]; predictions: unknown[] }

async function cli(...args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['--home', home, ...args], { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, env: {} });
  return { code, stdout, stderr };
}

function json<T>(run: Run): T {
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as T;
}

/** A run row with checkpoints at the given steps, laid out as training writes them (<home>/runs/<id>/step-<n>). */
function makeRun(runs: RunService, name: string, family: 'gpt' | 'bert', steps: number[]): number {
  const id = runs.create({ name, family, datasetId: null, tokenizerId: null, config: {}, seed: 1, totalSteps: 10, status: 'running' });
  for (const step of steps) {
    const dir = join(runFolder(home, id), `step-${step}`);
    saveCheckpoint(dir, livelyModel(smallConfig(family), step));
    writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(sampleTokenizer().toJSON()));
    runs.addArtifact(id, { kind: 'checkpoint', path: join('runs', String(id), `step-${step}`), sha256: '', bytes: 1, step, meta: { resumable: false } });
  }
  return id;
}

function expectRowsSumToOne(heads: HeadJson[]): void {
  for (const h of heads) for (const row of h.matrix) expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
}

beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'lab-onnx-cli-'));
  const lab = createLab({ home, mode: 'cli', env: {} });
  const runs = new RunService(lab.ctx);
  makeRun(runs, 'gpt-small', 'gpt', [5, 10]);
  makeRun(runs, 'bert-small', 'bert', [10]);
  const broken = makeRun(runs, 'broken', 'gpt', [3]);
  unlinkSync(join(runFolder(home, broken), 'step-3', 'model.safetensors'));
  lab.close();
});

afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('attention-lab attention', () => {
  it('npx attention-lab attention RUN --text … --json: rows sum to 1 and the GPT upper triangle is 0', async () => {
    const run = await new Promise<Run>((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, '--home', home, 'attention', 'gpt-small', '--text', TEXT, '--json']);
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
      child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });
    const out = json<AttentionJson>(run);
    expect(out.step).toBe(10);
    expect(out.family).toBe('gpt');
    expect(out.tokens.map((t) => t.token).join('')).toBe(TEXT);
    expect(out.attention.map((h) => `${h.layer}.${h.head}`)).toEqual(['0.0', '0.1', '1.0', '1.1']);
    expectRowsSumToOne(out.attention);
    for (const h of out.attention) h.matrix.forEach((row, i) => row.forEach((w, j) => { if (j > i) expect(w).toBe(0); }));
    expect(out.predictions).toHaveLength(TEXT.length);
  });

  it('picks a layer, head and step; BERT attends both ways', async () => {
    const out = json<AttentionJson>(await cli('attention', 'bert-small', '--text', TEXT, '--layer', '1', '--head', '0', '--json'));
    expect(out.attention).toHaveLength(1);
    expect(out.tokens[0].token).toBe('[CLS]');
    expectRowsSumToOne(out.attention);
    expect(out.attention[0].matrix[0].slice(1).some((w) => w > 0)).toBe(true);
    expect(json<AttentionJson>(await cli('attention', 'gpt-small', '--step', '5', '--text', 'To', '--json')).step).toBe(5);
    const human = await cli('attention', 'gpt-small', '--text', 'To be', '--layer', '0', '--head', '1');
    expect(human.stdout).toContain('layer 0, head 1');
  });

  it('reads a run folder outside the lab by path (the analysis channels\' checkpoint), its step chosen with --step', async () => {
    const folder = join(home, 'runs', '1');
    const out = json<AttentionJson & { run: string | null; checkpoint: string }>(await cli('attention', folder, '--step', '5', '--text', 'To', '--head', '0', '--json'));
    expect(out).toMatchObject({ run: null, checkpoint: join(folder, 'step-5'), step: 5, family: 'gpt' });
    expectRowsSumToOne(out.attention);
    const r = await cli('attention', folder, '--step', '7', '--text', 'x');
    expect([r.code, r.stderr.trim()]).toEqual([1, `The folder ${folder} has no checkpoint at step 7; its checkpoints are at steps 5, 10.`]);
  });

  it('says what is wrong with a run, a step, a checkpoint or the text', async () => {
    const cases: [string[], string][] = [
      [['attention', 'nope', '--text', 'x'], 'There is no run or checkpoint folder called "nope"; the runs are "gpt-small" (1), "bert-small" (2), "broken" (3).'],
      [['attention', 'gpt-small', '--step', '7', '--text', 'x'], 'Run "gpt-small" (1) has no checkpoint at step 7; its checkpoints are at steps 5, 10.'],
      [['attention', 'broken', '--text', 'x'], `The step-3 checkpoint of run "broken" is missing its files (${join(home, 'runs', '3', 'step-3')}); they were deleted or moved. Choose another step with --step.`],
      [['attention', 'gpt-small', '--text', ' '], 'The text is empty; type at least one word to look inside the model.'],
      [['attention', 'gpt-small', '--text', 'x', '--layer', '9'], 'layer 9 does not exist: this model has 2 layers, numbered 0 to 1.'],
    ];
    for (const [args, message] of cases) {
      const r = await cli(...args);
      expect([r.code, r.stderr.trim()]).toEqual([1, message]);
    }
    const long = await cli('attention', 'gpt-small', '--text', 'to be '.repeat(10), '--json');
    expect(long.stderr).toContain("The text is 60 tokens long; the model's context holds 48, so text tokens 1–48 were used (--start N looks further on).");
    const later = await cli('attention', 'gpt-small', '--text', 'to be '.repeat(10), '--start', '30', '--json');
    expect(later.stderr).toContain("The text is 60 tokens long; the model's context holds 48, so text tokens 13–60 were used.");
    expect(json<{ windowStart: number; tokens: { start: number }[] }>(later)).toMatchObject({ windowStart: 12, tokens: expect.arrayContaining([{ start: 12, end: 13,
      id: expect.any(Number), token: expect.any(String), segment: 0, special: false }]) });
  });
});

describe('attention-lab export-onnx and onnx', () => {
  it('exports a run with a passing parity check, records the artifact, and the file inspects and runs', async () => {
    const file = join(home, 'exports', 'bert.onnx');
    const out = json<{ opset: number; step: number; parity: { ok: boolean; logits: number; attention: number } }>(
      await cli('export-onnx', 'bert-small', '--out', file, '--check', '--json'));
    expect(out.opset).toBe(17);
    expect(out.step).toBe(10);
    expect(out.parity.ok).toBe(true);
    expect(out.parity.attention).toBeLessThan(1e-4);
    const detail = json<{ artifacts: { kind: string; path: string; step: number }[] }>(await cli('runs', 'show', 'bert-small', '--json'));
    expect(detail.artifacts.filter((a) => a.kind === 'onnx')).toMatchObject([{ path: join('exports', 'bert.onnx'), step: 10 }]);

    const inspect = json<{ inputs: { name: string }[]; attention: string[] }>(await cli('onnx', 'inspect', file, '--json'));
    expect(inspect.inputs.map((i) => i.name)).toEqual(['input_ids', 'attention_mask', 'token_type_ids']);
    expect(inspect.attention).toEqual(['attentions.0', 'attentions.1']);
    const ran = json<{ attention: HeadJson[]; predictions: unknown[]; tokens: unknown[] }>(await cli('onnx', 'run', file, '--text', TEXT, '--head', '1', '--json'));
    expect(ran.attention.map((h) => h.layer)).toEqual([0, 1]);
    expectRowsSumToOne(ran.attention);
    expect(ran.predictions).toHaveLength(ran.tokens.length);
  });

  it('removes an export that fails its parity check and records no artifact for it', async () => {
    const file = join(home, 'exports', 'strict.onnx');
    const before = json<{ artifacts: unknown[] }>(await cli('runs', 'show', 'bert-small', '--json')).artifacts.length;
    // no two engines agree to 1e-15: the check fails, as a real mismatch would
    const failed = await cli('export-onnx', 'bert-small', '--out', file, '--check', '--tolerance', '1e-15');
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toContain('does not match the native forward within 1e-15');
    expect(failed.stderr).toContain(`${file} was removed`);
    expect(existsSync(file)).toBe(false);
    expect(json<{ artifacts: unknown[] }>(await cli('runs', 'show', 'bert-small', '--json')).artifacts).toHaveLength(before);
  });

  it('exports from a checkpoint folder path too, and refuses a file that is not ONNX', async () => {
    const file = join(home, 'gpt.onnx');
    const r = await cli('export-onnx', join(home, 'runs', '1', 'step-5'), '--out', file);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('opset:   17');
    // an existing file is replaced only with --force (issue 14: exports overwrote silently)
    const written = readFileSync(file);
    const again = await cli('export-onnx', join(home, 'runs', '1', 'step-5'), '--out', file);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain(`${file} already exists; add --force to replace it, or choose another path.`);
    expect(readFileSync(file).equals(written)).toBe(true);
    const forced = await cli('export-onnx', join(home, 'runs', '1', 'step-5'), '--out', file, '--force');
    expect(forced.code, forced.stderr).toBe(0);
    const bad = join(home, 'notes.onnx');
    writeFileSync(bad, 'these are my notes, not a model');
    const refused = await cli('onnx', 'inspect', bad);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^notes\.onnx is not an ONNX model/);
    const wrongName = await cli('export-onnx', 'gpt-small', '--out', join(home, 'model.bin'));
    expect(wrongName.stderr.trim()).toBe(`The output path "${join(home, 'model.bin')}" does not end in .onnx; give a file name such as model.onnx.`);
  });
});
