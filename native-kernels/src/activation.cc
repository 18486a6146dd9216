// Elementwise kernels for N-API: GELU (tanh approximation) forward/backward and the residual add.
#include "cpu.h"
#include "napi_args.h"
#include "threadpool.h"

#define AK_ISA_NS portable
#include "gelu_impl.h"
#undef AK_ISA_NS

namespace ak {
namespace avx2 {
void gelu_forward(float* out, const float* inp, int64_t n);
void gelu_backward(float* dinp, const float* inp, const float* dout, int64_t n);
void add_vectors(float* out, const float* a, const float* b, int64_t n);
}  // namespace avx2

namespace {

constexpr int64_t kGrain = 16384;

// geluForward(out(N), inp(N), N)
Napi::Value GeluForward(const Napi::CallbackInfo& info) {
  Args a(info, "geluForward");
  float* out = a.f32(0);
  const float* inp = a.f32(1);
  const int64_t N = a.integer(2);
  if (!a.ok()) return a.env().Undefined();
  const auto gelu = use_avx2() ? avx2::gelu_forward : portable::gelu_forward;
  parallel_for(N, kGrain, [&](int64_t i0, int64_t i1) { gelu(out + i0, inp + i0, i1 - i0); });
  return a.env().Undefined();
}

// geluBackward(dinp(N), inp(N), dout(N), N): dinp = dout * gelu'(x)
Napi::Value GeluBackward(const Napi::CallbackInfo& info) {
  Args a(info, "geluBackward");
  float* dinp = a.f32(0);
  const float* inp = a.f32(1);
  const float* dout = a.f32(2);
  const int64_t N = a.integer(3);
  if (!a.ok()) return a.env().Undefined();
  const auto gelu = use_avx2() ? avx2::gelu_backward : portable::gelu_backward;
  parallel_for(N, kGrain, [&](int64_t i0, int64_t i1) { gelu(dinp + i0, inp + i0, dout + i0, i1 - i0); });
  return a.env().Undefined();
}

// residualForward(out(N), a(N), b(N), N)
Napi::Value ResidualForward(const Napi::CallbackInfo& info) {
  Args a(info, "residualForward");
  float* out = a.f32(0);
  const float* x = a.f32(1);
  const float* y = a.f32(2);
  const int64_t N = a.integer(3);
  if (!a.ok()) return a.env().Undefined();
  const auto add = use_avx2() ? avx2::add_vectors : portable::add_vectors;
  parallel_for(N, kGrain * 4, [&](int64_t i0, int64_t i1) { add(out + i0, x + i0, y + i0, i1 - i0); });
  return a.env().Undefined();
}

}  // namespace

void register_activation(Napi::Env env, Napi::Object exports) {
  exports.Set("geluForward", Napi::Function::New(env, GeluForward, "geluForward"));
  exports.Set("geluBackward", Napi::Function::New(env, GeluBackward, "geluBackward"));
  exports.Set("residualForward", Napi::Function::New(env, ResidualForward, "residualForward"));
}

}  // namespace ak
