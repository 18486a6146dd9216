// The GEMM micro-kernels (6x16 register tile over packed panels) and their shared scalar epilogue.
#pragma once

#include <cstdint>

namespace ak {

constexpr int kMR = 6;   // rows of the register tile (A sliver height)
constexpr int kNR = 16;  // columns of the register tile (B sliver width, two AVX2 vectors)

// A: with lda == 0 a packed sliver (kc steps of kMR floats, rows past mr zero); with lda > 0 the first of mr rows of a
// row-major A read in place (row r at A + r*lda, k contiguous); with lda < 0 a transposed A read in place (row r at
// A + r, k steps of -lda floats). Bp: kc steps of kNR floats, 32-byte aligned, zero padded.
// Writes the top-left mr x nr corner of the tile: C = alpha*acc + beta*C (+ bias[c]); beta == 0 never reads C.
using MicroKernel = void (*)(int64_t kc, const float* A, int64_t lda, const float* Bp, float* C, int64_t ldc,
                             float alpha, float beta, const float* bias, int mr, int nr);

void microkernel_portable(int64_t kc, const float* A, int64_t lda, const float* Bp, float* C, int64_t ldc, float alpha,
                          float beta, const float* bias, int mr, int nr);
// Defined in gemm_avx2.cc (built with -mavx2 -mfma); only called after cpu detection confirmed AVX2 and FMA.
void microkernel_avx2(int64_t kc, const float* A, int64_t lda, const float* Bp, float* C, int64_t ldc, float alpha,
                      float beta, const float* bias, int mr, int nr);

// Packing with 8x8 register transposes, defined in gemm_avx2.cc; only called when AVX2 is in use. Both copy values
// unchanged, so the packed panels equal the portable packing's.
namespace avx2 {
// One full kNR-column sliver of a transposed B (row c of the sliver at B + c*ldb, kc floats each, k contiguous) into
// dst (kc steps of kNR floats, 32-byte aligned); prefetch_next also requests the next sliver's rows (kNR rows on).
void pack_b_trans_sliver(const float* B, int64_t ldb, int64_t kc, float* dst, bool prefetch_next);
// One full kMR-row sliver of a row-major A (row r at A + r*lda, kc floats each) into dst (kc steps of kMR floats).
void pack_a_sliver(const float* A, int64_t lda, int64_t kc, float* dst);
// acc[j] += dout[t*ld + j] for j < 32, t = 0..rows-1 in order, in double (a linear layer's bias gradient).
void column_sums_32(const float* dout, int64_t rows, int64_t ld, double* acc);
}  // namespace avx2

// static: compiled into both the portable and the AVX2 objects, each must keep its own copy (see vecmath.h).
static inline void store_tile_scalar(const float* acc, float* C, int64_t ldc, float alpha, float beta, const float* bias,
                              int mr, int nr) {
  for (int r = 0; r < mr; r++) {
    float* c = C + r * ldc;
    for (int j = 0; j < nr; j++) {
      float v = alpha * acc[r * kNR + j];
      if (beta != 0.0f) v += beta * c[j];
      if (bias) v += bias[j];
      c[j] = v;
    }
  }
}

}  // namespace ak
