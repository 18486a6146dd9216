// Module entry of attention_kernels.node: registers every kernel family plus CPU info, ISA switch and thread count.
#include <napi.h>

#include "cpu.h"
#include "napi_args.h"
#include "threadpool.h"

namespace ak {
namespace {

Napi::Value CpuInfo(const Napi::CallbackInfo& info) {
  const CpuFeatures f = cpu_features();
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("avx2", f.avx2);
  o.Set("fma", f.fma);
  return o;
}

Napi::Value SetAvx2(const Napi::CallbackInfo& info) {
  Args a(info, "setAvx2");
  const bool enable = a.boolean(0);
  if (!a.ok()) return a.env().Undefined();
  return Napi::Boolean::New(a.env(), set_use_avx2(enable));
}

Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  Args a(info, "setThreads");
  const int64_t n = a.integer(0);
  if (!a.ok()) return a.env().Undefined();
  if (n < 1 || n > 256) {
    Napi::RangeError::New(a.env(), "setThreads: the thread count must be between 1 and 256.").ThrowAsJavaScriptException();
    return a.env().Undefined();
  }
  set_threads(static_cast<int>(n));
  return a.env().Undefined();
}

Napi::Value GetThreads(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), get_threads()); }

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("cpuInfo", Napi::Function::New(env, CpuInfo, "cpuInfo"));
  exports.Set("setAvx2", Napi::Function::New(env, SetAvx2, "setAvx2"));
  exports.Set("setThreads", Napi::Function::New(env, SetThreads, "setThreads"));
  exports.Set("getThreads", Napi::Function::New(env, GetThreads, "getThreads"));
  register_matmul(env, exports);
  register_embedding(env, exports);
  register_layernorm(env, exports);
  register_activation(env, exports);
  register_attention(env, exports);
  register_dropout(env, exports);
  register_crossentropy(env, exports);
  register_optimizer(env, exports);
  return exports;
}

}  // namespace
}  // namespace ak

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return ak::Init(env, exports); }

NODE_API_MODULE(attention_kernels, InitModule)
