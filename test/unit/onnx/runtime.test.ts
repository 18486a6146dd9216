// onnxruntime-node is loaded lazily: where its binary cannot load, ONNX features fail with a clear 'unavailable'
// error instead of crashing the process; where it loads, sessions report their thread count.
import { afterEach, describe, expect, it, vi } from 'vitest';

afterEach(() => {
  vi.doUnmock('onnxruntime-node');
  vi.resetModules();
});

describe('loadOrt', () => {
  it('turns a binary that cannot load into a sentence saying what to do', async () => {
    vi.resetModules();
    vi.doMock('onnxruntime-node', () => {
      throw new Error('libonnxruntime.so.1: cannot open shared object file: No such file or directory');
    });
    const { loadOrt } = await import('../../../main/onnx/runtime');
    await expect(loadOrt()).rejects.toMatchObject({
      name: 'LabError',
      code: 'unavailable',
      // vitest wraps the factory's error in its own, so only the frame of the sentence is fixed here
      message: expect.stringMatching(/^onnxruntime-node cannot be loaded on this machine: .+ \(reinstall the app's dependencies; ONNX features need its CPU build\)\.$/),
      cause: expect.any(Error),
    });
  });

  it('loads the real module once and opens sessions with the requested threads', async () => {
    const { loadOrt, openSession } = await import('../../../main/onnx/runtime');
    const first = await loadOrt();
    expect(await loadOrt()).toBe(first);
    expect(typeof first.InferenceSession.create).toBe('function');
    await expect(openSession(new Uint8Array([1, 2, 3]), { threads: 0 })).rejects.toThrow('threads is 0, but it must be a whole number of at least 1.');
  });
});
