// Dropout kernels for N-API with a counter-based hash: the mask of element i depends only on (key, i).
// Must stay bit-identical to native-kernels/js/rng.ts (the key is derived from the seed there and passed in).
#include <cmath>

#include "cpu.h"
#include "napi_args.h"
#include "threadpool.h"

#define AK_ISA_NS portable
#include "dropout_impl.h"
#undef AK_ISA_NS

namespace ak {
namespace avx2 {
void dropout_forward_range(float* out, uint8_t* mask, const float* inp, int64_t first, int64_t n, uint32_t key,
                           uint32_t threshold, float keep_scale);
void dropout_backward_range(float* dinp, const float* dout, const uint8_t* mask, int64_t n, float keep_scale);
}  // namespace avx2

namespace {

constexpr int64_t kGrain = 16384;

// ceil(p * 2^24) clamped to [0, 2^24]: the integer form of "uniform >= p" (see dropout_impl.h). NaN drops everything,
// as the comparison with NaN does.
uint32_t keep_threshold(double p) {
  if (!(p > 0.0)) return std::isnan(p) ? 16777216U : 0U;
  if (p >= 1.0) return 16777216U;
  return static_cast<uint32_t>(std::ceil(p * 16777216.0));
}

// dropoutForward(out(N), mask(N), inp(N), p, key (uint32), N)
Napi::Value DropoutForward(const Napi::CallbackInfo& info) {
  Args a(info, "dropoutForward");
  float* out = a.f32(0);
  uint8_t* mask = a.u8(1);
  const float* inp = a.f32(2);
  const double p = a.number(3);
  const uint32_t key = static_cast<uint32_t>(a.integer(4));
  const int64_t N = a.integer(5);
  if (!a.ok()) return a.env().Undefined();
  const float keep_scale = p < 1.0 ? static_cast<float>(1.0 / (1.0 - p)) : 0.0f;
  const uint32_t threshold = keep_threshold(p);
  const auto fwd = use_avx2() ? avx2::dropout_forward_range : portable::dropout_forward_range;
  parallel_for(N, kGrain, [&](int64_t i0, int64_t i1) {
    fwd(out + i0, mask + i0, inp + i0, i0, i1 - i0, key, threshold, keep_scale);
  });
  return a.env().Undefined();
}

// dropoutBackward(dinp(N), dout(N), mask(N), p, N)
Napi::Value DropoutBackward(const Napi::CallbackInfo& info) {
  Args a(info, "dropoutBackward");
  float* dinp = a.f32(0);
  const float* dout = a.f32(1);
  const uint8_t* mask = a.u8(2);
  const double p = a.number(3);
  const int64_t N = a.integer(4);
  if (!a.ok()) return a.env().Undefined();
  const float keep_scale = p < 1.0 ? static_cast<float>(1.0 / (1.0 - p)) : 0.0f;
  const auto bwd = use_avx2() ? avx2::dropout_backward_range : portable::dropout_backward_range;
  parallel_for(N, kGrain * 4, [&](int64_t i0, int64_t i1) { bwd(dinp + i0, dout + i0, mask + i0, i1 - i0, keep_scale); });
  return a.env().Undefined();
}

}  // namespace

void register_dropout(Napi::Env env, Napi::Object exports) {
  exports.Set("dropoutForward", Napi::Function::New(env, DropoutForward, "dropoutForward"));
  exports.Set("dropoutBackward", Napi::Function::New(env, DropoutBackward, "dropoutBackward"));
}

}  // namespace ak
