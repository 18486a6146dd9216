// The Barnes-Hut interaction loop (one group of points against one list of cells and points), included once per
// instruction set (AK_ISA_NS = portable | avx2). Per point: z += m q and rep += m q^2 (y - y_l) with q = 1/(1+|y-y_l|^2),
// the list walked in 8 lanes whose sums are added in a fixed order, so a point's result depends only on its list.
// q is a true division (not an approximate reciprocal, whose bits differ between CPU vendors).
#include <cstdint>

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

#include "vecmath_avx2.h"  // hsum8
#endif

#ifndef AK_ISA_NS
#error "define AK_ISA_NS before including tsne_bh_impl.h"
#endif

namespace ak {
namespace AK_ISA_NS {

#if defined(__AVX2__) && defined(__FMA__)

template <int DIM>
static void interact(float* z, float* rep, const float* const* px, int count, const float* const* lx, const float* lm,
              int64_t n) {
  const __m256 one = _mm256_set1_ps(1.0f);
  for (int i = 0; i < count; i++) {
    __m256 yi[DIM];
    for (int d = 0; d < DIM; d++) yi[d] = _mm256_set1_ps(px[d][i]);
    __m256 zs = _mm256_setzero_ps();
    __m256 fs[DIM];
    for (int d = 0; d < DIM; d++) fs[d] = _mm256_setzero_ps();
    for (int64_t l = 0; l < n; l += 8) {
      __m256 diff[DIM];
      __m256 r2 = one;
      for (int d = 0; d < DIM; d++) {
        diff[d] = _mm256_sub_ps(yi[d], _mm256_loadu_ps(lx[d] + l));
        r2 = _mm256_fmadd_ps(diff[d], diff[d], r2);
      }
      const __m256 q = _mm256_div_ps(one, r2);
      const __m256 mq = _mm256_mul_ps(_mm256_loadu_ps(lm + l), q);
      zs = _mm256_add_ps(zs, mq);
      const __m256 w = _mm256_mul_ps(mq, q);
      for (int d = 0; d < DIM; d++) fs[d] = _mm256_fmadd_ps(w, diff[d], fs[d]);
    }
    z[i] += hsum8(zs);
    for (int d = 0; d < DIM; d++) rep[i * DIM + d] += hsum8(fs[d]);
  }
}

#else

template <int DIM>
static void interact(float* z, float* rep, const float* const* px, int count, const float* const* lx, const float* lm,
              int64_t n) {
  for (int i = 0; i < count; i++) {
    float zs[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    float fs[DIM][8] = {};
    for (int64_t l = 0; l < n; l += 8) {
      for (int lane = 0; lane < 8; lane++) {
        float diff[DIM];
        float r2 = 1.0f;
        for (int d = 0; d < DIM; d++) {
          diff[d] = px[d][i] - lx[d][l + lane];
          r2 += diff[d] * diff[d];
        }
        const float q = 1.0f / r2;
        const float mq = lm[l + lane] * q;
        zs[lane] += mq;
        const float w = mq * q;
        for (int d = 0; d < DIM; d++) fs[d][lane] += w * diff[d];
      }
    }
    z[i] += ((zs[0] + zs[4]) + (zs[1] + zs[5])) + ((zs[2] + zs[6]) + (zs[3] + zs[7]));
    for (int d = 0; d < DIM; d++) {
      rep[i * DIM + d] += ((fs[d][0] + fs[d][4]) + (fs[d][1] + fs[d][5])) + ((fs[d][2] + fs[d][6]) + (fs[d][3] + fs[d][7]));
    }
  }
}

#endif

void interact2(float* z, float* rep, const float* const* px, int count, const float* const* lx, const float* lm,
               int64_t n) {
  interact<2>(z, rep, px, count, lx, lm, n);
}

void interact3(float* z, float* rep, const float* const* px, int count, const float* const* lx, const float* lm,
               int64_t n) {
  interact<3>(z, rep, px, count, lx, lm, n);
}

}  // namespace AK_ISA_NS
}  // namespace ak
