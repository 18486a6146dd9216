// Squared euclidean distance and cosine distance (of unit rows) between two float rows, included once per instruction set (AK_ISA_NS = portable | avx2).
// The sum runs in a fixed order for a given D (8 lanes, then lanes added pairwise), so a distance is the same number
// wherever and on whichever thread it is computed with one instruction set.
#include <cstdint>

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

#include "vecmath_avx2.h"  // dot8
#endif

#ifndef AK_ISA_NS
#error "define AK_ISA_NS before including distance_impl.h"
#endif

namespace ak {
namespace AK_ISA_NS {

#if defined(__AVX2__) && defined(__FMA__)

float sq_dist(const float* a, const float* b, int64_t D) {
  __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
  int64_t d = 0;
  for (; d + 16 <= D; d += 16) {
    const __m256 x0 = _mm256_sub_ps(_mm256_loadu_ps(a + d), _mm256_loadu_ps(b + d));
    const __m256 x1 = _mm256_sub_ps(_mm256_loadu_ps(a + d + 8), _mm256_loadu_ps(b + d + 8));
    acc0 = _mm256_fmadd_ps(x0, x0, acc0);
    acc1 = _mm256_fmadd_ps(x1, x1, acc1);
  }
  for (; d + 8 <= D; d += 8) {
    const __m256 x0 = _mm256_sub_ps(_mm256_loadu_ps(a + d), _mm256_loadu_ps(b + d));
    acc0 = _mm256_fmadd_ps(x0, x0, acc0);
  }
  acc0 = _mm256_add_ps(acc0, acc1);
  const __m128 lo = _mm256_castps256_ps128(acc0), hi = _mm256_extractf128_ps(acc0, 1);
  __m128 s = _mm_add_ps(lo, hi);
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
  float sum = _mm_cvtss_f32(s);
  for (; d < D; d++) {
    const float x = a[d] - b[d];
    sum += x * x;
  }
  return sum;
}

// 1 - a.b: the cosine distance of rows already scaled to unit length (a zero row stays zero: distance 1 to all).
float cos_dist(const float* a, const float* b, int64_t D) { return 1.0f - dot8(a, b, D); }

#else

// Eight partial sums the compiler can keep in one SSE/NEON register pair (no reassociation needed).
float sq_dist(const float* a, const float* b, int64_t D) {
  float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t d = 0;
  for (; d + 8 <= D; d += 8) {
    for (int l = 0; l < 8; l++) {
      const float x = a[d + l] - b[d + l];
      acc[l] += x * x;
    }
  }
  float sum = ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
  for (; d < D; d++) {
    const float x = a[d] - b[d];
    sum += x * x;
  }
  return sum;
}

// 1 - a.b: the cosine distance of rows already scaled to unit length (a zero row stays zero: distance 1 to all).
float cos_dist(const float* a, const float* b, int64_t D) {
  float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t d = 0;
  for (; d + 8 <= D; d += 8) {
    for (int l = 0; l < 8; l++) acc[l] += a[d + l] * b[d + l];
  }
  float sum = ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
  for (; d < D; d++) sum += a[d] * b[d];
  return 1.0f - sum;
}

#endif

}  // namespace AK_ISA_NS
}  // namespace ak
