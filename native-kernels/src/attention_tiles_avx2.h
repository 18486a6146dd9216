// Register tiles and packing for the fused AVX2 attention kernels (attention_avx2.cc, the only file that includes
// this one, compiled with -mavx2 -mfma): "dot" (MR rows x 16 keys, reduction over hs, keys packed transposed into
// 16-wide panels), "axpy" (MR rows x 16 channels, reduction over keys, A read in place by rows or by columns), and the
// packing of a head's strided rows. Everything sits in an anonymous namespace, so no AVX2 code ends up behind a
// symbol the portable objects could share (see vecmath.h).
#pragma once

#if !defined(__AVX2__) || !defined(__FMA__)
#error "attention_tiles_avx2.h needs -mavx2 -mfma"
#endif

#include <immintrin.h>

#include <cstdint>

namespace ak {
namespace avx2 {
namespace {

constexpr int kRows = 6;   // query (or key) rows per register tile
constexpr int kKeys = 16;  // keys per packed panel = columns of a dot tile

// How many rows ahead the packing loops prefetch: a head's rows sit 3C floats apart in qkv (C apart in dout), far
// enough that the hardware prefetcher does not follow them, and with a large batch they come from memory.
constexpr int64_t kAhead = 8;

inline void prefetch_row(const float* row, int64_t hs) {
  for (int64_t d = 0; d < hs; d += 16) _mm_prefetch(reinterpret_cast<const char*>(row + d), _MM_HINT_T0);
}

// dst(T, hs) contiguous <- mul * x(T, hs) with row stride ld; hs % 8 == 0. The head's scale goes into q (forward) or
// into k and q (backward) here, once per element, so that no tile multiplies its results by it.
void pack_rows(float* dst, const float* x, int64_t ld, int64_t T, int64_t hs, float mul) {
  const __m256 vm = _mm256_set1_ps(mul);
  for (int64_t j = 0; j < T; j++) {
    if (j + kAhead < T) prefetch_row(x + (j + kAhead) * ld, hs);
    for (int64_t d = 0; d < hs; d += 8) {
      const __m256 row = _mm256_loadu_ps(x + j * ld + d);
      _mm256_storeu_ps(dst + j * hs + d, mul == 1.0f ? row : _mm256_mul_ps(vm, row));
    }
  }
}

// Transposes the 8x8 block src (rows 8 apart by lds) into dst (rows ld apart): dst[c][r] = src[r][c].
inline void transpose8x8(float* dst, int64_t ldd, const float* src, int64_t lds) {
  __m256 r0 = _mm256_loadu_ps(src), r1 = _mm256_loadu_ps(src + lds), r2 = _mm256_loadu_ps(src + 2 * lds),
         r3 = _mm256_loadu_ps(src + 3 * lds), r4 = _mm256_loadu_ps(src + 4 * lds), r5 = _mm256_loadu_ps(src + 5 * lds),
         r6 = _mm256_loadu_ps(src + 6 * lds), r7 = _mm256_loadu_ps(src + 7 * lds);
  // Pairs of rows interleaved, then pairs of pairs, then the 128-bit halves swapped into place.
  const __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1), t2 = _mm256_unpacklo_ps(r2, r3),
               t3 = _mm256_unpackhi_ps(r2, r3), t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5),
               t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
  r0 = _mm256_shuffle_ps(t0, t2, 0x44);
  r1 = _mm256_shuffle_ps(t0, t2, 0xEE);
  r2 = _mm256_shuffle_ps(t1, t3, 0x44);
  r3 = _mm256_shuffle_ps(t1, t3, 0xEE);
  r4 = _mm256_shuffle_ps(t4, t6, 0x44);
  r5 = _mm256_shuffle_ps(t4, t6, 0xEE);
  r6 = _mm256_shuffle_ps(t5, t7, 0x44);
  r7 = _mm256_shuffle_ps(t5, t7, 0xEE);
  _mm256_storeu_ps(dst, _mm256_permute2f128_ps(r0, r4, 0x20));
  _mm256_storeu_ps(dst + ldd, _mm256_permute2f128_ps(r1, r5, 0x20));
  _mm256_storeu_ps(dst + 2 * ldd, _mm256_permute2f128_ps(r2, r6, 0x20));
  _mm256_storeu_ps(dst + 3 * ldd, _mm256_permute2f128_ps(r3, r7, 0x20));
  _mm256_storeu_ps(dst + 4 * ldd, _mm256_permute2f128_ps(r0, r4, 0x31));
  _mm256_storeu_ps(dst + 5 * ldd, _mm256_permute2f128_ps(r1, r5, 0x31));
  _mm256_storeu_ps(dst + 6 * ldd, _mm256_permute2f128_ps(r2, r6, 0x31));
  _mm256_storeu_ps(dst + 7 * ldd, _mm256_permute2f128_ps(r3, r7, 0x31));
}

// panel(ceil(T/16), hs, 16): keys j of x (T, hs, row stride ld) transposed in groups of 16, zero past T, so a dot tile
// reads 16 keys of one channel with one pair of loads. Whole groups of 8 keys go through 8x8 register transposes
// (hs % 8 == 0), the last partial group and the zero padding element by element.
void pack_panel(float* panel, const float* x, int64_t ld, int64_t T, int64_t hs) {
  const int64_t padded = (T + kKeys - 1) / kKeys * kKeys;
  const int64_t T8 = T / 8 * 8;
  for (int64_t j = 0; j < T8; j += 8) {
    for (int64_t a = j + kAhead; a < j + 8 + kAhead && a < T; a++) prefetch_row(x + a * ld, hs);
    float* dst = panel + (j / kKeys) * hs * kKeys + j % kKeys;
    for (int64_t d = 0; d < hs; d += 8) transpose8x8(dst + d * kKeys, kKeys, x + j * ld + d, ld);
  }
  for (int64_t j = T8; j < padded; j++) {
    float* dst = panel + (j / kKeys) * hs * kKeys + j % kKeys;
    for (int64_t d = 0; d < hs; d++) dst[d * kKeys] = j < T ? x[j * ld + d] : 0.0f;
  }
}

// The register tiles name their accumulators one by one (c<row><half>): GCC keeps an array of __m256 accumulators
// on the stack and stores it every iteration, which halved the speed. Rows >= MR compile away.
#define AK_ACC_DECL(r) __m256 c##r##0 = _mm256_setzero_ps(), c##r##1 = _mm256_setzero_ps();
#define AK_ACC_ALL(X) X(0) X(1) X(2) X(3) X(4) X(5)

// C[r][c] = sum_d A[r*lda + d] * P[d][c] for r < MR, c < nr (<= 16): one 16-key panel against MR rows.
template <int MR>
__attribute__((always_inline)) inline void dot_panel(int64_t hs, const float* A, int64_t lda, const float* P, float* C,
                                                     int64_t ldc, int64_t nr) {
  AK_ACC_ALL(AK_ACC_DECL)
  for (int64_t d = 0; d < hs; d++) {
    const __m256 b0 = _mm256_loadu_ps(P + d * kKeys), b1 = _mm256_loadu_ps(P + d * kKeys + 8);
#define AK_DOT_ROW(r)                                        \
  if constexpr (MR > r) {                                    \
    const __m256 a = _mm256_broadcast_ss(A + r * lda + d);   \
    c##r##0 = _mm256_fmadd_ps(a, b0, c##r##0);               \
    c##r##1 = _mm256_fmadd_ps(a, b1, c##r##1);               \
  }
    AK_ACC_ALL(AK_DOT_ROW)
#undef AK_DOT_ROW
  }
#define AK_DOT_STORE(r)                                                  \
  if constexpr (MR > r) {                                                \
    float* c = C + r * ldc;                                              \
    if (nr == kKeys) {                                                   \
      _mm256_storeu_ps(c, c##r##0);                                      \
      _mm256_storeu_ps(c + 8, c##r##1);                                  \
    } else {                                                             \
      alignas(32) float tmp[kKeys];                                      \
      _mm256_store_ps(tmp, c##r##0);                                     \
      _mm256_store_ps(tmp + 8, c##r##1);                                 \
      for (int64_t j = 0; j < nr; j++) c[j] = tmp[j];                    \
    }                                                                    \
  }
  AK_ACC_ALL(AK_DOT_STORE)
#undef AK_DOT_STORE
}

// dot_panel over `panels` consecutive 16-key panels (c < cols in all), the loop kept inside one call: with hs = 32 a
// panel is only 32 steps long, and a call and row-count dispatch per panel measured 1-2% slower per head.
template <int MR>
void dot_tile(int64_t hs, const float* A, int64_t lda, const float* P, int64_t panels, float* C, int64_t ldc,
              int64_t cols) {
  for (int64_t p = 0; p < panels; p++) {
    const int64_t nr = cols - p * kKeys < kKeys ? cols - p * kKeys : kKeys;
    dot_panel<MR>(hs, A, lda, P + p * hs * kKeys, C + p * kKeys, ldc, nr);
  }
}

// O[r][c] = sum_{k0 <= k < k1} A[r*ra + k*ka] * X[k*ldx + c] for r < MR, c < 8*NV. (ra, ka) = (T, 1) reads A
// by rows (att v, dp k), (1, T) by columns (att^T dout, dp^T q). An empty k range writes zeros.
template <int MR, int NV>
void axpy_tile(int64_t k0, int64_t k1, const float* A, int64_t ra, int64_t ka, const float* X, int64_t ldx, float* O,
               int64_t ldo) {
  AK_ACC_ALL(AK_ACC_DECL)
  for (int64_t k = k0; k < k1; k++) {
    const float* x = X + k * ldx;
    const float* a = A + k * ka;
    // Down a column (att^T dout, dp^T q) each k is a new line T floats on, and waiting for it stalled the tile: the
    // key pass ran about 15% faster with the line 8 rows ahead requested (4 and 16 rows measured the same). A
    // prefetch past the end of the buffer never faults.
    if (ka != 1) _mm_prefetch(reinterpret_cast<const char*>(a + 8 * ka), _MM_HINT_T0);
    const __m256 x0 = _mm256_loadu_ps(x);
    const __m256 x1 = NV > 1 ? _mm256_loadu_ps(x + 8) : x0;
#define AK_AXPY_ROW(r)                                       \
  if constexpr (MR > r) {                                    \
    const __m256 ar = _mm256_broadcast_ss(a + r * ra);       \
    c##r##0 = _mm256_fmadd_ps(ar, x0, c##r##0);              \
    if constexpr (NV > 1) c##r##1 = _mm256_fmadd_ps(ar, x1, c##r##1); \
  }
    AK_ACC_ALL(AK_AXPY_ROW)
#undef AK_AXPY_ROW
  }
#define AK_AXPY_STORE(r)                                                  \
  if constexpr (MR > r) {                                                 \
    _mm256_storeu_ps(O + r * ldo, c##r##0);                               \
    if constexpr (NV > 1) _mm256_storeu_ps(O + r * ldo + 8, c##r##1);     \
  }
  AK_ACC_ALL(AK_AXPY_STORE)
#undef AK_AXPY_STORE
}

#undef AK_ACC_DECL
#undef AK_ACC_ALL

// Runs dot_tile with MR = rows (1..6).
void dot_rows(int rows, int64_t hs, const float* A, int64_t lda, const float* P, int64_t panels, float* C, int64_t ldc,
              int64_t cols) {
  switch (rows) {
    case 6: return dot_tile<6>(hs, A, lda, P, panels, C, ldc, cols);
    case 5: return dot_tile<5>(hs, A, lda, P, panels, C, ldc, cols);
    case 4: return dot_tile<4>(hs, A, lda, P, panels, C, ldc, cols);
    case 3: return dot_tile<3>(hs, A, lda, P, panels, C, ldc, cols);
    case 2: return dot_tile<2>(hs, A, lda, P, panels, C, ldc, cols);
    default: return dot_tile<1>(hs, A, lda, P, panels, C, ldc, cols);
  }
}

template <int NV>
void axpy_rows_nv(int rows, int64_t k0, int64_t k1, const float* A, int64_t ra, int64_t ka, const float* X,
                  int64_t ldx, float* O, int64_t ldo) {
  switch (rows) {
    case 6: return axpy_tile<6, NV>(k0, k1, A, ra, ka, X, ldx, O, ldo);
    case 5: return axpy_tile<5, NV>(k0, k1, A, ra, ka, X, ldx, O, ldo);
    case 4: return axpy_tile<4, NV>(k0, k1, A, ra, ka, X, ldx, O, ldo);
    case 3: return axpy_tile<3, NV>(k0, k1, A, ra, ka, X, ldx, O, ldo);
    case 2: return axpy_tile<2, NV>(k0, k1, A, ra, ka, X, ldx, O, ldo);
    default: return axpy_tile<1, NV>(k0, k1, A, ra, ka, X, ldx, O, ldo);
  }
}

// All hs channels of `rows` output rows, 16 channels (two vectors) per tile plus one 8-wide tile when hs % 16 == 8.
void axpy_rows(int rows, int64_t hs, int64_t k0, int64_t k1, const float* A, int64_t ra, int64_t ka, const float* X,
               int64_t ldx, float* O, int64_t ldo) {
  int64_t c = 0;
  for (; c + 16 <= hs; c += 16) axpy_rows_nv<2>(rows, k0, k1, A, ra, ka, X + c, ldx, O + c, ldo);
  if (c < hs) axpy_rows_nv<1>(rows, k0, k1, A, ra, ka, X + c, ldx, O + c, ldo);
}

}  // namespace
}  // namespace avx2
}  // namespace ak
