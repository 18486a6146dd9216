// Fused AVX2+FMA attention for one (batch, head) with hs % 8 == 0 (this file is compiled with -mavx2 -mfma).
// Instead of four generic sgemm calls over full T x T blocks, it walks the queries in blocks of 6 rows:
//   forward   preatt rows = scale q k^T (every key when the caller keeps the scores, else only the block's visible
//             keys, into a block-sized scratch), softmax over the visible keys, out rows = att v over the block's
//             visible keys only (a causal model skips the upper triangle);
//   backward  datt, dpreatt and dq over each query block's visible keys, then dv = att^T dout and dk = scale dp^T q
//             over each key block's contributing queries (for a causal model, the queries i >= the block's first key).
// The register tiles and the packing live in attention_tiles_avx2.h. The head's q, k, v, dout rows are packed
// contiguous first (strided in qkv, they would be fetched again on every pass), with the scale folded into q (and k),
// and while a head computes it pulls the next head's rows and att into L2 (HeadNext).
// Everything runs serially inside one pool task, so results do not depend on the thread count.
#include "attention_head.h"
#include "vecmath.h"

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

#include <cmath>

#include "attention_tiles_avx2.h"
#include "vecmath_avx2.h"

namespace ak {
namespace avx2 {
namespace {

inline float hmax(__m256 v) {
  __m128 s = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_max_ps(s, _mm_movehl_ps(s, s));
  s = _mm_max_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

// Pulls the next head's lines (HeadNext) into L2 in slices spread over this head's blocks, a whole row at a time:
// first the rows of each input stream (each row's 16-float steps plus its last float, which a row that straddles a
// line boundary needs), then att's rows. L2 rather than L1: the current head's working set owns L1.
class NextHead {
 public:
  NextHead(const HeadNext& next, int64_t T, int64_t hs) : n_(next), T_(T), hs_(hs) {
    for (int s = 0; s < 4 && n_.rows[s] != nullptr; s++) {
      streams_++;
      total_ += n_.n[s];
    }
    if (n_.att != nullptr) total_ += n_.att_rows;
  }
  // Rows per slice for `slices` equal slices (at least one slice).
  int64_t per_slice(int64_t slices) const { return slices > 0 ? (total_ + slices - 1) / slices : total_; }
  void step(int64_t count) {
    for (; count > 0 && stream_ <= streams_; count--) {
      const int64_t rows = stream_ < streams_ ? n_.n[stream_] : n_.att != nullptr ? n_.att_rows : 0;
      if (r_ < rows) {
        if (stream_ < streams_) {
          const float* row = n_.rows[stream_] + r_ * n_.ld[stream_];
          for (int64_t d = 0; d < hs_; d += 16) fetch(row + d);
          fetch(row + hs_ - 1);
        } else {
          const float* row = n_.att + r_ * T_;
          for (int64_t j = 0; j < T_; j += 16) fetch(row + j);
          fetch(row + T_ - 1);
        }
      }
      if (++r_ >= rows) {
        r_ = 0;
        stream_++;
      }
    }
  }

 private:
  static void fetch(const float* p) { _mm_prefetch(reinterpret_cast<const char*>(p), _MM_HINT_T1); }
  const HeadNext& n_;
  const int64_t T_, hs_;
  int streams_ = 0, stream_ = 0;  // stream_ == streams_: att's rows
  int64_t total_ = 0, r_ = 0;
};

// The first `count` (0..8) lanes of v to dst. Row tails that end inside the last 8 floats of a row go through here;
// the others store all 8 lanes (zeros past the tail, which is what those entries hold).
inline void store_first(float* dst, __m256 v, int64_t count) {
  alignas(32) float tmp[8];
  _mm256_store_ps(tmp, v);
  for (int64_t j = 0; j < count; j++) dst[j] = tmp[j];
}

// dst[j] = 0 for j in [from, to).
inline void zero_fill(float* dst, int64_t from, int64_t to) {
  int64_t j = from;
  for (; j + 8 <= to; j += 8) _mm256_storeu_ps(dst + j, _mm256_setzero_ps());
  for (; j < to; j++) dst[j] = 0.0f;
}

// Entries [n8, n8 + 8) of a row of T with the lanes from `keep` and zeros elsewhere, then zeros up to `to` (<= T).
inline void store_tail(float* row, int64_t n8, __m256 v, __m256 keep, int64_t n, int64_t to, int64_t T) {
  if (n8 < n) {
    v = _mm256_and_ps(keep, v);
    if (n8 + 8 <= T) {
      _mm256_storeu_ps(row + n8, v);
    } else {
      store_first(row + n8, v, T - n8);
    }
    n8 += 8;
  }
  zero_fill(row, n8 < to ? n8 : to, to);
}

// att rows = softmax of the preatt rows over keys j < n[r] with key_vis[j] != 0 (all j < n[r] when key_vis is null);
// every other entry exactly 0. Row r reads prow + r T and keeps its exponentials in erow + r T (which may be prow
// itself). Each phase (max, exponentials and sum, normalisation) runs over all the block's rows before the next.
// A row's last partial group of 8 keys runs through the same vector arithmetic under a lane mask (masked loads read
// zeros elsewhere), so a key's probability does not depend on where its row ends.
void softmax_rows(int rows, float* arow, const float* prow, float* erow, const int32_t* n, int64_t T,
                  const float* key_vis) {
  const __m256 ninf = _mm256_set1_ps(-INFINITY), zero = _mm256_setzero_ps();
  float mx[kRows], inv[kRows];
  for (int r = 0; r < rows; r++) {
    const float* p = prow + r * T;
    const int64_t n8 = n[r] / 8 * 8;
    const __m256i tail = tail_mask8(n[r] - n8);
    __m256 vmax = ninf;
    if (key_vis == nullptr) {
      for (int64_t j = 0; j < n8; j += 8) vmax = _mm256_max_ps(vmax, _mm256_loadu_ps(p + j));
      if (n8 < n[r]) {
        const __m256 scores = _mm256_maskload_ps(p + n8, tail);
        vmax = _mm256_max_ps(vmax, _mm256_blendv_ps(ninf, scores, _mm256_castsi256_ps(tail)));
      }
    } else {
      for (int64_t j = 0; j <= n8 && j < n[r]; j += 8) {
        const __m256i lanes = j < n8 ? _mm256_set1_epi32(-1) : tail;
        const __m256 seen = _mm256_cmp_ps(_mm256_maskload_ps(key_vis + j, lanes), zero, _CMP_NEQ_OQ);
        vmax = _mm256_max_ps(vmax, _mm256_blendv_ps(ninf, _mm256_maskload_ps(p + j, lanes), seen));
      }
    }
    mx[r] = hmax(vmax);
  }
  for (int r = 0; r < rows; r++) {
    const float* p = prow + r * T;
    float* e = erow + r * T;
    const int64_t n8 = n[r] / 8 * 8;
    const __m256i tail = tail_mask8(n[r] - n8);
    const __m256 vmx = _mm256_set1_ps(mx[r]);
    __m256 vsum = zero;
    for (int64_t j = 0; j < n8; j += 8) {
      __m256 x = exp8_fit5(_mm256_sub_ps(_mm256_loadu_ps(p + j), vmx));
      if (key_vis != nullptr) x = _mm256_mul_ps(x, _mm256_loadu_ps(key_vis + j));
      vsum = _mm256_add_ps(vsum, x);
      _mm256_storeu_ps(e + j, x);
    }
    if (n8 < n[r]) {
      const __m256 scores = _mm256_maskload_ps(p + n8, tail);
      __m256 x = _mm256_and_ps(_mm256_castsi256_ps(tail), exp8_fit5(_mm256_sub_ps(scores, vmx)));
      if (key_vis != nullptr) x = _mm256_mul_ps(x, _mm256_maskload_ps(key_vis + n8, tail));
      vsum = _mm256_add_ps(vsum, x);
      store_tail(e, n8, x, _mm256_castsi256_ps(tail), n[r], n8, T);
    }
    const float sum = hsum8(vsum);
    inv[r] = sum > 0.0f ? 1.0f / sum : 0.0f;
  }
  for (int r = 0; r < rows; r++) {
    const float* e = erow + r * T;
    float* a = arow + r * T;
    const int64_t n8 = n[r] / 8 * 8;
    const __m256i tail = tail_mask8(n[r] - n8);
    const __m256 vinv = _mm256_set1_ps(inv[r]);
    for (int64_t j = 0; j < n8; j += 8) _mm256_storeu_ps(a + j, _mm256_mul_ps(vinv, _mm256_loadu_ps(e + j)));
    const __m256 last = n8 < n[r] ? _mm256_mul_ps(vinv, _mm256_maskload_ps(e + n8, tail)) : zero;
    store_tail(a, n8, last, _mm256_castsi256_ps(tail), n[r], T, T);
  }
}

// dp row over keys j < n: att_j (datt_j - sum_k att_k datt_k); entries n..fill-1 set to 0 because the key-block pass
// reads them (head_backward chooses fill). The row's last partial group of 8 keys runs masked, as in softmax_rows.
void softmax_backward_row(float* dp, const float* a, const float* da, int64_t n, int64_t fill, int64_t T) {
  const int64_t n8 = n / 8 * 8;
  const __m256i tail = tail_mask8(n - n8);
  __m256 vin = _mm256_setzero_ps();
  for (int64_t j = 0; j < n8; j += 8) vin = _mm256_fmadd_ps(_mm256_loadu_ps(a + j), _mm256_loadu_ps(da + j), vin);
  const __m256 at = n8 < n ? _mm256_maskload_ps(a + n8, tail) : _mm256_setzero_ps();
  const __m256 dat = n8 < n ? _mm256_maskload_ps(da + n8, tail) : _mm256_setzero_ps();
  vin = _mm256_fmadd_ps(at, dat, vin);
  const __m256 vinner = _mm256_set1_ps(hsum8(vin));
  for (int64_t j = 0; j < n8; j += 8)
    _mm256_storeu_ps(dp + j, _mm256_mul_ps(_mm256_loadu_ps(a + j), _mm256_sub_ps(_mm256_loadu_ps(da + j), vinner)));
  store_tail(dp, n8, _mm256_mul_ps(at, _mm256_sub_ps(dat, vinner)), _mm256_castsi256_ps(tail), n, fill, T);
}

// row_end[i] = 1 + the last nonzero of att row i (0 for an all-zero row), scanning each row back from its end eight
// entries per compare: a full row (no causal mask, no trailing padding) costs one compare, and a causal row reads
// only the zeros past its end. Reading whole rows front to back streamed att from memory better until the previous
// head started prefetching this one's att into L2 (NextHead); since then the short backward scan measures faster.
void find_row_ends(const float* att, int64_t Tq, int64_t T, int32_t* row_end) {
  const int64_t T8 = T / 8 * 8;
  const __m256 zero = _mm256_setzero_ps();
  for (int64_t i = 0; i < Tq; i++) {
    const float* row = att + i * T;
    int64_t n = 0;
    for (int64_t j = T - 1; j >= T8 && n == 0; j--) n = row[j] != 0.0f ? j + 1 : 0;
    for (int64_t j = T8 - 8; j >= 0 && n == 0; j -= 8) {
      const int nz = _mm256_movemask_ps(_mm256_cmp_ps(_mm256_loadu_ps(row + j), zero, _CMP_NEQ_UQ));
      if (nz != 0) n = j + 32 - __builtin_clz(static_cast<unsigned>(nz));
    }
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
  const int64_t T = h.T, hs = h.hs, Tq = h.Tq, panels = (T + kKeys - 1) / kKeys;
  // Packed copies: the products below walk these rows many times, so each strided row is fetched once.
  float* q = h.rows;
  float* v = h.rows + T * hs;
  // Without kept scores a block's rows live in the third T hs floats of rows (>= kRows T floats since hs >= 8), so
  // they stay in L1 between the products and the softmax instead of streaming B NH T T floats to memory.
  float* scores = h.rows + 2 * T * hs;
  pack_panel(h.panel, h.k, h.ld_kv, T, hs);
  pack_rows(q, h.q, h.ld_q, Tq, hs, h.scale);
  pack_rows(v, h.v, h.ld_kv, T, hs, 1.0f);
  NextHead next(h.next, T, hs);
  const int64_t slice = next.per_slice((Tq + kRows - 1) / kRows);
  for (int64_t i0 = 0; i0 < Tq; i0 += kRows) {
    next.step(slice);
    const int rows = static_cast<int>(Tq - i0 < kRows ? Tq - i0 : kRows);
    const int64_t keys = block_keys(h.row_end, i0, rows);
    float* pre = h.preatt != nullptr ? h.preatt + i0 * T : scores;
    const int64_t scored = h.preatt != nullptr ? panels : (keys + kKeys - 1) / kKeys;
    dot_rows(rows, hs, q + i0 * hs, hs, h.panel, scored, pre, T, T);
    // Kept scores must survive the softmax, so its exponentials then go to the block scratch instead.
    float* e = h.preatt != nullptr ? scores : pre;
    softmax_rows(rows, h.att + i0 * T, pre, e, h.row_end + i0, T, h.key_vis);
    axpy_rows(rows, hs, 0, keys, h.att + i0 * T, T, 1, v, hs, h.out + i0 * h.ld_out, h.ld_out);
  }
}

void head_backward(const HeadBackward& h) {
  const int64_t T = h.T, hs = h.hs, Tq = h.Tq;
  find_row_ends(h.att, Tq, T, h.row_end);
  // Which dp entries past a query block's keys the key-block pass reads: with row_end nondecreasing (causal, padding,
  // both) every query it walks for key block [j0, j0 + 6) belongs to a block whose keys exceed j0, so zeros up to the
  // next multiple of 6 suffice; any other pattern gets whole rows.
  bool monotone = true;
  for (int64_t i = 1; i < Tq; i++) monotone = monotone && h.row_end[i] >= h.row_end[i - 1];
  float* q = h.rows;
  float* k = h.rows + T * hs;
  float* dout = h.rows + 2 * T * hs;
  pack_panel(h.panel, h.v, h.ld_kv, T, hs);
  pack_rows(dout, h.dout, h.ld_dout, Tq, hs, 1.0f);
  pack_rows(k, h.k, h.ld_kv, T, hs, h.scale);
  pack_rows(q, h.q, h.ld_q, Tq, hs, h.scale);
  NextHead next(h.next, T, hs);
  const int64_t slice = next.per_slice((Tq + kRows - 1) / kRows + (T + kRows - 1) / kRows);
  // Query blocks: datt = dout v^T, dp = softmax'(att, datt), dq = scale dp k, each over the block's visible keys.
  for (int64_t i0 = 0; i0 < Tq; i0 += kRows) {
    next.step(slice);
    const int rows = static_cast<int>(Tq - i0 < kRows ? Tq - i0 : kRows);
    const int64_t keys = block_keys(h.row_end, i0, rows);
    const int64_t up = (keys + kRows - 1) / kRows * kRows;
    const int64_t fill = monotone && up < T ? up : T;
    float* da = h.datt;
    dot_rows(rows, hs, dout + i0 * hs, hs, h.panel, (keys + kKeys - 1) / kKeys, da, T, T);
    for (int r = 0; r < rows; r++)
      softmax_backward_row(h.dp + (i0 + r) * T, h.att + (i0 + r) * T, da + r * T, keys, fill, T);
    axpy_rows(rows, hs, 0, keys, h.dp + i0 * T, T, 1, k, hs, h.dq + i0 * h.ld_q, h.ld_q);
  }
  // Key blocks: dv = att^T dout and dk = scale dp^T q over the queries [first, last] that see any key of the block.
  int32_t* first = h.key_range;
  int32_t* last = h.key_range + T;
  key_block_ranges(h.row_end, Tq, T, kRows, first, last);
  for (int64_t j0 = 0; j0 < T; j0 += kRows) {
    next.step(slice);
    const int rows = static_cast<int>(T - j0 < kRows ? T - j0 : kRows);
    const int64_t i0 = first[j0 / kRows], i1 = last[j0 / kRows] + 1 > i0 ? last[j0 / kRows] + 1 : i0;
    axpy_rows(rows, hs, i0, i1, h.att + j0, 1, T, dout, hs, h.dv + j0 * h.ld_kv, h.ld_kv);
    axpy_rows(rows, hs, i0, i1, h.dp + j0, 1, T, q, hs, h.dk + j0 * h.ld_kv, h.ld_kv);
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
