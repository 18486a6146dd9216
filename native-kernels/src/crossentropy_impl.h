// The softmax row loop of cross-entropy, included once per instruction set (AK_ISA_NS = portable | avx2). The AVX2+FMA
// build runs max, exp and scaling 8 lanes wide; both builds sum the exponentials in double.

#include <cmath>
#include <cstdint>

#include "vecmath.h"
#if defined(__AVX2__) && defined(__FMA__)
#include "vecmath_avx2.h"
#endif

#ifndef AK_ISA_NS
#error "define AK_ISA_NS before including crossentropy_impl.h"
#endif

namespace ak {
namespace AK_ISA_NS {

#if defined(__AVX2__) && defined(__FMA__)

// p(V) = softmax(x(V)); returns sum(exp(x - max)) and puts max in *max_out. NaN logits do not take part in the max
// (as in the scalar loop) but give NaN probabilities and a NaN sum.
double softmax_row(float* p, const float* x, int64_t V, float* max_out) {
  const int64_t full = V & ~static_cast<int64_t>(7);
  const __m256i tail = tail_mask8(V - full);  // used only when V is not a multiple of 8
  const __m256 neg_inf = _mm256_set1_ps(-INFINITY);
  __m256 vmax = neg_inf;
  for (int64_t v = 0; v < full; v += 8) vmax = _mm256_max_ps(_mm256_loadu_ps(x + v), vmax);
  if (full < V) {
    const __m256 xt = _mm256_blendv_ps(neg_inf, _mm256_maskload_ps(x + full, tail), _mm256_castsi256_ps(tail));
    vmax = _mm256_max_ps(xt, vmax);
  }
  __m128 m4 = _mm_max_ps(_mm256_castps256_ps128(vmax), _mm256_extractf128_ps(vmax, 1));
  m4 = _mm_max_ps(m4, _mm_movehl_ps(m4, m4));
  m4 = _mm_max_ss(m4, _mm_shuffle_ps(m4, m4, 1));
  const float mx = _mm_cvtss_f32(m4);
  const __m256 vmx = _mm256_set1_ps(mx);
  __m256d lo = _mm256_setzero_pd(), hi = _mm256_setzero_pd();
  const auto accumulate = [&](__m256 e) {
    lo = _mm256_add_pd(lo, _mm256_cvtps_pd(_mm256_castps256_ps128(e)));
    hi = _mm256_add_pd(hi, _mm256_cvtps_pd(_mm256_extractf128_ps(e, 1)));
  };
  for (int64_t v = 0; v < full; v += 8) {
    const __m256 e = exp8_fast(_mm256_sub_ps(_mm256_loadu_ps(x + v), vmx));
    _mm256_storeu_ps(p + v, e);
    accumulate(e);
  }
  if (full < V) {
    // Lanes past the row must add nothing: exp(0 - max) there is masked to zero.
    const __m256 e = _mm256_and_ps(exp8_fast(_mm256_sub_ps(_mm256_maskload_ps(x + full, tail), vmx)), _mm256_castsi256_ps(tail));
    _mm256_maskstore_ps(p + full, tail, e);
    accumulate(e);
  }
  const double sum = hsum4d(_mm256_add_pd(lo, hi));
  const __m256 inv = _mm256_set1_ps(static_cast<float>(1.0 / sum));
  for (int64_t v = 0; v < full; v += 8) _mm256_storeu_ps(p + v, _mm256_mul_ps(_mm256_loadu_ps(p + v), inv));
  if (full < V) _mm256_maskstore_ps(p + full, tail, _mm256_mul_ps(_mm256_maskload_ps(p + full, tail), inv));
  *max_out = mx;
  return sum;
}

#else

double softmax_row(float* p, const float* x, int64_t V, float* max_out) {
  float mx = -INFINITY;
  for (int64_t v = 0; v < V; v++) mx = x[v] > mx ? x[v] : mx;
  for (int64_t v = 0; v < V; v++) p[v] = exp_fast(x[v] - mx);
  double sum = 0;
  for (int64_t v = 0; v < V; v++) sum += p[v];
  const float inv = static_cast<float>(1.0 / sum);
  for (int64_t v = 0; v < V; v++) p[v] *= inv;
  *max_out = mx;
  return sum;
}

#endif

}  // namespace AK_ISA_NS
}  // namespace ak
