// Embedding kernels for N-API: token + position (+ segment) lookup, and the scatter-add backward.
#include <algorithm>

#include "napi_args.h"
#include "threadpool.h"

namespace ak {
namespace {

// embeddingForward(out(B,T,C), tokens(B,T), wte(V,C), pos(T,C)|null, segments(B,T)|null, segTable(S,C)|null, B, T, C)
Napi::Value EmbeddingForward(const Napi::CallbackInfo& info) {
  Args a(info, "embeddingForward");
  float* out = a.f32(0);
  const int32_t* tokens = a.i32(1);
  const float* wte = a.f32(2);
  const float* pos = a.f32_or_null(3);
  const int32_t* segments = a.i32_or_null(4);
  const float* seg = a.f32_or_null(5);
  const int64_t B = a.integer(6), T = a.integer(7), C = a.integer(8);
  if (!a.ok()) return a.env().Undefined();
  parallel_for(B * T, 64, [&](int64_t r0, int64_t r1) {
    for (int64_t bt = r0; bt < r1; bt++) {
      const int64_t t = bt % T;
      const float* w = wte + static_cast<int64_t>(tokens[bt]) * C;
      const float* p = pos ? pos + t * C : nullptr;
      const float* s = segments && seg ? seg + static_cast<int64_t>(segments[bt]) * C : nullptr;
      float* o = out + bt * C;
      for (int64_t c = 0; c < C; c++) {
        float v = w[c];
        if (p) v += p[c];
        if (s) v += s[c];
        o[c] = v;
      }
    }
  });
  return a.env().Undefined();
}

// embeddingBackward(dwte(V,C), dpos(T,C)|null, dseg(S,C)|null, dout(B,T,C), tokens(B,T), segments|null, B, T, C)
// Threads own channel ranges and walk every position in order, so repeated tokens add up in a fixed order.
Napi::Value EmbeddingBackward(const Napi::CallbackInfo& info) {
  Args a(info, "embeddingBackward");
  float* dwte = a.f32(0);
  float* dpos = a.f32_or_null(1);
  float* dseg = a.f32_or_null(2);
  const float* dout = a.f32(3);
  const int32_t* tokens = a.i32(4);
  const int32_t* segments = a.i32_or_null(5);
  const int64_t B = a.integer(6), T = a.integer(7), C = a.integer(8);
  if (!a.ok()) return a.env().Undefined();
  constexpr int64_t kChannels = 16;
  parallel_for((C + kChannels - 1) / kChannels, 1, [&](int64_t k0, int64_t k1) {
    const int64_t c0 = k0 * kChannels;
    const int64_t c1 = std::min(C, k1 * kChannels);
    for (int64_t bt = 0; bt < B * T; bt++) {
      const float* d = dout + bt * C;
      float* w = dwte + static_cast<int64_t>(tokens[bt]) * C;
      for (int64_t c = c0; c < c1; c++) w[c] += d[c];
      if (dpos) {
        float* p = dpos + (bt % T) * C;
        for (int64_t c = c0; c < c1; c++) p[c] += d[c];
      }
      if (dseg && segments) {
        float* s = dseg + static_cast<int64_t>(segments[bt]) * C;
        for (int64_t c = c0; c < c1; c++) s[c] += d[c];
      }
    }
  });
  return a.env().Undefined();
}

}  // namespace

void register_embedding(Napi::Env env, Napi::Object exports) {
  exports.Set("embeddingForward", Napi::Function::New(env, EmbeddingForward, "embeddingForward"));
  exports.Set("embeddingBackward", Napi::Function::New(env, EmbeddingBackward, "embeddingBackward"));
}

}  // namespace ak
