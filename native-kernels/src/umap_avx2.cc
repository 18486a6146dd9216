// UMAP's repulsions of one edge sample in 8 AVX2 lanes (this file is compiled with -mavx2 -mfma): the samples' power
// d^2b by a vector logarithm and exponential (no libm call per sample), their clipped pushes summed per coordinate.
#include <cstdint>

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

#include "vecmath_avx2.h"
#endif

namespace ak {
namespace avx2 {

#if defined(__AVX2__) && defined(__FMA__)
namespace {

// ln x for positive normal x: x = m 2^e with m in [sqrt(1/2), sqrt(2)), ln m = u q(u), u = m - 1, q a degree-7
// least-squares fit of ln(1 + u) / u on that range (absolute error 4e-8).
inline __m256 ln8(__m256 x) {
  const __m256i t = _mm256_sub_epi32(_mm256_castps_si256(x), _mm256_set1_epi32(0x3f3504f3));
  const __m256 e = _mm256_cvtepi32_ps(_mm256_srai_epi32(t, 23));
  const __m256 m = _mm256_castsi256_ps(_mm256_add_epi32(_mm256_and_si256(t, _mm256_set1_epi32(0x7fffff)), _mm256_set1_epi32(0x3f3504f3)));
  const __m256 u = _mm256_sub_ps(m, _mm256_set1_ps(1.0f));
  __m256 q = _mm256_set1_ps(-0.09914000200161704f);
  q = _mm256_fmadd_ps(q, u, _mm256_set1_ps(0.1633765529846276f));
  q = _mm256_fmadd_ps(q, u, _mm256_set1_ps(-0.1736263996811106f));
  q = _mm256_fmadd_ps(q, u, _mm256_set1_ps(0.1988548686731537f));
  q = _mm256_fmadd_ps(q, u, _mm256_set1_ps(-0.24957846693169702f));
  q = _mm256_fmadd_ps(q, u, _mm256_set1_ps(0.3333568238801862f));
  q = _mm256_fmadd_ps(q, u, _mm256_set1_ps(-0.500006948086058f));
  q = _mm256_fmadd_ps(q, u, _mm256_set1_ps(0.9999998484250253f));
  return _mm256_fmadd_ps(e, _mm256_set1_ps(0.6931471805599453f), _mm256_mul_ps(u, q));
}

}  // namespace

// push[d] += sum over samples s < count (<= 8) of clip(coeff_s (c[d] - ox[d][s]), 4) alpha, coeff_s =
// 2 gamma b / ((0.001 + r2_s)(a r2_s^b + 1)); samples with skip[s] or r2_s = 0 push nothing.
void umap_repel8(float* push, const float* c, const float* const* ox, const uint8_t* skip, int count, int dims,
                 float a, float b, float gamma, float alpha) {
  alignas(32) int32_t live[8];
  for (int s = 0; s < 8; s++) live[s] = s < count && !skip[s] ? -1 : 0;
  __m256 diff[3];
  __m256 r2 = _mm256_setzero_ps();
  for (int d = 0; d < dims; d++) {
    diff[d] = _mm256_sub_ps(_mm256_set1_ps(c[d]), _mm256_loadu_ps(ox[d]));
    r2 = _mm256_fmadd_ps(diff[d], diff[d], r2);
  }
  const __m256 ok = _mm256_and_ps(_mm256_castsi256_ps(_mm256_load_si256(reinterpret_cast<const __m256i*>(live))),
                                  _mm256_cmp_ps(r2, _mm256_setzero_ps(), _CMP_GT_OQ));
  // r2 of dead lanes set to 1 so the logarithm sees a valid number; their result is masked away
  const __m256 x = _mm256_blendv_ps(_mm256_set1_ps(1.0f), r2, ok);
  const __m256 pb = exp8_fit5(_mm256_mul_ps(_mm256_set1_ps(b), ln8(x)));
  const __m256 denom = _mm256_mul_ps(_mm256_add_ps(_mm256_set1_ps(0.001f), x), _mm256_fmadd_ps(_mm256_set1_ps(a), pb, _mm256_set1_ps(1.0f)));
  const __m256 coeff = _mm256_and_ps(_mm256_div_ps(_mm256_set1_ps(2.0f * gamma * b), denom), ok);
  const __m256 lo = _mm256_set1_ps(-4.0f), hi = _mm256_set1_ps(4.0f), al = _mm256_set1_ps(alpha);
  for (int d = 0; d < dims; d++) {
    const __m256 g = _mm256_mul_ps(_mm256_min_ps(hi, _mm256_max_ps(lo, _mm256_mul_ps(coeff, diff[d]))), al);
    push[d] += hsum8(g);
  }
}

#else

// Built without AVX2 (an arm64 build): never called there (use_avx2() is false), defined so the addon links.
void umap_repel8(float*, const float*, const float* const*, const uint8_t*, int, int, float, float, float, float) {}

#endif

}  // namespace avx2
}  // namespace ak
