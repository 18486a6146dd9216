// t-SNE's attraction built for AVX2+FMA (compiled with -mavx2 -mfma; declared in tsne_attract.h). The portable loop in
// tsne.cc spends most of its time in one scalar division per entry of P (~140 entries a row); here 8 entries share
// one vector division, their coordinates gathered from Y by column index. Row tails (< 8 entries) are scalar.
// The sums of a row are added in a fixed order, so a row's result does not depend on the thread that computes it.
// The KL terms (on the steps that report it) reuse the distances, with a vector log (log8 below).
#include <immintrin.h>

#include <cmath>

#include "tsne_attract.h"
#include "vecmath_avx2.h"  // hsum8

namespace ak {
namespace avx2 {
namespace {

// Natural log of 8 positive floats (below FLT_MIN taken as FLT_MIN), to ~2 ulp: x = 2^e m with m in [sqrt(1/2),
// sqrt(2)), log m = 2 atanh(s) = 2 (s + s^3/3 + ... + s^9/9) with s = (m - 1) / (m + 1), |s| < 0.172 (the next
// term is below 4e-10), and e log 2 in two parts so a large e keeps the mantissa's digits.
inline __m256 log8(__m256 x) {
  x = _mm256_max_ps(x, _mm256_set1_ps(1.17549435e-38f));
  const __m256i bits = _mm256_castps_si256(x);
  __m256i ex = _mm256_sub_epi32(_mm256_srli_epi32(bits, 23), _mm256_set1_epi32(127));
  __m256 m = _mm256_castsi256_ps(_mm256_or_si256(_mm256_and_si256(bits, _mm256_set1_epi32(0x007fffff)),
                                                 _mm256_set1_epi32(0x3f800000)));
  const __m256 big = _mm256_cmp_ps(m, _mm256_set1_ps(1.41421356f), _CMP_GE_OQ);
  m = _mm256_blendv_ps(m, _mm256_mul_ps(m, _mm256_set1_ps(0.5f)), big);
  ex = _mm256_sub_epi32(ex, _mm256_castps_si256(big));  // the mask is -1 where m was halved
  const __m256 one = _mm256_set1_ps(1.0f);
  const __m256 s = _mm256_div_ps(_mm256_sub_ps(m, one), _mm256_add_ps(m, one));
  const __m256 s2 = _mm256_mul_ps(s, s);
  __m256 poly = _mm256_set1_ps(1.0f / 9.0f);
  poly = _mm256_fmadd_ps(poly, s2, _mm256_set1_ps(1.0f / 7.0f));
  poly = _mm256_fmadd_ps(poly, s2, _mm256_set1_ps(1.0f / 5.0f));
  poly = _mm256_fmadd_ps(poly, s2, _mm256_set1_ps(1.0f / 3.0f));
  poly = _mm256_mul_ps(poly, s2);
  const __m256 two_s = _mm256_add_ps(s, s);
  const __m256 logm = _mm256_fmadd_ps(two_s, poly, two_s);
  const __m256 e = _mm256_cvtepi32_ps(ex);
  return _mm256_fmadd_ps(e, _mm256_set1_ps(0.693145751953125f), _mm256_fmadd_ps(e, _mm256_set1_ps(1.42860677e-06f), logm));
}

// p log(p r2) in the lanes where p > 0, else 0
inline __m256 kl8(__m256 p, __m256 r2) {
  const __m256 pos = _mm256_cmp_ps(p, _mm256_setzero_ps(), _CMP_GT_OQ);
  return _mm256_and_ps(pos, _mm256_mul_ps(p, log8(_mm256_mul_ps(p, r2))));
}

template <int DIM>
double attract(float* attr, const float* Y, const int32_t* row_ptr, const int32_t* cols, const float* vals,
               bool want_kl, int64_t b, int64_t e) {
  const __m256 one = _mm256_set1_ps(1.0f);
  double kl = 0;
  for (int64_t i = b; i < e; i++) {
    __m256 yi[DIM], acc[DIM];
    __m256 kacc = _mm256_setzero_ps();
    float ys[DIM], tail[DIM];
    double ktail = 0;
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
        const __m256 p8 = _mm256_loadu_ps(vals + a);
        const __m256 w = _mm256_div_ps(p8, r2);
        acc[0] = _mm256_fmadd_ps(w, dx, acc[0]);
        acc[DIM - 1] = _mm256_fmadd_ps(w, dy, acc[DIM - 1]);
        if (want_kl) kacc = _mm256_add_ps(kacc, kl8(p8, r2));
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
      const __m256 p8 = _mm256_loadu_ps(vals + a);
      const __m256 w = _mm256_div_ps(p8, r2);
      for (int d = 0; d < DIM; d++) acc[d] = _mm256_fmadd_ps(w, diff[d], acc[d]);
      if (want_kl) kacc = _mm256_add_ps(kacc, kl8(p8, r2));
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
      if (want_kl && vals[a] > 0) ktail += static_cast<double>(vals[a]) * std::log(vals[a] * r2);
    }
    for (int d = 0; d < DIM; d++) attr[i * DIM + d] = hsum8(acc[d]) + tail[d];
    if (want_kl) kl += static_cast<double>(hsum8(kacc)) + ktail;
  }
  return kl;
}

}  // namespace

double tsne_attract(float* attr, const float* Y, const int32_t* row_ptr, const int32_t* cols, const float* vals, int dims,
                    bool want_kl, int64_t b, int64_t e) {
  if (dims == 2) return attract<2>(attr, Y, row_ptr, cols, vals, want_kl, b, e);
  return attract<3>(attr, Y, row_ptr, cols, vals, want_kl, b, e);
}

}  // namespace avx2
}  // namespace ak
