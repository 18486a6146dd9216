// Fused AVX2+FMA attention for one (batch, head) with hs % 8 == 0 (this file is compiled with -mavx2 -mfma).
// Instead of four generic sgemm calls over full T x T blocks, it walks the queries in blocks of 6 rows:
//   forward   preatt rows = scale q k^T (every key when the caller keeps the scores, else only the block's visible
//             keys, into a block-sized scratch), softmax over the visible keys, out rows = att v over the block's
//             visible keys only (a causal model skips the upper triangle);
//   backward  datt, dpreatt and dq over each query block's visible keys, then dv = att^T dout and dk = scale dp^T q
//             over each key block's contributing queries (for a causal model, the queries i >= the block's first key).
// Two register tiles do all products: "dot" (6 rows x 16 keys, reduction over hs, keys packed transposed into
// 16-wide panels) and "axpy" (6 rows x 16 channels, reduction over keys, A read in place by rows or by columns).
// The head's q, k, v, dout rows are packed contiguous first: strided in qkv, they would be fetched again on every pass.
// Everything runs serially inside one pool task, so results do not depend on the thread count.
#include "attention_head.h"
#include "vecmath.h"

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

#include <cmath>

#include "vecmath_avx2.h"

namespace ak {
namespace avx2 {
namespace {

constexpr int kRows = 6;   // query (or key) rows per register tile
constexpr int kKeys = 16;  // keys per packed panel = columns of a dot tile

inline float hmax(__m256 v) {
  __m128 s = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_max_ps(s, _mm_movehl_ps(s, s));
  s = _mm_max_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

// How many rows ahead the packing loops prefetch: a head's rows sit 3C floats apart in qkv (C apart in dout), far
// enough that the hardware prefetcher does not follow them, and with a large batch they come from memory.
constexpr int64_t kAhead = 8;

inline void prefetch_row(const float* row, int64_t hs) {
  for (int64_t d = 0; d < hs; d += 16) _mm_prefetch(reinterpret_cast<const char*>(row + d), _MM_HINT_T0);
}

// dst(T, hs) contiguous <- x(T, hs) with row stride ld; hs % 8 == 0.
void pack_rows(float* dst, const float* x, int64_t ld, int64_t T, int64_t hs) {
  for (int64_t j = 0; j < T; j++) {
    if (j + kAhead < T) prefetch_row(x + (j + kAhead) * ld, hs);
    for (int64_t d = 0; d < hs; d += 8) _mm256_storeu_ps(dst + j * hs + d, _mm256_loadu_ps(x + j * ld + d));
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

// C[r][c] = alpha * sum_d A[r*lda + d] * P[d][c] for r < MR, c < nr (<= 16): one 16-key panel against MR rows.
template <int MR>
void dot_tile(int64_t hs, const float* A, int64_t lda, const float* P, float alpha, float* C, int64_t ldc, int nr) {
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
  const __m256 va = _mm256_set1_ps(alpha);
#define AK_DOT_STORE(r)                                                  \
  if constexpr (MR > r) {                                                \
    float* c = C + r * ldc;                                              \
    if (nr == kKeys) {                                                   \
      _mm256_storeu_ps(c, _mm256_mul_ps(va, c##r##0));                   \
      _mm256_storeu_ps(c + 8, _mm256_mul_ps(va, c##r##1));               \
    } else {                                                             \
      alignas(32) float tmp[kKeys];                                      \
      _mm256_store_ps(tmp, _mm256_mul_ps(va, c##r##0));                  \
      _mm256_store_ps(tmp + 8, _mm256_mul_ps(va, c##r##1));              \
      for (int j = 0; j < nr; j++) c[j] = tmp[j];                        \
    }                                                                    \
  }
  AK_ACC_ALL(AK_DOT_STORE)
#undef AK_DOT_STORE
}

// O[r][c] = alpha * sum_{k0 <= k < k1} A[r*ra + k*ka] * X[k*ldx + c] for r < MR, c < 8*NV. (ra, ka) = (T, 1) reads A
// by rows (att v, dp k), (1, T) by columns (att^T dout, dp^T q). An empty k range writes zeros.
template <int MR, int NV>
void axpy_tile(int64_t k0, int64_t k1, const float* A, int64_t ra, int64_t ka, const float* X, int64_t ldx, float alpha,
               float* O, int64_t ldo) {
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
  const __m256 va = _mm256_set1_ps(alpha);
#define AK_AXPY_STORE(r)                                                             \
  if constexpr (MR > r) {                                                            \
    _mm256_storeu_ps(O + r * ldo, _mm256_mul_ps(va, c##r##0));                       \
    if constexpr (NV > 1) _mm256_storeu_ps(O + r * ldo + 8, _mm256_mul_ps(va, c##r##1)); \
  }
  AK_ACC_ALL(AK_AXPY_STORE)
#undef AK_AXPY_STORE
}

#undef AK_ACC_DECL
#undef AK_ACC_ALL

// Runs dot_tile with MR = rows (1..6).
void dot_rows(int rows, int64_t hs, const float* A, int64_t lda, const float* P, float alpha, float* C, int64_t ldc,
              int nr) {
  switch (rows) {
    case 6: return dot_tile<6>(hs, A, lda, P, alpha, C, ldc, nr);
    case 5: return dot_tile<5>(hs, A, lda, P, alpha, C, ldc, nr);
    case 4: return dot_tile<4>(hs, A, lda, P, alpha, C, ldc, nr);
    case 3: return dot_tile<3>(hs, A, lda, P, alpha, C, ldc, nr);
    case 2: return dot_tile<2>(hs, A, lda, P, alpha, C, ldc, nr);
    default: return dot_tile<1>(hs, A, lda, P, alpha, C, ldc, nr);
  }
}

template <int NV>
void axpy_rows_nv(int rows, int64_t k0, int64_t k1, const float* A, int64_t ra, int64_t ka, const float* X,
                  int64_t ldx, float alpha, float* O, int64_t ldo) {
  switch (rows) {
    case 6: return axpy_tile<6, NV>(k0, k1, A, ra, ka, X, ldx, alpha, O, ldo);
    case 5: return axpy_tile<5, NV>(k0, k1, A, ra, ka, X, ldx, alpha, O, ldo);
    case 4: return axpy_tile<4, NV>(k0, k1, A, ra, ka, X, ldx, alpha, O, ldo);
    case 3: return axpy_tile<3, NV>(k0, k1, A, ra, ka, X, ldx, alpha, O, ldo);
    case 2: return axpy_tile<2, NV>(k0, k1, A, ra, ka, X, ldx, alpha, O, ldo);
    default: return axpy_tile<1, NV>(k0, k1, A, ra, ka, X, ldx, alpha, O, ldo);
  }
}

// All hs channels of `rows` output rows, 16 channels (two vectors) per tile plus one 8-wide tile when hs % 16 == 8.
void axpy_rows(int rows, int64_t hs, int64_t k0, int64_t k1, const float* A, int64_t ra, int64_t ka, const float* X,
               int64_t ldx, float alpha, float* O, int64_t ldo) {
  int64_t c = 0;
  for (; c + 16 <= hs; c += 16) axpy_rows_nv<2>(rows, k0, k1, A, ra, ka, X + c, ldx, alpha, O + c, ldo);
  if (c < hs) axpy_rows_nv<1>(rows, k0, k1, A, ra, ka, X + c, ldx, alpha, O + c, ldo);
}

// att row = softmax of the preatt row over keys j < n with key_vis[j] != 0 (all j < n when key_vis is null); every
// other entry exactly 0. exp8_fast clamps its argument, so a row whose keys are all padding (max -inf) stays finite before
// the 0 visibility zeroes it, and its sum 0 leaves it all 0.
void softmax_row(float* arow, const float* prow, int64_t n, int64_t T, const float* key_vis) {
  const int64_t n8 = n / 8 * 8;
  const __m256 ninf = _mm256_set1_ps(-INFINITY), zero = _mm256_setzero_ps();
  __m256 vmax = ninf;
  float mx = -INFINITY;
  if (key_vis == nullptr) {
    for (int64_t j = 0; j < n8; j += 8) vmax = _mm256_max_ps(vmax, _mm256_loadu_ps(prow + j));
    mx = hmax(vmax);
    for (int64_t j = n8; j < n; j++) mx = prow[j] > mx ? prow[j] : mx;
  } else {
    for (int64_t j = 0; j < n8; j += 8) {
      const __m256 seen = _mm256_cmp_ps(_mm256_loadu_ps(key_vis + j), zero, _CMP_NEQ_OQ);
      vmax = _mm256_max_ps(vmax, _mm256_blendv_ps(ninf, _mm256_loadu_ps(prow + j), seen));
    }
    mx = hmax(vmax);
    for (int64_t j = n8; j < n; j++) mx = key_vis[j] != 0.0f && prow[j] > mx ? prow[j] : mx;
  }
  const __m256 vmx = _mm256_set1_ps(mx);
  __m256 vsum = zero;
  for (int64_t j = 0; j < n8; j += 8) {
    __m256 e = exp8_fast(_mm256_sub_ps(_mm256_loadu_ps(prow + j), vmx));
    if (key_vis != nullptr) e = _mm256_mul_ps(e, _mm256_loadu_ps(key_vis + j));
    vsum = _mm256_add_ps(vsum, e);
    _mm256_storeu_ps(arow + j, e);
  }
  float sum = hsum8(vsum);
  for (int64_t j = n8; j < n; j++) {
    float e = exp_fast(prow[j] - mx);
    if (key_vis != nullptr) e *= key_vis[j];
    arow[j] = e;
    sum += e;
  }
  const float inv = sum > 0.0f ? 1.0f / sum : 0.0f;
  const __m256 vinv = _mm256_set1_ps(inv);
  for (int64_t j = 0; j < n8; j += 8) _mm256_storeu_ps(arow + j, _mm256_mul_ps(vinv, _mm256_loadu_ps(arow + j)));
  for (int64_t j = n8; j < n; j++) arow[j] *= inv;
  for (int64_t j = n; j < T; j++) arow[j] = 0.0f;
}

// dp row over keys j < n: att_j (datt_j - sum_k att_k datt_k); entries n..fill-1 set to 0 because the key-block pass
// reads them (head_backward chooses fill).
void softmax_backward_row(float* dp, const float* a, const float* da, int64_t n, int64_t fill) {
  const int64_t n8 = n / 8 * 8;
  __m256 vin = _mm256_setzero_ps();
  for (int64_t j = 0; j < n8; j += 8) vin = _mm256_fmadd_ps(_mm256_loadu_ps(a + j), _mm256_loadu_ps(da + j), vin);
  float inner = hsum8(vin);
  for (int64_t j = n8; j < n; j++) inner += a[j] * da[j];
  const __m256 vinner = _mm256_set1_ps(inner);
  for (int64_t j = 0; j < n8; j += 8)
    _mm256_storeu_ps(dp + j, _mm256_mul_ps(_mm256_loadu_ps(a + j), _mm256_sub_ps(_mm256_loadu_ps(da + j), vinner)));
  for (int64_t j = n8; j < n; j++) dp[j] = a[j] * (da[j] - inner);
  for (int64_t j = n; j < fill; j++) dp[j] = 0.0f;
}

// row_end[i] = 1 + the last nonzero of att row i (0 for an all-zero row), eight entries per compare, reading front
// to back so the prefetcher streams att (this is its first touch in the backward pass; scanning back from the row
// ends reads less but measured slower with a large batch, where att comes from memory).
void find_row_ends(const float* att, int64_t T, int32_t* row_end) {
  const int64_t T8 = T / 8 * 8;
  const __m256 zero = _mm256_setzero_ps();
  for (int64_t i = 0; i < T; i++) {
    const float* row = att + i * T;
    int64_t n = 0;
    for (int64_t j = 0; j < T8; j += 8) {
      const int nz = _mm256_movemask_ps(_mm256_cmp_ps(_mm256_loadu_ps(row + j), zero, _CMP_NEQ_UQ));
      if (nz != 0) n = j + 32 - __builtin_clz(static_cast<unsigned>(nz));
    }
    for (int64_t j = T8; j < T; j++) n = row[j] != 0.0f ? j + 1 : n;
    row_end[i] = static_cast<int32_t>(n);
  }
}

// The largest row_end over rows [i0, i0 + rows): the keys any of them can see.
int64_t block_keys(const int32_t* row_end, int64_t i0, int rows) {
  int64_t n = 0;
  for (int r = 0; r < rows; r++) n = row_end[i0 + r] > n ? row_end[i0 + r] : n;
  return n;
}

}  // namespace

void head_forward(const HeadForward& h) {
  const int64_t T = h.T, hs = h.hs, panels = (T + kKeys - 1) / kKeys;
  // Packed copies: the products below walk these rows many times, so each strided row is fetched once.
  float* q = h.rows;
  float* v = h.rows + T * hs;
  // Without kept scores a block's rows live in the third T hs floats of rows (>= kRows T floats since hs >= 8), so
  // they stay in L1 between the products and the softmax instead of streaming B NH T T floats to memory.
  float* scores = h.rows + 2 * T * hs;
  pack_panel(h.panel, h.k, h.ld_qkv, T, hs);
  pack_rows(q, h.q, h.ld_qkv, T, hs);
  pack_rows(v, h.v, h.ld_qkv, T, hs);
  for (int64_t i0 = 0; i0 < T; i0 += kRows) {
    const int rows = static_cast<int>(T - i0 < kRows ? T - i0 : kRows);
    const int64_t keys = block_keys(h.row_end, i0, rows);
    float* pre = h.preatt != nullptr ? h.preatt + i0 * T : scores;
    const int64_t scored = h.preatt != nullptr ? panels : (keys + kKeys - 1) / kKeys;
    for (int64_t p = 0; p < scored; p++) {
      const int nr = static_cast<int>(T - p * kKeys < kKeys ? T - p * kKeys : kKeys);
      dot_rows(rows, hs, q + i0 * hs, hs, h.panel + p * hs * kKeys, h.scale, pre + p * kKeys, T, nr);
    }
    for (int r = 0; r < rows; r++) softmax_row(h.att + (i0 + r) * T, pre + r * T, h.row_end[i0 + r], T, h.key_vis);
    axpy_rows(rows, hs, 0, keys, h.att + i0 * T, T, 1, v, hs, 1.0f, h.out + i0 * h.ld_out, h.ld_out);
  }
}

void head_backward(const HeadBackward& h) {
  const int64_t T = h.T, hs = h.hs;
  find_row_ends(h.att, T, h.row_end);
  // Which dp entries past a query block's keys the key-block pass reads: with row_end nondecreasing (causal, padding,
  // both) every query it walks for key block [j0, j0 + 6) belongs to a block whose keys exceed j0, so zeros up to the
  // next multiple of 6 suffice; any other pattern gets whole rows.
  bool monotone = true;
  for (int64_t i = 1; i < T; i++) monotone = monotone && h.row_end[i] >= h.row_end[i - 1];
  float* q = h.rows;
  float* k = h.rows + T * hs;
  float* dout = h.rows + 2 * T * hs;
  pack_panel(h.panel, h.v, h.ld_qkv, T, hs);
  pack_rows(dout, h.dout, h.ld_dout, T, hs);
  pack_rows(k, h.k, h.ld_qkv, T, hs);
  pack_rows(q, h.q, h.ld_qkv, T, hs);
  // Query blocks: datt = dout v^T, dp = softmax'(att, datt), dq = scale dp k, each over the block's visible keys.
  for (int64_t i0 = 0; i0 < T; i0 += kRows) {
    const int rows = static_cast<int>(T - i0 < kRows ? T - i0 : kRows);
    const int64_t keys = block_keys(h.row_end, i0, rows);
    const int64_t up = (keys + kRows - 1) / kRows * kRows;
    const int64_t fill = monotone && up < T ? up : T;
    float* da = h.datt;
    for (int64_t p = 0; p * kKeys < keys; p++) {
      const int nr = static_cast<int>(T - p * kKeys < kKeys ? T - p * kKeys : kKeys);
      dot_rows(rows, hs, dout + i0 * hs, hs, h.panel + p * hs * kKeys, 1.0f, da + p * kKeys, T, nr);
    }
    for (int r = 0; r < rows; r++)
      softmax_backward_row(h.dp + (i0 + r) * T, h.att + (i0 + r) * T, da + r * T, keys, fill);
    axpy_rows(rows, hs, 0, keys, h.dp + i0 * T, T, 1, k, hs, h.scale, h.dq + i0 * h.ld_qkv, h.ld_qkv);
  }
  // Key blocks: dv = att^T dout and dk = scale dp^T q over the queries [first, last] that see any key of the block.
  int32_t* first = h.key_range;
  int32_t* last = h.key_range + T;
  key_block_ranges(h.row_end, T, kRows, first, last);
  for (int64_t j0 = 0; j0 < T; j0 += kRows) {
    const int rows = static_cast<int>(T - j0 < kRows ? T - j0 : kRows);
    const int64_t i0 = first[j0 / kRows], i1 = last[j0 / kRows] + 1 > i0 ? last[j0 / kRows] + 1 : i0;
    axpy_rows(rows, hs, i0, i1, h.att + j0, 1, T, dout, hs, 1.0f, h.dv + j0 * h.ld_qkv, h.ld_qkv);
    axpy_rows(rows, hs, i0, i1, h.dp + j0, 1, T, q, hs, h.scale, h.dk + j0 * h.ld_qkv, h.ld_qkv);
  }
}

}  // namespace avx2
}  // namespace ak

#else

namespace ak {
namespace avx2 {

// Non-x86 builds: the AVX2 path is never selected (cpu.cc reports no AVX2), but the symbols must exist to link.
void head_forward(const HeadForward& h) { portable::head_forward(h); }
void head_backward(const HeadBackward& h) { portable::head_backward(h); }

}  // namespace avx2
}  // namespace ak

#endif
