// A run page's own actions (issue 14 §2): Resume is offered only with a resumable checkpoint and otherwise explained,
// a live run is not deleted, ONNX export and "try the model" appear only for families and runs that have a checkpoint;
// the sampling fields read as numbers or name the field that holds none.
import { describe, expect, it } from 'vitest';
import { deletableNow, onnxExportable, probeable, whyNoResume } from '../../../renderer/components/runs/runActions';
import { readSampling } from '../../../renderer/components/runs/sampling';

const plain = { kind: 'checkpoint', meta: {} };
const resumable = { kind: 'checkpoint', meta: { resumable: true } };
const onnx = { kind: 'onnx', meta: { resumable: true } };

describe('run page actions', () => {
  it('explains a missing Resume: failed runs, and stopped or crashed runs without a resumable checkpoint', () => {
    expect(whyNoResume({ status: 'failed', family: 'gpt' }, [resumable])).toBe('failed');
    expect(whyNoResume({ status: 'stopped', family: 'gpt' }, [])).toBe('noCheckpoint');
    expect(whyNoResume({ status: 'crashed', family: 'bert' }, [plain, onnx])).toBe('noCheckpoint');
    expect(whyNoResume({ status: 'stopped', family: 'gpt' }, [plain, resumable])).toBeNull();
    expect(whyNoResume({ status: 'completed', family: 'gpt' }, [])).toBeNull();
    expect(whyNoResume({ status: 'running', family: 'gpt' }, [])).toBeNull();
  });

  it('refuses to delete a queued, running or paused run', () => {
    for (const status of ['queued', 'running', 'paused'] as const) expect(deletableNow({ status, family: 'gpt' })).toBe(false);
    for (const status of ['completed', 'stopped', 'failed', 'crashed'] as const) expect(deletableNow({ status, family: 'gpt' })).toBe(true);
  });

  it('offers ONNX for GPT and BERT with a checkpoint, and trying the model for GPT, BERT, GRU and LSTM with one', () => {
    expect(onnxExportable({ status: 'completed', family: 'gpt' }, [plain])).toBe(true);
    expect(onnxExportable({ status: 'completed', family: 'bert' }, [])).toBe(false);
    expect(onnxExportable({ status: 'completed', family: 'gru' }, [plain])).toBe(false);
    expect(probeable({ status: 'completed', family: 'lstm' }, [plain])).toBe(true);
    expect(probeable({ status: 'completed', family: 'classifier' }, [plain])).toBe(false);
    expect(probeable({ status: 'running', family: 'gpt' }, [onnx])).toBe(false);
  });
});

describe('sampling fields', () => {
  const sentence = (field: string, value: string): string => `${field} must be a number; it is "${value}".`;
  it('reads typed numbers and names a field that holds none', () => {
    expect(readSampling({ temperature: 0.8, topK: '20', topP: 0.9, seed: 0 }, sentence)).toEqual({ temperature: 0.8, topK: 20, topP: 0.9, seed: 0 });
    expect(() => readSampling({ temperature: '', topK: 1, topP: 1, seed: 0 }, sentence)).toThrow('temperature must be a number; it is "".');
    expect(() => readSampling({ temperature: 1, topK: 1, topP: 'e', seed: 0 }, sentence)).toThrow('topP must be a number; it is "e".');
  });
});
