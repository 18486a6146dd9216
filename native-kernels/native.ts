// Loads the C++ addon (build/Release/attention_kernels.node) and adapts it to the Kernels contract.

import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BackendName, F32, Kernels } from './kernels';
import type { AlignmentKernels } from './alignment-kernels';
import { dropoutKey } from './js/rng';
import { RNN_KERNEL_NAMES, type RnnKernels } from './rnn-kernels';

/** What the addon exports (src/addon.cc). Same argument order as Kernels, except dropout takes the 32-bit stream key. */
interface NativeAddon extends AlignmentKernels, RnnKernels {
  cpuInfo(): { avx2: boolean; fma: boolean };
  /** true selects the AVX2+FMA code paths (ignored when the CPU lacks them); returns whether they are now active. */
  setAvx2(enable: boolean): boolean;
  setThreads(n: number): void;
  getThreads(): number;
  adviseHugePages(buf: F32): void;
  sgemm: Kernels['sgemm'];
  matmulForward: Kernels['matmulForward'];
  matmulBackward: Kernels['matmulBackward'];
  embeddingForward: Kernels['embeddingForward'];
  embeddingBackward: Kernels['embeddingBackward'];
  layernormForward: Kernels['layernormForward'];
  layernormBackward: Kernels['layernormBackward'];
  geluForward: Kernels['geluForward'];
  geluBackward: Kernels['geluBackward'];
  residualForward: Kernels['residualForward'];
  attentionForward: Kernels['attentionForward'];
  attentionBackward: Kernels['attentionBackward'];
  attentionRowsForward: Kernels['attentionRowsForward'];
  attentionRowsBackward: Kernels['attentionRowsBackward'];
  dropoutForward(out: F32, mask: Uint8Array, inp: F32, p: number, key: number, N: number): void;
  dropoutBackward: Kernels['dropoutBackward'];
  crossEntropyForward: Kernels['crossEntropyForward'];
  crossEntropyBackward: Kernels['crossEntropyBackward'];
  adamwUpdate: Kernels['adamwUpdate'];
  sumSquares: Kernels['sumSquares'];
  scale: Kernels['scale'];
  packLinearWeight: Kernels['packLinearWeight'];
  matmulForwardPacked: Kernels['matmulForwardPacked'];
}

/** Where the addon is loaded from: ATTENTION_LAB_ADDON_PATH when set (a bundled app whose code moved away from
 *  native-kernels/), else build/Release next to this file. */
export const addonPath = process.env.ATTENTION_LAB_ADDON_PATH
  ?? fileURLToPath(new URL('./build/Release/attention_kernels.node', import.meta.url));

let cached: { addon: NativeAddon } | { reason: string } | undefined;

/** The addon, or the reason it cannot be used (not built, or failed to load). Loaded once per process. */
export function loadAddon(): { addon: NativeAddon } | { reason: string } {
  if (cached) return cached;
  if (!existsSync(addonPath)) {
    cached = { reason: `the native addon is not built (${addonPath} is missing; run "npx node-gyp rebuild -C native-kernels")` };
  } else {
    try {
      cached = { addon: createRequire(import.meta.url)(addonPath) as NativeAddon };
    } catch (e) {
      cached = { reason: `the native addon at ${addonPath} failed to load: ${(e as Error).message}` };
    }
  }
  return cached;
}

// The ISA switch is global inside the addon; each backend object re-selects its own before a call when needed.
let activeAvx2: boolean | undefined;

/** Selects the addon's AVX2 (or portable) paths unless already active; for kernel families with their own wrapper
 *  (embeddings.ts), which must share this record of the switch. */
export function selectAvx2(addon: { setAvx2(enable: boolean): boolean }, useAvx2: boolean): void {
  if (activeAvx2 !== useAvx2) activeAvx2 = addon.setAvx2(useAvx2);
}

/** A Kernels object over the addon using AVX2 (when `avx2` and the CPU supports it) or the portable code. */
export function nativeKernels(addon: NativeAddon, avx2: boolean): Kernels {
  const cpu = addon.cpuInfo();
  const useAvx2 = avx2 && cpu.avx2 && cpu.fma;
  const backend: BackendName = useAvx2 ? 'native-avx2' : 'native-portable';
  const select = (): void => selectAvx2(addon, useAvx2);
  return {
    backend,
    setThreads: (n) => addon.setThreads(n),
    getThreads: () => addon.getThreads(),
    adviseHugePages: (buf) => addon.adviseHugePages(buf),
    sgemm: (...a) => { select(); addon.sgemm(...a); },
    matmulForward: (...a) => { select(); addon.matmulForward(...a); },
    matmulBackward: (...a) => { select(); addon.matmulBackward(...a); },
    embeddingForward: (...a) => { select(); addon.embeddingForward(...a); },
    embeddingBackward: (...a) => { select(); addon.embeddingBackward(...a); },
    layernormForward: (...a) => { select(); addon.layernormForward(...a); },
    layernormBackward: (...a) => { select(); addon.layernormBackward(...a); },
    geluForward: (...a) => { select(); addon.geluForward(...a); },
    geluBackward: (...a) => { select(); addon.geluBackward(...a); },
    residualForward: (...a) => { select(); addon.residualForward(...a); },
    attentionForward: (...a) => { select(); addon.attentionForward(...a); },
    attentionBackward: (...a) => { select(); addon.attentionBackward(...a); },
    attentionRowsForward: (...a) => { select(); addon.attentionRowsForward(...a); },
    attentionRowsBackward: (...a) => { select(); addon.attentionRowsBackward(...a); },
    dropoutForward: (out, mask, inp, p, seed, N) => { select(); addon.dropoutForward(out, mask, inp, p, dropoutKey(seed), N); },
    dropoutBackward: (...a) => { select(); addon.dropoutBackward(...a); },
    crossEntropyForward: (...a) => { select(); return addon.crossEntropyForward(...a); },
    crossEntropyBackward: (...a) => { select(); addon.crossEntropyBackward(...a); },
    adamwUpdate: (...a) => { select(); addon.adamwUpdate(...a); },
    sumSquares: (...a) => { select(); return addon.sumSquares(...a); },
    scale: (...a) => { select(); addon.scale(...a); },
    packLinearWeight: (...a) => { select(); return addon.packLinearWeight(...a); },
    matmulForwardPacked: (...a) => { select(); addon.matmulForwardPacked(...a); },
    alignDotForward: (...a) => { select(); addon.alignDotForward(...a); },
    alignDotBackward: (...a) => { select(); addon.alignDotBackward(...a); },
    alignAdditiveForward: (...a) => { select(); addon.alignAdditiveForward(...a); },
    alignAdditiveBackward: (...a) => { select(); addon.alignAdditiveBackward(...a); },
    alignSoftmaxContextForward: (...a) => { select(); addon.alignSoftmaxContextForward(...a); },
    alignSoftmaxContextBackward: (...a) => { select(); addon.alignSoftmaxContextBackward(...a); },
    tanhForward: (...a) => { select(); addon.tanhForward(...a); },
    tanhBackward: (...a) => { select(); addon.tanhBackward(...a); },
    ...nativeRnn(addon, select),
  };
}

/** The recurrent kernels of the addon, each selecting this backend's instruction set first (same arguments). */
function nativeRnn(addon: RnnKernels, select: () => void): RnnKernels {
  const out: Record<string, (...a: unknown[]) => void> = {};
  for (const name of RNN_KERNEL_NAMES) {
    const fn = addon[name] as (...a: unknown[]) => void;
    out[name] = (...a) => { select(); fn(...a); };
  }
  return out as unknown as RnnKernels;
}
