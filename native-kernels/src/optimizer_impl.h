// Optimizer loops (AdamW step, sum of squares, scaling), included once per instruction set (AK_ISA_NS = portable |
// avx2). The AVX2+FMA build computes AdamW in float on 8 lanes, like torch.optim.AdamW; the plain build in double.

#include <cmath>
#include <cstdint>

#include "optimizer_kernels.h"
#if defined(__AVX2__) && defined(__FMA__)
#include "vecmath_avx2.h"
#endif

#ifndef AK_ISA_NS
#error "define AK_ISA_NS before including optimizer_impl.h"
#endif

namespace ak {
namespace AK_ISA_NS {

#if defined(__AVX2__) && defined(__FMA__)

// The step runs at memory speed (16 bytes read, 12 written per parameter) once it is 8 lanes wide, so float arithmetic
// with the bias corrections folded into two multipliers is all it takes.
void adamw_range(float* params, const float* grads, float* m, float* v, int64_t n, const AdamwHyper& h) {
  const __m256 b1 = _mm256_set1_ps(static_cast<float>(h.beta1)), omb1 = _mm256_set1_ps(static_cast<float>(1.0 - h.beta1));
  const __m256 b2 = _mm256_set1_ps(static_cast<float>(h.beta2)), omb2 = _mm256_set1_ps(static_cast<float>(1.0 - h.beta2));
  const __m256 ic1 = _mm256_set1_ps(static_cast<float>(1.0 / h.c1)), ic2 = _mm256_set1_ps(static_cast<float>(1.0 / h.c2));
  const __m256 eps = _mm256_set1_ps(static_cast<float>(h.eps)), wd = _mm256_set1_ps(static_cast<float>(h.weight_decay));
  const __m256 lr = _mm256_set1_ps(static_cast<float>(h.lr));
  const bool scaled = h.grad_scale != 1.0;
  const __m256d gs = _mm256_set1_pd(h.grad_scale);
  // The clipping factor, applied in double and rounded once per lane as scale_range does.
  const auto grad = [&](__m256 g) {
    if (!scaled) return g;
    const __m128 lo = _mm256_cvtpd_ps(_mm256_mul_pd(_mm256_cvtps_pd(_mm256_castps256_ps128(g)), gs));
    const __m128 hi = _mm256_cvtpd_ps(_mm256_mul_pd(_mm256_cvtps_pd(_mm256_extractf128_ps(g, 1)), gs));
    return _mm256_insertf128_ps(_mm256_castps128_ps256(lo), hi, 1);
  };
  // (p, g, m, v) -> new (p, m, v) in place.
  const auto step = [&](__m256& p, __m256 g, __m256& mv, __m256& vv) {
    mv = _mm256_fmadd_ps(b1, mv, _mm256_mul_ps(omb1, g));
    vv = _mm256_fmadd_ps(b2, vv, _mm256_mul_ps(omb2, _mm256_mul_ps(g, g)));
    const __m256 den = _mm256_add_ps(_mm256_sqrt_ps(_mm256_mul_ps(vv, ic2)), eps);
    const __m256 upd = _mm256_fmadd_ps(wd, p, _mm256_div_ps(_mm256_mul_ps(mv, ic1), den));
    p = _mm256_fnmadd_ps(lr, upd, p);
  };
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    __m256 p = _mm256_loadu_ps(params + i), mv = _mm256_loadu_ps(m + i), vv = _mm256_loadu_ps(v + i);
    step(p, grad(_mm256_loadu_ps(grads + i)), mv, vv);
    _mm256_storeu_ps(params + i, p);
    _mm256_storeu_ps(m + i, mv);
    _mm256_storeu_ps(v + i, vv);
  }
  if (i < n) {
    const __m256i mk = tail_mask8(n - i);
    __m256 p = _mm256_maskload_ps(params + i, mk), mv = _mm256_maskload_ps(m + i, mk), vv = _mm256_maskload_ps(v + i, mk);
    step(p, grad(_mm256_maskload_ps(grads + i, mk)), mv, vv);
    _mm256_maskstore_ps(params + i, mk, p);
    _mm256_maskstore_ps(m + i, mk, mv);
    _mm256_maskstore_ps(v + i, mk, vv);
  }
}

// Each float square is exact in double; two 4-lane double accumulators, summed in a fixed order at the end.
double sum_squares_range(const float* buf, int64_t n) {
  __m256d lo = _mm256_setzero_pd(), hi = _mm256_setzero_pd();
  const auto add = [&](__m256 x) {
    const __m256d a = _mm256_cvtps_pd(_mm256_castps256_ps128(x)), b = _mm256_cvtps_pd(_mm256_extractf128_ps(x, 1));
    lo = _mm256_fmadd_pd(a, a, lo);
    hi = _mm256_fmadd_pd(b, b, hi);
  };
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) add(_mm256_loadu_ps(buf + i));
  if (i < n) add(_mm256_maskload_ps(buf + i, tail_mask8(n - i)));
  return hsum4d(_mm256_add_pd(lo, hi));
}

#else

void adamw_range(float* params, const float* grads, float* m, float* v, int64_t n, const AdamwHyper& h) {
  // Computed in double and rounded once per stored value, like the JS reference.
  for (int64_t i = 0; i < n; i++) {
    const double g = h.grad_scale == 1.0 ? grads[i] : static_cast<float>(grads[i] * h.grad_scale);
    const double mi = h.beta1 * m[i] + (1.0 - h.beta1) * g;
    const double vi = h.beta2 * v[i] + (1.0 - h.beta2) * g * g;
    m[i] = static_cast<float>(mi);
    v[i] = static_cast<float>(vi);
    const double p = params[i];
    const double mhat = static_cast<float>(mi) / h.c1;
    const double vhat = static_cast<float>(vi) / h.c2;
    params[i] = static_cast<float>(p - h.lr * (mhat / (std::sqrt(vhat) + h.eps) + h.weight_decay * p));
  }
}

double sum_squares_range(const float* buf, int64_t n) {
  double s = 0;
  for (int64_t i = 0; i < n; i++) s += static_cast<double>(buf[i]) * buf[i];
  return s;
}

#endif

// Multiplied in double and rounded once, exactly as the JS reference does, so every backend agrees bit for bit; GCC
// vectorizes this loop at the width the file is built for.
void scale_range(float* buf, double s, int64_t n) {
  for (int64_t i = 0; i < n; i++) buf[i] = static_cast<float>(buf[i] * s);
}

}  // namespace AK_ISA_NS
}  // namespace ak
