// GELU (tanh approximation) loops, included once per instruction set (AK_ISA_NS = portable | avx2) so each build
// vectorizes them. 0.5 x (1 + tanh(u)) is computed as x * sigmoid(2u), which never cancels for large negative x.

#include <cstdint>

#include "vecmath.h"

#ifndef AK_ISA_NS
#error "define AK_ISA_NS before including gelu_impl.h"
#endif

namespace ak {
namespace AK_ISA_NS {

constexpr float kGeluK = 0.7978845608028654f;  // sqrt(2/pi)
constexpr float kGeluC = 0.044715f;

void gelu_forward(float* out, const float* inp, int64_t n) {
  for (int64_t i = 0; i < n; i++) {
    const float x = inp[i];
    const float u = kGeluK * (x + kGeluC * x * x * x);
    const float s = 1.0f / (1.0f + exp_fast(-2.0f * u));
    out[i] = x * s;
  }
}

// With s = sigmoid(2u): 0.5 (1 + tanh u) = s and sech^2 u = 4 s (1 - s), so
// gelu'(x) = s + 2 x s (1 - s) sqrt(2/pi) (1 + 3 c x^2).
void gelu_backward(float* dinp, const float* inp, const float* dout, int64_t n) {
  for (int64_t i = 0; i < n; i++) {
    const float x = inp[i];
    const float u = kGeluK * (x + kGeluC * x * x * x);
    const float s = 1.0f / (1.0f + exp_fast(-2.0f * u));
    const float grad = s + 2.0f * x * s * (1.0f - s) * kGeluK * (1.0f + 3.0f * kGeluC * x * x);
    dinp[i] = dout[i] * grad;
  }
}

}  // namespace AK_ISA_NS
}  // namespace ak
