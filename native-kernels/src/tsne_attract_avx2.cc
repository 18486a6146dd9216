// t-SNE's attraction built for AVX2+FMA (compiled with -mavx2 -mfma; declared in tsne_attract.h). The portable loop in
// tsne.cc spends most of its time in one scalar division per entry of P (~140 entries a row); here 8 entries share
// one vector division, their coordinates gathered from Y by column index. Row tails (< 8 entries) are scalar.
// The sums of a row are added in a fixed order, so a row's result does not depend on the thread that computes it.
#include <immintrin.h>

#include "tsne_attract.h"

namespace ak {
namespace avx2 {
namespace {

inline float hsum8(__m256 v) {
  const __m128 lo = _mm256_castps256_ps128(v), hi = _mm256_extractf128_ps(v, 1);
  __m128 s = _mm_add_ps(lo, hi);
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
  return _mm_cvtss_f32(s);
}

template <int DIM>
void attract(float* grad, const float* Y, const int32_t* row_ptr, const int32_t* cols, const float* vals,
             const float* rep, float exaggeration, float inv_z, int64_t b, int64_t e) {
  const __m256 one = _mm256_set1_ps(1.0f);
  for (int64_t i = b; i < e; i++) {
    __m256 yi[DIM], acc[DIM];
    float ys[DIM], tail[DIM];
    for (int d = 0; d < DIM; d++) {
      ys[d] = Y[i * DIM + d];
      yi[d] = _mm256_set1_ps(ys[d]);
      acc[d] = _mm256_setzero_ps();
      tail[d] = 0.0f;
    }
    int32_t a = row_ptr[i];
    const int32_t end = row_ptr[i + 1];
    if (DIM == 2) {
      // 2D: each point's (x, y) is one 64-bit load; four of them make [x0 y0 x1 y1 | x4 y4 x5 y5] and
      // [x2 y2 x3 y3 | x6 y6 x7 y7], which two in-lane shuffles turn into x0..x7 and y0..y7 (loads beat gathers on Zen)
      const auto pair2 = [&](int32_t j0, int32_t j1) {
        const __m128 lo = _mm_castsi128_ps(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(Y + 2 * static_cast<int64_t>(j0))));
        return _mm_loadh_pi(lo, reinterpret_cast<const __m64*>(Y + 2 * static_cast<int64_t>(j1)));
      };
      for (; a + 8 <= end; a += 8) {
        const int32_t* c = cols + a;
        const __m256 p = _mm256_insertf128_ps(_mm256_castps128_ps256(pair2(c[0], c[1])), pair2(c[4], c[5]), 1);
        const __m256 q = _mm256_insertf128_ps(_mm256_castps128_ps256(pair2(c[2], c[3])), pair2(c[6], c[7]), 1);
        const __m256 dx = _mm256_sub_ps(yi[0], _mm256_shuffle_ps(p, q, _MM_SHUFFLE(2, 0, 2, 0)));
        const __m256 dy = _mm256_sub_ps(yi[DIM - 1], _mm256_shuffle_ps(p, q, _MM_SHUFFLE(3, 1, 3, 1)));
        const __m256 r2 = _mm256_fmadd_ps(dy, dy, _mm256_fmadd_ps(dx, dx, one));
        const __m256 w = _mm256_div_ps(_mm256_loadu_ps(vals + a), r2);
        acc[0] = _mm256_fmadd_ps(w, dx, acc[0]);
        acc[DIM - 1] = _mm256_fmadd_ps(w, dy, acc[DIM - 1]);
      }
    }
    for (; a + 8 <= end; a += 8) {
      const __m256i c = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(cols + a));
      // row offsets c * DIM (DIM 2: a shift; DIM 3: c + 2c)
      const __m256i at = DIM == 2 ? _mm256_slli_epi32(c, 1) : _mm256_add_epi32(c, _mm256_slli_epi32(c, 1));
      __m256 diff[DIM];
      __m256 r2 = one;
      for (int d = 0; d < DIM; d++) {
        diff[d] = _mm256_sub_ps(yi[d], _mm256_i32gather_ps(Y + d, at, 4));
        r2 = _mm256_fmadd_ps(diff[d], diff[d], r2);
      }
      const __m256 w = _mm256_div_ps(_mm256_loadu_ps(vals + a), r2);
      for (int d = 0; d < DIM; d++) acc[d] = _mm256_fmadd_ps(w, diff[d], acc[d]);
    }
    for (; a < end; a++) {
      const float* yj = Y + static_cast<int64_t>(cols[a]) * DIM;
      float diff[DIM];
      float r2 = 1.0f;
      for (int d = 0; d < DIM; d++) {
        diff[d] = ys[d] - yj[d];
        r2 += diff[d] * diff[d];
      }
      const float w = vals[a] / r2;
      for (int d = 0; d < DIM; d++) tail[d] += w * diff[d];
    }
    for (int d = 0; d < DIM; d++) {
      grad[i * DIM + d] = 4.0f * (exaggeration * (hsum8(acc[d]) + tail[d]) - rep[i * DIM + d] * inv_z);
    }
  }
}

}  // namespace

void tsne_attract(float* grad, const float* Y, const int32_t* row_ptr, const int32_t* cols, const float* vals,
                  const float* rep, int dims, float exaggeration, float inv_z, int64_t b, int64_t e) {
  if (dims == 2) {
    attract<2>(grad, Y, row_ptr, cols, vals, rep, exaggeration, inv_z, b, e);
  } else {
    attract<3>(grad, Y, row_ptr, cols, vals, rep, exaggeration, inv_z, b, e);
  }
}

}  // namespace avx2
}  // namespace ak
