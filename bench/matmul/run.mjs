// Benchmark 1: our sgemm (native addon) against OpenBLAS cblas_sgemm on transformer shapes, 1 and 2 threads, in one run.
// Usage: node bench/matmul/run.mjs [--seconds S] [--rounds R]   (needs gcc, libopenblas-dev and the built addon)
// Each side reports its best call time, over R alternating rounds (default 3) of S seconds each (default 0.6): on a
// machine shared with other work, alternating gives both sides the same chance of a quiet moment. The load average
// is printed with the table.

import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const addonPath = join(here, '../../native-kernels/build/Release/attention_kernels.node');
const secondsArg = process.argv.indexOf('--seconds');
const seconds = secondsArg > 0 ? Number(process.argv[secondsArg + 1]) : 0.6;
const roundsArg = process.argv.indexOf('--rounds');
const rounds = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 3;

// [label, M, N, K, transA, transB, beta]: the GEMMs one training step of the reference config issues (B*T = 4096).
const shapes = [
  ['QKV forward  x@Wqkv^T', 4096, 384, 128, false, true, 0],
  ['MLP up       x@Wfc^T', 4096, 512, 128, false, true, 0],
  ['MLP down     h@Wproj^T', 4096, 128, 512, false, true, 0],
  ['QKV dinp     dout@W', 4096, 128, 384, false, false, 0],
  ['QKV dweight  dout^T@x', 384, 128, 4096, true, false, 1],
  ['head         x@wte^T', 4096, 65, 128, false, true, 0],
  ['square       A@B', 1024, 1024, 1024, false, false, 0],
];

if (!existsSync(addonPath)) {
  console.error(`The native addon is not built (${addonPath}); run "npx node-gyp rebuild -C native-kernels" first.`);
  process.exit(1);
}
const addon = createRequire(import.meta.url)(addonPath);
if (!addon.cpuInfo().avx2) console.warn('This CPU has no AVX2: ours runs the portable path.');

const dir = mkdtempSync(join(tmpdir(), 'matmul-bench-'));
const anchor = join(dir, 'openblas_anchor');
try {
  execFileSync('gcc', ['-O2', '-o', anchor, join(here, 'openblas_anchor.c'), '-lopenblas'], { stdio: 'inherit' });

  const random = (n) => {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = Math.random() - 0.5;
    return a;
  };
  const ours = (M, N, K, ta, tb, beta, threads) => {
    addon.setThreads(threads);
    const A = random(M * K), B = random(K * N), C = new Float32Array(M * N);
    for (let w = 0; w < 3; w++) addon.sgemm(ta, tb, M, N, K, 1, A, B, beta, C);
    let best = Infinity, reps = 0;
    const start = performance.now();
    while (performance.now() - start < seconds * 1000 || reps < 5) {
      const t0 = performance.now();
      addon.sgemm(ta, tb, M, N, K, 1, A, B, beta, C);
      best = Math.min(best, performance.now() - t0);
      reps++;
    }
    return (2 * M * N * K) / (best / 1000) / 1e9;
  };
  const blas = (M, N, K, ta, tb, beta, threads) => {
    const out = execFileSync(anchor, [M, N, K, ta ? 1 : 0, tb ? 1 : 0, beta, threads, seconds].map(String), {
      env: { ...process.env, OPENBLAS_NUM_THREADS: String(threads) },
    });
    return JSON.parse(out.toString()).gflops;
  };

  const load = loadavg().map((x) => x.toFixed(2)).join(', ');
  const rows = [];
  for (const [label, M, N, K, ta, tb, beta] of shapes) {
    for (const threads of [1, 2]) {
      let o = 0, b = 0;
      for (let round = 0; round < rounds; round++) {
        o = Math.max(o, ours(M, N, K, ta, tb, beta, threads));
        b = Math.max(b, blas(M, N, K, ta, tb, beta, threads));
      }
      rows.push({ label, shape: `${M}×${N}×${K} ${ta ? 'T' : 'N'}${tb ? 'T' : 'N'}`, threads, o, b });
      console.error(`  ${label} ${threads}t: ours ${o.toFixed(1)}, OpenBLAS ${b.toFixed(1)}`);
    }
  }
  console.log(`Load average before the run: ${load}; after: ${loadavg().map((x) => x.toFixed(2)).join(', ')}`);
  console.log('');
  console.log('| GEMM | M×N×K op | threads | ours GFLOP/s | OpenBLAS GFLOP/s | ratio |');
  console.log('|---|---|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(`| ${r.label.replace(/\s+/g, ' ')} | ${r.shape} | ${r.threads} | ${r.o.toFixed(1)} | ${r.b.toFixed(1)} | ${(r.o / r.b).toFixed(2)} |`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
