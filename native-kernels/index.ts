// Entry point for the kernels: picks the native addon (AVX2 or portable) or the JS reference, with argument checks.

import { availableParallelism } from 'node:os';
import type { BackendName, Kernels } from './kernels';
import { jsKernels } from './js/index';
import { checkedKernels } from './checks';
import { loadAddon, nativeKernels } from './native';

export type { Kernels, BackendName, F32 } from './kernels';
export { jsKernels } from './js/index';
export { checkedKernels } from './checks';

/** 'native' = the fastest native path this CPU runs; 'native-portable' forces the non-AVX2 native code (tests, comparisons). */
export type KernelPreference = 'native' | 'native-portable' | 'js';

const instances = new Map<BackendName, Kernels>();
// The native backends share one thread pool inside the addon: it gets its default size once, on first use.
let nativePoolSized = false;

function defaultThreads(): number {
  return Math.max(1, availableParallelism());
}

/** Why the native addon is unavailable, or null when it loads. */
export function nativeUnavailableReason(): string | null {
  const loaded = loadAddon();
  return 'reason' in loaded ? loaded.reason : null;
}

/**
 * The checked kernels for the preferred backend. Falls back to JS when the addon is missing or the environment sets
 * ATTENTION_LAB_KERNELS=js (ATTENTION_LAB_KERNELS=portable forces the portable native path). Threads default to all cores.
 */
export function getKernels(prefer: KernelPreference = 'native'): Kernels {
  const env = process.env.ATTENTION_LAB_KERNELS;
  let want: KernelPreference = prefer;
  if (env === 'js') want = 'js';
  else if (env === 'portable' && want === 'native') want = 'native-portable';
  const loaded = want === 'js' ? null : loadAddon();
  let kernels: Kernels;
  if (loaded && 'addon' in loaded) {
    kernels = nativeKernels(loaded.addon, want === 'native');
  } else {
    kernels = jsKernels;
  }
  const existing = instances.get(kernels.backend);
  if (existing) return existing;
  const checked = checkedKernels(kernels);
  if (kernels.backend === 'js') {
    checked.setThreads(defaultThreads());
  } else if (!nativePoolSized) {
    checked.setThreads(defaultThreads());
    nativePoolSized = true;
  }
  instances.set(kernels.backend, checked);
  return checked;
}

export interface KernelsInfo {
  backend: BackendName;
  threads: number;
  cpu: { avx2: boolean; fma: boolean };
}

/** Which backend getKernels() runs on here, its thread count, and what the CPU offers (false when the addon is missing). */
export function kernelsInfo(): KernelsInfo {
  const kernels = getKernels();
  const loaded = loadAddon();
  const cpu = 'addon' in loaded ? loaded.addon.cpuInfo() : { avx2: false, fma: false };
  return { backend: kernels.backend, threads: kernels.getThreads(), cpu };
}
