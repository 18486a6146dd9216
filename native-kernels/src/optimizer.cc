// Optimizer kernels for N-API: AdamW step, sum of squares (global-norm clipping) and in-place scaling.
#include <algorithm>
#include <cmath>
#include <vector>

#include "napi_args.h"
#include "threadpool.h"

namespace ak {
namespace {

constexpr int64_t kGrain = 16384;

// adamwUpdate(params, grads, m, v, N, lr, beta1, beta2, eps, weightDecay, t)
Napi::Value AdamwUpdate(const Napi::CallbackInfo& info) {
  Args a(info, "adamwUpdate");
  float* params = a.f32(0);
  const float* grads = a.f32(1);
  float* m = a.f32(2);
  float* v = a.f32(3);
  const int64_t N = a.integer(4);
  const double lr = a.number(5), beta1 = a.number(6), beta2 = a.number(7), eps = a.number(8), wd = a.number(9);
  const double t = a.number(10);
  if (!a.ok()) return a.env().Undefined();
  // Computed in double and rounded once per stored value, like the JS reference: the step is memory-bound, so the
  // wider arithmetic costs nothing and the moments do not drift from float rounding of (1 - beta).
  const double c1 = 1.0 - std::pow(beta1, t);
  const double c2 = 1.0 - std::pow(beta2, t);
  parallel_for(N, kGrain, [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; i++) {
      const double g = grads[i];
      const double mi = beta1 * m[i] + (1.0 - beta1) * g;
      const double vi = beta2 * v[i] + (1.0 - beta2) * g * g;
      m[i] = static_cast<float>(mi);
      v[i] = static_cast<float>(vi);
      const double p = params[i];
      params[i] = static_cast<float>(p - lr * ((static_cast<float>(mi) / c1) / (std::sqrt(static_cast<float>(vi) / c2) + eps) + wd * p));
    }
  });
  return a.env().Undefined();
}

// sumSquares(buf, N) -> double. Fixed chunks summed in order keep the result independent of the thread count.
Napi::Value SumSquares(const Napi::CallbackInfo& info) {
  Args a(info, "sumSquares");
  const float* buf = a.f32(0);
  const int64_t N = a.integer(1);
  if (!a.ok()) return a.env().Undefined();
  const int64_t chunks = (N + kGrain - 1) / kGrain;
  std::vector<double> partial(static_cast<size_t>(std::max<int64_t>(chunks, 1)), 0.0);
  parallel_for(chunks, 1, [&](int64_t k0, int64_t k1) {
    for (int64_t k = k0; k < k1; k++) {
      double s = 0;
      const int64_t end = std::min(N, (k + 1) * kGrain);
      for (int64_t i = k * kGrain; i < end; i++) s += static_cast<double>(buf[i]) * buf[i];
      partial[static_cast<size_t>(k)] = s;
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
  // Multiplied in double and rounded once, exactly as the JS reference does, so both backends agree bit for bit.
  const double s = a.number(1);
  const int64_t N = a.integer(2);
  if (!a.ok()) return a.env().Undefined();
  parallel_for(N, kGrain * 4, [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; i++) buf[i] = static_cast<float>(buf[i] * s);
  });
  return a.env().Undefined();
}

}  // namespace

void register_optimizer(Napi::Env env, Napi::Object exports) {
  exports.Set("adamwUpdate", Napi::Function::New(env, AdamwUpdate, "adamwUpdate"));
  exports.Set("sumSquares", Napi::Function::New(env, SumSquares, "sumSquares"));
  exports.Set("scale", Napi::Function::New(env, Scale, "scale"));
}

}  // namespace ak
