// AVX2+FMA GEMM code: 6x16 micro-kernel (12 ymm accumulators) and packing transposes; built alone with -mavx2 -mfma.
#include "gemm_kernels.h"

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

namespace ak {
namespace {

// kKS is the distance between consecutive k of one row of A: kMR for a packed sliver, 1 for rows read in place,
// 0 for "given at run time" (a transposed A read in place, where k steps by whole rows).
// Full-width tile: 6 rows x 16 columns.
template <int kKS>
void tile_6x16(int64_t kc, const float* const* a, int64_t ks, const float* Bp, float* C, int64_t ldc, float alpha,
               float beta, const float* bias, int mr, int nr) {
  const float *a0 = a[0], *a1 = a[1], *a2 = a[2], *a3 = a[3], *a4 = a[4], *a5 = a[5];
  __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps();
  __m256 c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
  __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps();
  __m256 c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
  __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps();
  __m256 c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
  for (int r = 0; r < mr; r++) _mm_prefetch(reinterpret_cast<const char*>(C + r * ldc), _MM_HINT_T0);
  for (int64_t k = 0; k < kc; k++) {
    const __m256 b0 = _mm256_load_ps(Bp);
    const __m256 b1 = _mm256_load_ps(Bp + 8);
    _mm_prefetch(reinterpret_cast<const char*>(Bp + 8 * kNR), _MM_HINT_T0);
    const int64_t o = k * (kKS == 0 ? ks : kKS);
    __m256 x = _mm256_broadcast_ss(a0 + o);
    c00 = _mm256_fmadd_ps(x, b0, c00);
    c01 = _mm256_fmadd_ps(x, b1, c01);
    x = _mm256_broadcast_ss(a1 + o);
    c10 = _mm256_fmadd_ps(x, b0, c10);
    c11 = _mm256_fmadd_ps(x, b1, c11);
    x = _mm256_broadcast_ss(a2 + o);
    c20 = _mm256_fmadd_ps(x, b0, c20);
    c21 = _mm256_fmadd_ps(x, b1, c21);
    x = _mm256_broadcast_ss(a3 + o);
    c30 = _mm256_fmadd_ps(x, b0, c30);
    c31 = _mm256_fmadd_ps(x, b1, c31);
    x = _mm256_broadcast_ss(a4 + o);
    c40 = _mm256_fmadd_ps(x, b0, c40);
    c41 = _mm256_fmadd_ps(x, b1, c41);
    x = _mm256_broadcast_ss(a5 + o);
    c50 = _mm256_fmadd_ps(x, b0, c50);
    c51 = _mm256_fmadd_ps(x, b1, c51);
    Bp += kNR;
  }
  const __m256 acc[kMR][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
  if (mr == kMR && nr == kNR) {
    const __m256 va = _mm256_set1_ps(alpha);
    const __m256 vb = _mm256_set1_ps(beta);
    for (int r = 0; r < kMR; r++) {
      float* c = C + r * ldc;
      for (int h = 0; h < 2; h++) {
        __m256 v = _mm256_mul_ps(va, acc[r][h]);
        if (beta != 0.0f) v = _mm256_fmadd_ps(vb, _mm256_loadu_ps(c + 8 * h), v);
        if (bias) v = _mm256_add_ps(v, _mm256_loadu_ps(bias + 8 * h));
        _mm256_storeu_ps(c + 8 * h, v);
      }
    }
    return;
  }
  alignas(32) float tile[kMR * kNR];
  for (int r = 0; r < kMR; r++) {
    _mm256_store_ps(tile + r * kNR, acc[r][0]);
    _mm256_store_ps(tile + r * kNR + 8, acc[r][1]);
  }
  store_tile_scalar(tile, C, ldc, alpha, beta, bias, mr, nr);
}

// Right-edge tile at most 8 columns wide (e.g. the 65th column of a 65-wide head): only the left half of the packed
// B sliver is used, halving the work; each element sees the same FMA sequence as in the full tile.
template <int kKS>
void tile_6x8(int64_t kc, const float* const* a, int64_t ks, const float* Bp, float* C, int64_t ldc, float alpha,
              float beta, const float* bias, int mr, int nr) {
  const float *a0 = a[0], *a1 = a[1], *a2 = a[2], *a3 = a[3], *a4 = a[4], *a5 = a[5];
  __m256 c0 = _mm256_setzero_ps(), c1 = _mm256_setzero_ps(), c2 = _mm256_setzero_ps();
  __m256 c3 = _mm256_setzero_ps(), c4 = _mm256_setzero_ps(), c5 = _mm256_setzero_ps();
  for (int64_t k = 0; k < kc; k++) {
    const __m256 b0 = _mm256_load_ps(Bp);
    const int64_t o = k * (kKS == 0 ? ks : kKS);
    c0 = _mm256_fmadd_ps(_mm256_broadcast_ss(a0 + o), b0, c0);
    c1 = _mm256_fmadd_ps(_mm256_broadcast_ss(a1 + o), b0, c1);
    c2 = _mm256_fmadd_ps(_mm256_broadcast_ss(a2 + o), b0, c2);
    c3 = _mm256_fmadd_ps(_mm256_broadcast_ss(a3 + o), b0, c3);
    c4 = _mm256_fmadd_ps(_mm256_broadcast_ss(a4 + o), b0, c4);
    c5 = _mm256_fmadd_ps(_mm256_broadcast_ss(a5 + o), b0, c5);
    Bp += kNR;
  }
  alignas(32) float tile[kMR * kNR];
  const __m256 acc[kMR] = {c0, c1, c2, c3, c4, c5};
  for (int r = 0; r < kMR; r++) _mm256_store_ps(tile + r * kNR, acc[r]);
  store_tile_scalar(tile, C, ldc, alpha, beta, bias, mr, nr);
}

// Transposes the 8x8 block of rows r[0..8) (8 floats each) into columns: out[k] holds r[0][k] .. r[7][k].
inline void transpose_8x8(const __m256 r[8], __m256 out[8]) {
  const __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
  const __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
  const __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
  const __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
  const __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
  const __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
  const __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE);
  const __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
  out[0] = _mm256_permute2f128_ps(u0, u4, 0x20);
  out[1] = _mm256_permute2f128_ps(u1, u5, 0x20);
  out[2] = _mm256_permute2f128_ps(u2, u6, 0x20);
  out[3] = _mm256_permute2f128_ps(u3, u7, 0x20);
  out[4] = _mm256_permute2f128_ps(u0, u4, 0x31);
  out[5] = _mm256_permute2f128_ps(u1, u5, 0x31);
  out[6] = _mm256_permute2f128_ps(u2, u6, 0x31);
  out[7] = _mm256_permute2f128_ps(u3, u7, 0x31);
}

}  // namespace

void avx2::pack_b_trans_sliver(const float* B, int64_t ldb, int64_t kc, float* dst, bool prefetch_next) {
  int64_t k0 = 0;
  for (; k0 + 8 <= kc; k0 += 8) {
    for (int half = 0; half < 2; half++) {
      const float* rows = B + half * 8 * ldb + k0;
      __m256 r[8], t[8];
      for (int i = 0; i < 8; i++) r[i] = _mm256_loadu_ps(rows + i * ldb);
      if (prefetch_next && (k0 & 15) == 0) {
        for (int i = 0; i < 8; i++) _mm_prefetch(reinterpret_cast<const char*>(rows + (kNR + i) * ldb), _MM_HINT_T0);
      }
      transpose_8x8(r, t);
      for (int i = 0; i < 8; i++) _mm256_store_ps(dst + (k0 + i) * kNR + half * 8, t[i]);
    }
  }
  for (; k0 < kc; k0++) {
    for (int c = 0; c < kNR; c++) dst[k0 * kNR + c] = B[c * ldb + k0];
  }
}

void avx2::pack_a_sliver(const float* A, int64_t lda, int64_t kc, float* dst) {
  int64_t k0 = 0;
  for (; k0 + 8 <= kc; k0 += 8) {
    __m256 r[8], t[8];
    for (int i = 0; i < kMR; i++) r[i] = _mm256_loadu_ps(A + i * lda + k0);
    r[6] = r[7] = _mm256_setzero_ps();  // the transpose is 8 wide; these two lanes are never stored
    transpose_8x8(r, t);
    for (int i = 0; i < 8; i++) {
      // 6 floats per k: the low 4 lanes, then lanes 4-5 as one 64-bit store (no write past the sliver).
      float* d = dst + (k0 + i) * kMR;
      _mm_storeu_ps(d, _mm256_castps256_ps128(t[i]));
      _mm_storel_pi(reinterpret_cast<__m64*>(d + 4), _mm256_extractf128_ps(t[i], 1));
    }
  }
  for (; k0 < kc; k0++) {
    for (int r = 0; r < kMR; r++) dst[k0 * kMR + r] = A[r * lda + k0];
  }
}

void microkernel_avx2(int64_t kc, const float* A, int64_t lda, const float* Bp, float* C, int64_t ldc, float alpha,
                      float beta, const float* bias, int mr, int nr) {
  // Row pointers of the 6-row sliver; rows past mr repeat row 0 (their results are never stored).
  const float* a[kMR];
  if (lda == 0) {
    for (int r = 0; r < kMR; r++) a[r] = A + r;
    if (nr <= 8) return tile_6x8<kMR>(kc, a, kMR, Bp, C, ldc, alpha, beta, bias, mr, nr);
    return tile_6x16<kMR>(kc, a, kMR, Bp, C, ldc, alpha, beta, bias, mr, nr);
  }
  if (lda > 0) {
    for (int r = 0; r < kMR; r++) a[r] = A + (r < mr ? r : 0) * lda;
    if (nr <= 8) return tile_6x8<1>(kc, a, 1, Bp, C, ldc, alpha, beta, bias, mr, nr);
    return tile_6x16<1>(kc, a, 1, Bp, C, ldc, alpha, beta, bias, mr, nr);
  }
  for (int r = 0; r < kMR; r++) a[r] = A + (r < mr ? r : 0);
  if (nr <= 8) return tile_6x8<0>(kc, a, -lda, Bp, C, ldc, alpha, beta, bias, mr, nr);
  tile_6x16<0>(kc, a, -lda, Bp, C, ldc, alpha, beta, bias, mr, nr);
}

// dbias: 32 columns of dout (row t at dout + t*ld) summed over rows into acc[0..32), each column in double and in row
// order, exactly as the portable loop sums it (float -> double is exact, the adds happen in the same sequence).
void avx2::column_sums_32(const float* dout, int64_t rows, int64_t ld, double* acc) {
  __m256d s[8];
  for (int q = 0; q < 8; q++) s[q] = _mm256_loadu_pd(acc + 4 * q);
  for (int64_t t = 0; t < rows; t++) {
    const float* row = dout + t * ld;
    for (int h = 0; h < 4; h++) {
      const __m256 x = _mm256_loadu_ps(row + 8 * h);
      s[2 * h] = _mm256_add_pd(s[2 * h], _mm256_cvtps_pd(_mm256_castps256_ps128(x)));
      s[2 * h + 1] = _mm256_add_pd(s[2 * h + 1], _mm256_cvtps_pd(_mm256_extractf128_ps(x, 1)));
    }
  }
  for (int q = 0; q < 8; q++) _mm256_storeu_pd(acc + 4 * q, s[q]);
}

}  // namespace ak

