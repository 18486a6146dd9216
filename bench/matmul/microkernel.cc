// The GEMM's 6x16 AVX2 micro-kernel alone, against this core's FMA peak measured in the same run (a loop of
// independent register-only FMAs). It answers "is the inner loop the limit?": if the micro-kernel on packed panels
// that sit in L1/L2 runs near the peak, a wider (AVX-512) or differently shaped kernel cannot gain, and what a GEMM
// call loses lies outside it (packing, memory, thread hand-offs, edges). One thread.
//
//   g++ -O3 -mavx2 -mfma -std=c++17 -Inative-kernels/src bench/matmul/microkernel.cc -o /tmp/microkernel && /tmp/microkernel
#include <immintrin.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "gemm_kernels.h"

// gemm_avx2.cc's portable fallback symbol is only referenced on builds without AVX2; this binary is built with it.
namespace ak {
void microkernel_portable(int64_t, const float*, int64_t, const float*, float*, int64_t, float, float, const float*, int,
                          int) {}
}  // namespace ak
#include "gemm_avx2.cc"

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// 12 independent FMA chains (as many accumulators as the micro-kernel), no memory traffic.
double fma_peak_gflops() {
  const __m256 a = _mm256_set1_ps(0.999f), b = _mm256_set1_ps(0.0001f);
  __m256 c0 = _mm256_set1_ps(0.0f), c1 = _mm256_set1_ps(0.1f), c2 = _mm256_set1_ps(0.2f), c3 = _mm256_set1_ps(0.3f);
  __m256 c4 = _mm256_set1_ps(0.4f), c5 = _mm256_set1_ps(0.5f), c6 = _mm256_set1_ps(0.6f), c7 = _mm256_set1_ps(0.7f);
  __m256 c8 = _mm256_set1_ps(0.8f), c9 = _mm256_set1_ps(0.9f), c10 = _mm256_set1_ps(1.0f), c11 = _mm256_set1_ps(1.1f);
  const int64_t iters = 20'000'000;
  double best = 1e9;
  for (int rep = 0; rep < 5; rep++) {
    const auto t0 = std::chrono::steady_clock::now();
    for (int64_t i = 0; i < iters; i++) {
      c0 = _mm256_fmadd_ps(c0, a, b);
      c1 = _mm256_fmadd_ps(c1, a, b);
      c2 = _mm256_fmadd_ps(c2, a, b);
      c3 = _mm256_fmadd_ps(c3, a, b);
      c4 = _mm256_fmadd_ps(c4, a, b);
      c5 = _mm256_fmadd_ps(c5, a, b);
      c6 = _mm256_fmadd_ps(c6, a, b);
      c7 = _mm256_fmadd_ps(c7, a, b);
      c8 = _mm256_fmadd_ps(c8, a, b);
      c9 = _mm256_fmadd_ps(c9, a, b);
      c10 = _mm256_fmadd_ps(c10, a, b);
      c11 = _mm256_fmadd_ps(c11, a, b);
    }
    best = std::min(best, seconds_since(t0));
  }
  const __m256 sum = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(c0, c1), _mm256_add_ps(c2, c3)),
                                   _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(c4, c5), _mm256_add_ps(c6, c7)),
                                                 _mm256_add_ps(_mm256_add_ps(c8, c9), _mm256_add_ps(c10, c11))));
  if (_mm256_cvtss_f32(sum) == 12345.0f) std::puts("");  // keeps the chains live
  return 12.0 * 16.0 * static_cast<double>(iters) / best / 1e9;
}

// A 132-row packed A block (in L2) times 32 packed B slivers (512 columns), as the GEMM driver runs it.
double microkernel_gflops(int kc) {
  const int rows = 132, slivers = 32, ldc = slivers * ak::kNR;
  float* A = static_cast<float*>(std::aligned_alloc(64, sizeof(float) * rows * kc));
  float* B = static_cast<float*>(std::aligned_alloc(64, sizeof(float) * slivers * ak::kNR * kc));
  std::vector<float> C(static_cast<size_t>(rows) * ldc);
  for (int i = 0; i < rows * kc; i++) A[i] = static_cast<float>(i % 7) * 0.01f;
  for (int i = 0; i < slivers * ak::kNR * kc; i++) B[i] = static_cast<float>(i % 5) * 0.01f;
  double best = 1e9;
  for (int rep = 0; rep < 200; rep++) {
    const auto t0 = std::chrono::steady_clock::now();
    for (int s = 0; s < slivers; s++) {
      for (int ir = 0; ir < rows; ir += ak::kMR) {
        ak::microkernel_avx2(kc, A + ir * kc, 0, B + s * ak::kNR * kc, C.data() + ir * ldc + s * ak::kNR, ldc, 1.0f,
                             0.0f, nullptr, ak::kMR, ak::kNR);
      }
    }
    best = std::min(best, seconds_since(t0));
  }
  std::free(A);
  std::free(B);
  return 2.0 * rows * ldc * kc / best / 1e9;
}

}  // namespace

int main() {
  const double peak = fma_peak_gflops();
  std::printf("FMA peak (12 register chains): %.1f GFLOP/s\n", peak);
  for (const int kc : {128, 512}) {
    const double g = microkernel_gflops(kc);
    std::printf("micro-kernel 6x16, kc = %d: %.1f GFLOP/s = %.2f of peak\n", kc, g, g / peak);
  }
}
