// Elementwise activation loops (GELU tanh approximation forward/backward, residual add), included once per instruction
// set (AK_ISA_NS = portable | avx2). Built with AVX2+FMA they use the 8-lane intrinsics of vecmath_avx2.h, otherwise
// plain loops. 0.5 x (1 + tanh(u)) is computed as x * sigmoid(2u), which never cancels for large negative x. The
// AVX2 loops spend most of their time in exp and take vecmath_avx2.h's twelve-operation exp8_fit5 (relative error
// <= 1.3e-6).

#include <cstdint>

#include "vecmath.h"
#if defined(__AVX2__) && defined(__FMA__)
#include "vecmath_avx2.h"
#endif

#ifndef AK_ISA_NS
#error "define AK_ISA_NS before including gelu_impl.h"
#endif

namespace ak {
namespace AK_ISA_NS {

constexpr float kGeluK = 0.7978845608028654f;  // sqrt(2/pi)
constexpr float kGeluC = 0.044715f;
// Beyond +-kGeluFar the exact results round to gelu = 0 or x and gelu' = 0 or 1 in float, and the formulas below break
// down: exp_fast is clamped, so sigmoid(2u) never gets below 6e-39 (x * s would give -2 at x = -3e38), and x^2
// overflows past 1.8e19 (0 * inf in the gradient). The AVX2 loops clamp x to the range (the formulas give those limits
// at +-kGeluFar, to within 1e-30), the plain loops return the limits.
constexpr float kGeluFar = 30.0f;

#if defined(__AVX2__) && defined(__FMA__)

// -2u given x and x2 = x * x: x (-2K - 2KC x2), constants folded to save multiplies.
static inline __m256 gelu_z8(__m256 x, __m256 x2) {
  return _mm256_mul_ps(x, _mm256_fmadd_ps(_mm256_set1_ps(-2.0f * kGeluK * kGeluC), x2, _mm256_set1_ps(-2.0f * kGeluK)));
}

// x * sigmoid(2u) = x / (1 + exp(-2u)), with x raised to -kGeluFar; max returns its second operand for NaN, so NaN
// stays NaN.
static inline __m256 gelu8(__m256 x) {
  x = _mm256_max_ps(_mm256_set1_ps(-kGeluFar), x);
  const __m256 den = _mm256_add_ps(_mm256_set1_ps(1.0f), exp8_fit5(gelu_z8(x, _mm256_mul_ps(x, x))));
  return _mm256_div_ps(x, den);
}

void gelu_forward(float* out, const float* inp, int64_t n) {
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m256 y0 = gelu8(_mm256_loadu_ps(inp + i)), y1 = gelu8(_mm256_loadu_ps(inp + i + 8));
    _mm256_storeu_ps(out + i, y0);
    _mm256_storeu_ps(out + i + 8, y1);
  }
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(out + i, gelu8(_mm256_loadu_ps(inp + i)));
  if (i < n) {
    const __m256i mask = tail_mask8(n - i);
    _mm256_maskstore_ps(out + i, mask, gelu8(_mm256_maskload_ps(inp + i, mask)));
  }
}

// With s = sigmoid(2u): 0.5 (1 + tanh u) = s and sech^2 u = 4 s (1 - s), so
// gelu'(x) = s + 2 x s (1 - s) sqrt(2/pi) (1 + 3 c x^2).
static inline __m256 gelu_grad8(__m256 x) {
  x = _mm256_min_ps(_mm256_set1_ps(kGeluFar), _mm256_max_ps(_mm256_set1_ps(-kGeluFar), x));  // NaN stays NaN
  const __m256 x2 = _mm256_mul_ps(x, x);
  const __m256 one = _mm256_set1_ps(1.0f);
  // -2u capped at 80 (x below about -9.7) keeps s >= 1.8e-35 a normal float; exp_fast's own cap of 88 would make s and
  // b denormal, which costs a microcode assist per instruction on many Intel CPUs. gelu' there is below 1e-18 anyway.
  const __m256 z = _mm256_min_ps(_mm256_set1_ps(80.0f), gelu_z8(x, x2));  // NaN stays NaN
  const __m256 s = _mm256_div_ps(one, _mm256_add_ps(one, exp8_fit5(z)));
  const __m256 b = _mm256_mul_ps(_mm256_mul_ps(x, s), _mm256_sub_ps(one, s));
  // 2K (1 + 3C x2) as one fused step
  const __m256 poly = _mm256_fmadd_ps(_mm256_set1_ps(6.0f * kGeluK * kGeluC), x2, _mm256_set1_ps(2.0f * kGeluK));
  return _mm256_fmadd_ps(b, poly, s);
}

void gelu_backward(float* dinp, const float* inp, const float* dout, int64_t n) {
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m256 g0 = gelu_grad8(_mm256_loadu_ps(inp + i)), g1 = gelu_grad8(_mm256_loadu_ps(inp + i + 8));
    _mm256_storeu_ps(dinp + i, _mm256_mul_ps(_mm256_loadu_ps(dout + i), g0));
    _mm256_storeu_ps(dinp + i + 8, _mm256_mul_ps(_mm256_loadu_ps(dout + i + 8), g1));
  }
  for (; i + 8 <= n; i += 8) {
    const __m256 g = gelu_grad8(_mm256_loadu_ps(inp + i));
    _mm256_storeu_ps(dinp + i, _mm256_mul_ps(_mm256_loadu_ps(dout + i), g));
  }
  if (i < n) {
    const __m256i mask = tail_mask8(n - i);
    const __m256 g = gelu_grad8(_mm256_maskload_ps(inp + i, mask));
    _mm256_maskstore_ps(dinp + i, mask, _mm256_mul_ps(_mm256_maskload_ps(dout + i, mask), g));
  }
}

#else

void gelu_forward(float* out, const float* inp, int64_t n) {
  for (int64_t i = 0; i < n; i++) {
    const float x = inp[i];
    const float u = kGeluK * (x + kGeluC * x * x * x);
    const float s = 1.0f / (1.0f + exp_fast(-2.0f * u));
    out[i] = x < -kGeluFar ? 0.0f : x * s;
  }
}

// gelu'(x) as in the AVX2 version above.
void gelu_backward(float* dinp, const float* inp, const float* dout, int64_t n) {
  for (int64_t i = 0; i < n; i++) {
    const float x = inp[i];
    const float u = kGeluK * (x + kGeluC * x * x * x);
    const float s = 1.0f / (1.0f + exp_fast(-2.0f * u));
    const float grad = s + 2.0f * x * s * (1.0f - s) * kGeluK * (1.0f + 3.0f * kGeluC * x * x);
    dinp[i] = dout[i] * (x < -kGeluFar ? 0.0f : x > kGeluFar ? 1.0f : grad);
  }
}

#endif

// out = a + b; a plain loop, which GCC vectorizes at the width the file is built for.
void add_vectors(float* out, const float* a, const float* b, int64_t n) {
  for (int64_t i = 0; i < n; i++) out[i] = a[i] + b[i];
}

}  // namespace AK_ISA_NS
}  // namespace ak
