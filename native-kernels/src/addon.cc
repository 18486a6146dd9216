// Module entry of attention_kernels.node: registers every kernel family plus CPU info, ISA switch, thread count, the
// huge-page hint for large buffers and the packed linear weights of inference models (packLinearWeight,
// matmulForwardPacked).
#include <napi.h>

#include <cstdint>
#include <cstring>
#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "cpu.h"
#include "embeddings_register.h"
#include "gemm.h"
#include "napi_args.h"
#include "projection.h"
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

// A packed linear weight is a Float32Array: a 4-word header (int32 bit patterns: magic, C, OC, index of the first
// packed float), then the pack_b_all panel at the first 64-byte boundary at or after word 4 (16 spare words).
// The panel's index is recorded because a JS buffer's address is only 8- or 16-byte aligned.
constexpr int32_t kPackedMagic = 0x31424B50;  // "PKB1"
constexpr int64_t kPackedHeader = 4;
constexpr int64_t kPackedSlack = 16;

int32_t* packed_header(float* packed) { return reinterpret_cast<int32_t*>(packed); }

int64_t aligned_index(const float* packed) {
  const uintptr_t first = reinterpret_cast<uintptr_t>(packed + kPackedHeader);
  return kPackedHeader + static_cast<int64_t>(((64 - first % 64) % 64) / sizeof(float));
}

// packLinearWeight(weight(OC,C), C, OC) -> Float32Array for matmulForwardPacked.
Napi::Value PackLinearWeight(const Napi::CallbackInfo& info) {
  Args a(info, "packLinearWeight");
  const float* weight = a.f32(0);
  const int64_t C = a.integer(1), OC = a.integer(2);
  if (!a.ok()) return a.env().Undefined();
  const int64_t panel = packed_b_floats(OC, C);
  Napi::Float32Array out = Napi::Float32Array::New(a.env(), static_cast<size_t>(kPackedHeader + kPackedSlack + panel));
  float* packed = out.Data();
  const int64_t at = aligned_index(packed);
  int32_t* h = packed_header(packed);
  h[0] = kPackedMagic;
  h[1] = static_cast<int32_t>(C);
  h[2] = static_cast<int32_t>(OC);
  h[3] = static_cast<int32_t>(at);
  pack_b_all(true, weight, C, OC, C, packed + at);
  return out;
}

// matmulForwardPacked(out(BT,OC), inp(BT,C), packed, bias(OC)|null, BT, C, OC)
Napi::Value MatmulForwardPacked(const Napi::CallbackInfo& info) {
  Args a(info, "matmulForwardPacked");
  float* out = a.f32(0);
  const float* inp = a.f32(1);
  float* packed = a.f32(2);
  const float* bias = a.f32_or_null(3);
  const int64_t BT = a.integer(4), C = a.integer(5), OC = a.integer(6);
  if (!a.ok()) return a.env().Undefined();
  const size_t length = info[2].As<Napi::Float32Array>().ElementLength();
  const int64_t panel = packed_b_floats(OC, C);
  int32_t* h = packed_header(packed);
  if (length != static_cast<size_t>(kPackedHeader + kPackedSlack + panel) || h[0] != kPackedMagic || h[1] != C ||
      h[2] != OC) {
    Napi::TypeError::New(a.env(), "matmulForwardPacked: argument 3 is not a weight packed by packLinearWeight for C " +
                                      std::to_string(C) + " and OC " + std::to_string(OC) + ".")
        .ThrowAsJavaScriptException();
    return a.env().Undefined();
  }
  // A copy of the buffer (e.g. sent to another thread) may sit at another alignment: move the panel to this one's.
  const int64_t at = aligned_index(packed);
  if (at != h[3]) {
    std::memmove(packed + at, packed + h[3], sizeof(float) * static_cast<size_t>(panel));
    h[3] = static_cast<int32_t>(at);
  }
  sgemm_packed_b(BT, OC, C, inp, C, packed + at, out, OC, bias);
  return a.env().Undefined();
}

// adviseHugePages(buf): madvise(MADV_HUGEPAGE) over the 2 MiB-aligned interior of buf (Linux; elsewhere nothing).
// With transparent huge pages in "madvise" mode (Debian's default) a training step's ~100 MB of activations otherwise
// sits on 4 KiB pages, and every kernel that walks them pays TLB misses. A refusal (e.g. THP disabled) is ignored:
// the buffer works the same on small pages.
Napi::Value AdviseHugePages(const Napi::CallbackInfo& info) {
  Args a(info, "adviseHugePages");
  float* data = a.f32(0);
  if (!a.ok()) return a.env().Undefined();
#if defined(__linux__)
  constexpr uintptr_t kHuge = uintptr_t{2} << 20;
  const uintptr_t begin = reinterpret_cast<uintptr_t>(data);
  const uintptr_t end = begin + info[0].As<Napi::Float32Array>().ElementLength() * sizeof(float);
  const uintptr_t first = (begin + kHuge - 1) & ~(kHuge - 1), last = end & ~(kHuge - 1);
  if (last > first) madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
#endif
  return a.env().Undefined();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("adviseHugePages", Napi::Function::New(env, AdviseHugePages, "adviseHugePages"));
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
  register_alignment(env, exports);
  register_rnn(env, exports);
  register_embeddings(env, exports);  // issue 15: Word2Vec/FastText, GloVe, co-occurrence counting
  register_projection(env, exports);  // PCA, kNN, t-SNE, UMAP (projection.cc)
  exports.Set("packLinearWeight", Napi::Function::New(env, PackLinearWeight, "packLinearWeight"));
  exports.Set("matmulForwardPacked", Napi::Function::New(env, MatmulForwardPacked, "matmulForwardPacked"));
  return exports;
}

}  // namespace
}  // namespace ak

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return ak::Init(env, exports); }

NODE_API_MODULE(attention_kernels, InitModule)
