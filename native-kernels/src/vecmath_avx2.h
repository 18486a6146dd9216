// AVX2+FMA helpers on 8 float lanes for the *_avx2.cc kernels: exp_fast of vecmath.h per lane, a cheaper exp for the
// exp-bound kernels, tail masks, fixed-order horizontal sums and a dot product. Include only where __AVX2__ and __FMA__ are defined (files built with -mavx2 -mfma).
#pragma once

#if !defined(__AVX2__) || !defined(__FMA__)
#error "vecmath_avx2.h needs -mavx2 -mfma"
#endif

#include <immintrin.h>

#include <cstdint>

namespace ak {

// Everything here is static for the reason given in vecmath.h: no AVX2 code may end up behind a shared symbol.

// vecmath.h's exp_fast on 8 lanes, same clamp, Cody-Waite reduction and Cephes polynomial, written with intrinsics
// because GCC's auto-vectorized version of the scalar function runs ~2.5x slower (it if-converts the clamps into
// three blends and reloads every constant per iteration). NaN in gives NaN out, as in the scalar version: max/min
// return their second operand when either one is NaN.
static inline __m256 exp8_fast(__m256 x) {
  x = _mm256_max_ps(_mm256_set1_ps(-87.0f), x);
  x = _mm256_min_ps(_mm256_set1_ps(88.0f), x);
  const __m256 shifter = _mm256_set1_ps(12582912.0f);
  const __m256 n = _mm256_sub_ps(_mm256_fmadd_ps(x, _mm256_set1_ps(1.44269504088896341f), shifter), shifter);
  const __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x));
  __m256 p = _mm256_set1_ps(1.9875691500e-4f);
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
  p = _mm256_add_ps(_mm256_fmadd_ps(_mm256_mul_ps(p, r), r, r), _mm256_set1_ps(1.0f));
  const __m256i bits = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvttps_epi32(n), _mm256_set1_epi32(127)), 23);
  return _mm256_mul_ps(p, _mm256_castsi256_ps(bits));
}

// e^x in twelve operations where exp8_fast takes eighteen, for the kernels that spend most of their time in exp (the
// attention softmax, GELU): n = round(x log2 e) and r = x log2 e - n in one fused multiply-subtract (the product is
// not rounded, so r carries only log2 e's own error), a degree-5 fit of 2^r on [-1/2, 1/2] (relative error 1.9e-7),
// times 2^n built from the shifter's sum (measured against double exp: relative error at most 3e-7 for x >= -20 and
// 1.3e-6 down to the clamp at -87; exp8_fast's clamps, [-87, 88]). t keeps n in its low mantissa bits, so t's bits
// shifted left by 23 are n << 23. NaN in gives NaN out, as from exp8_fast: the clamps take the constant first
// (max/min return their second operand when one is NaN) and the polynomial's NaN survives the final multiply.
static inline __m256 exp8_fit5(__m256 x) {
  x = _mm256_min_ps(_mm256_set1_ps(88.0f), _mm256_max_ps(_mm256_set1_ps(-87.0f), x));
  const __m256 log2e = _mm256_set1_ps(1.44269504088896341f), shifter = _mm256_set1_ps(12582912.0f);
  const __m256 t = _mm256_fmadd_ps(x, log2e, shifter);
  const __m256 r = _mm256_fmsub_ps(x, log2e, _mm256_sub_ps(t, shifter));
  __m256 p = _mm256_set1_ps(1.32647342979908e-3f);
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(9.671514853835106e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.550733581185341e-2f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(2.4022242426872253e-1f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(6.931470036506653e-1f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
  // 2^n for n in [-126, 127] (the clamps keep it there): exponent field n + 127.
  const __m256i pow2n = _mm256_add_epi32(_mm256_slli_epi32(_mm256_castps_si256(t), 23), _mm256_set1_epi32(127 << 23));
  return _mm256_mul_ps(p, _mm256_castsi256_ps(pow2n));
}

// Lane mask for the last `rest` (1..7) elements of a row: lanes [0, rest) all ones. Masked loads read zeros in the other
// lanes and masked stores leave memory there untouched, so a tail runs through exactly the same arithmetic as a full
// vector and an element's result never depends on where a caller cut the range.
static inline __m256i tail_mask8(int64_t rest) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(rest)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

// Sum of the 8 lanes in a fixed pairwise order ((0+4) + (2+6)) + ((1+5) + (3+7)).
static inline float hsum8(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
  return _mm_cvtss_f32(s);
}

// Sum of the 4 double lanes in the fixed order (0+2) + (1+3).
static inline double hsum4d(__m256d v) {
  __m128d s = _mm_add_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
  s = _mm_add_sd(s, _mm_unpackhi_pd(s, s));
  return _mm_cvtsd_f64(s);
}

// a . b over D floats: two 8-lane sums over 16-float blocks, then an 8-block, a 4-lane tail in plain SSE and the
// last 0-3 products one by one (no masked loads: they are microcoded on AMD), added in a fixed order.
static inline float dot8(const float* a, const float* b, int64_t D) {
  __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
  int64_t i = 0;
  for (; i + 16 <= D; i += 16) {
    s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
    s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), s1);
  }
  for (; i + 8 <= D; i += 8) s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
  if (i + 4 <= D) {
    // the 4-lane tail joins the low half of s1 (zero-extended, so the high half is unchanged)
    s1 = _mm256_add_ps(s1, _mm256_zextps128_ps256(_mm_mul_ps(_mm_loadu_ps(a + i), _mm_loadu_ps(b + i))));
    i += 4;
  }
  float s = hsum8(_mm256_add_ps(s0, s1));
  for (; i < D; i++) s += a[i] * b[i];
  return s;
}

}  // namespace ak
