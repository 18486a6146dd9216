// Optimizer kernels for N-API: AdamW step, sum of squares (global-norm clipping) and in-place scaling.
#include <algorithm>
#include <cmath>
#include <vector>

#include "cpu.h"
#include "napi_args.h"
#include "threadpool.h"

#define AK_ISA_NS portable
#include "optimizer_impl.h"
#undef AK_ISA_NS

namespace ak {
namespace {

// Elements per task. At 8 lanes a task of 32K parameters takes ~10 us, well above the cost of handing it to the
// other thread; smaller tensors (biases, LayerNorm weights) run inline.
constexpr int64_t kGrain = 32768;
// sumSquares sums fixed chunks of this size and adds the chunk sums in order, independent of the thread count.
constexpr int64_t kSumChunk = 16384;

// adamwUpdate(params, grads, m, v, N, lr, beta1, beta2, eps, weightDecay, t, gradScale = 1)
Napi::Value AdamwUpdate(const Napi::CallbackInfo& info) {
  Args a(info, "adamwUpdate");
  float* params = a.f32(0);
  const float* grads = a.f32(1);
  float* m = a.f32(2);
  float* v = a.f32(3);
  const int64_t N = a.integer(4);
  AdamwHyper h{};
  h.lr = a.number(5);
  h.beta1 = a.number(6);
  h.beta2 = a.number(7);
  h.eps = a.number(8);
  h.weight_decay = a.number(9);
  const double t = a.number(10);
  h.grad_scale = info.Length() > 11 && !info[11].IsUndefined() ? a.number(11) : 1.0;
  if (!a.ok()) return a.env().Undefined();
  h.c1 = 1.0 - std::pow(h.beta1, t);
  h.c2 = 1.0 - std::pow(h.beta2, t);
  const auto step = use_avx2() ? avx2::adamw_range : portable::adamw_range;
  parallel_for(N, kGrain, [&](int64_t i0, int64_t i1) { step(params + i0, grads + i0, m + i0, v + i0, i1 - i0, h); });
  return a.env().Undefined();
}

// sumSquares(buf, N) -> double
Napi::Value SumSquares(const Napi::CallbackInfo& info) {
  Args a(info, "sumSquares");
  const float* buf = a.f32(0);
  const int64_t N = a.integer(1);
  if (!a.ok()) return a.env().Undefined();
  const auto sum = use_avx2() ? avx2::sum_squares_range : portable::sum_squares_range;
  const int64_t chunks = (N + kSumChunk - 1) / kSumChunk;
  std::vector<double> partial(static_cast<size_t>(std::max<int64_t>(chunks, 1)), 0.0);
  // Two chunks per task: one chunk alone is too short to be worth the hand-off.
  parallel_for(chunks, 2, [&](int64_t k0, int64_t k1) {
    for (int64_t k = k0; k < k1; k++) {
      const int64_t i0 = k * kSumChunk;
      partial[static_cast<size_t>(k)] = sum(buf + i0, std::min(N, i0 + kSumChunk) - i0);
    }
  });
  double total = 0;
  for (int64_t k = 0; k < chunks; k++) total += partial[static_cast<size_t>(k)];
  return Napi::Number::New(a.env(), total);
}

// scale(buf, s, N): buf *= s
Napi::Value Scale(const Napi::CallbackInfo& info) {
  Args a(info, "scale");
  float* buf = a.f32(0);
  const double s = a.number(1);
  const int64_t N = a.integer(2);
  if (!a.ok()) return a.env().Undefined();
  const auto scale = use_avx2() ? avx2::scale_range : portable::scale_range;
  parallel_for(N, kGrain * 2, [&](int64_t i0, int64_t i1) { scale(buf + i0, s, i1 - i0); });
  return a.env().Undefined();
}

}  // namespace

void register_optimizer(Napi::Env env, Napi::Object exports) {
  exports.Set("adamwUpdate", Napi::Function::New(env, AdamwUpdate, "adamwUpdate"));
  exports.Set("sumSquares", Napi::Function::New(env, SumSquares, "sumSquares"));
  exports.Set("scale", Napi::Function::New(env, Scale, "scale"));
}

}  // namespace ak
