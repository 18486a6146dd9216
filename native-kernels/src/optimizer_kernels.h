// The optimizer loops shared by optimizer.cc (N-API side) and their per-ISA builds in optimizer_impl.h.
#pragma once

#include <cstdint>

namespace ak {

// One AdamW step's hyperparameters; c1 = 1 - beta1^t and c2 = 1 - beta2^t are the bias corrections. grad_scale
// multiplies each gradient as it is read (global-norm clipping folded into the step): float(double(g) * grad_scale),
// exactly what scale_range would have stored, so the result equals clipping first; 1 leaves gradients untouched.
struct AdamwHyper {
  double lr, beta1, beta2, eps, weight_decay, c1, c2, grad_scale;
};

namespace portable {
void adamw_range(float* params, const float* grads, float* m, float* v, int64_t n, const AdamwHyper& h);
double sum_squares_range(const float* buf, int64_t n);
void scale_range(float* buf, double s, int64_t n);
}  // namespace portable

// Defined in optimizer_avx2.cc (built with -mavx2 -mfma); only called after cpu detection confirmed AVX2 and FMA.
namespace avx2 {
void adamw_range(float* params, const float* grads, float* m, float* v, int64_t n, const AdamwHyper& h);
double sum_squares_range(const float* buf, int64_t n);
void scale_range(float* buf, double s, int64_t n);
}  // namespace avx2

}  // namespace ak
