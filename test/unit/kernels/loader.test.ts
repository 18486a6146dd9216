// The loader: backend choice (preference, ATTENTION_LAB_KERNELS, missing addon), kernelsInfo, thread defaults.

import { describe, it, expect, afterEach } from 'vitest';
import { availableParallelism } from 'node:os';
import { getKernels, kernelsInfo, nativeUnavailableReason } from '../../../native-kernels/index';

const saved = process.env.ATTENTION_LAB_KERNELS;
afterEach(() => {
  if (saved === undefined) delete process.env.ATTENTION_LAB_KERNELS;
  else process.env.ATTENTION_LAB_KERNELS = saved;
});

describe('getKernels and kernelsInfo', () => {
  it('returns the JS reference when asked, or when ATTENTION_LAB_KERNELS=js overrides a native preference', () => {
    expect(getKernels('js').backend).toBe('js');
    process.env.ATTENTION_LAB_KERNELS = 'js';
    expect(getKernels('native').backend).toBe('js');
  });

  it('reports a native backend exactly when the addon loads, with CPU features and the default thread count', () => {
    delete process.env.ATTENTION_LAB_KERNELS;
    const info = kernelsInfo();
    if (nativeUnavailableReason() === null) {
      expect(info.backend).toBe(info.cpu.avx2 && info.cpu.fma ? 'native-avx2' : 'native-portable');
      expect(getKernels('native-portable').backend).toBe('native-portable');
    } else {
      expect(info.backend).toBe('js');
    }
    expect(info.threads).toBe(Math.max(1, availableParallelism()));
  });

  it('setThreads is remembered and read back', () => {
    delete process.env.ATTENTION_LAB_KERNELS;
    const k = getKernels();
    const before = k.getThreads();
    try {
      k.setThreads(1);
      expect(k.getThreads()).toBe(1);
    } finally {
      k.setThreads(before);
    }
  });
});
