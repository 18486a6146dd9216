// Dropout kernels for N-API with a counter-based hash: the mask of element i depends only on (key, i).
// Must stay bit-identical to native-kernels/js/rng.ts (the key is derived from the seed there and passed in).
#include "napi_args.h"
#include "threadpool.h"

namespace ak {
namespace {

// Chris Wellons' lowbias32 integer hash.
inline uint32_t lowbias32(uint32_t x) {
  x ^= x >> 16;
  x *= 0x7feb352dU;
  x ^= x >> 15;
  x *= 0x846ca68bU;
  x ^= x >> 16;
  return x;
}

// Uniform in [0, 1) with 24 bits; computed in double so the comparison with p matches JS exactly.
inline double uniform(uint32_t key, uint32_t i) { return static_cast<double>(lowbias32(lowbias32(i ^ key) + key) >> 8) / 16777216.0; }

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
  parallel_for(N, 16384, [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; i++) {
      const bool keep = uniform(key, static_cast<uint32_t>(i)) >= p;
      mask[i] = keep ? 1 : 0;
      out[i] = keep ? inp[i] * keep_scale : 0.0f;
    }
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
  parallel_for(N, 65536, [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; i++) dinp[i] = mask[i] ? dout[i] * keep_scale : 0.0f;
  });
  return a.env().Undefined();
}

}  // namespace

void register_dropout(Napi::Env env, Napi::Object exports) {
  exports.Set("dropoutForward", Napi::Function::New(env, DropoutForward, "dropoutForward"));
  exports.Set("dropoutBackward", Napi::Function::New(env, DropoutBackward, "dropoutBackward"));
}

}  // namespace ak