#else

namespace ak {

// Non-x86 builds: the AVX2 path is never selected (cpu.cc reports no AVX2), but the symbols must exist to link.
void microkernel_avx2(int64_t kc, const float* A, int64_t lda, const float* Bp, float* C, int64_t ldc, float alpha,
                      float beta, const float* bias, int mr, int nr) {
  microkernel_portable(kc, A, lda, Bp, C, ldc, alpha, beta, bias, mr, nr);
}

void avx2::pack_a_sliver(const float* A, int64_t lda, int64_t kc, float* dst) {
  for (int64_t k = 0; k < kc; k++) {
    for (int r = 0; r < kMR; r++) dst[k * kMR + r] = A[r * lda + k];
  }
}

void avx2::pack_b_trans_sliver(const float* B, int64_t ldb, int64_t kc, float* dst, bool) {
  for (int64_t k = 0; k < kc; k++) {
    for (int c = 0; c < kNR; c++) dst[k * kNR + c] = B[c * ldb + k];
  }
}

void avx2::column_sums_32(const float* dout, int64_t rows, int64_t ld, double* acc) {
  for (int64_t t = 0; t < rows; t++) {
    for (int j = 0; j < 32; j++) acc[j] += dout[t * ld + j];
  }
}

}  // namespace ak

#endif
