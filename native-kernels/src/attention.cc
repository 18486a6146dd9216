// Multi-head self-attention kernels for N-API: one pool task per (batch, head), probabilities kept in att.
// Per head (q, k, v are (T, hs) views into qkv with row stride 3C):
//   forward   preatt = scale q k^T;  att = masked softmax(preatt);  out_h = att v
//   backward  datt = dout_h v^T;  dv = att^T dout_h;  dpreatt = softmax'(att, datt);  dq = scale dpreatt k;
//             dk = scale dpreatt^T q
// The products use sgemm, which runs serially inside a pool task, so each head's result is fixed whatever the
// thread count.
#include <cmath>
#include <vector>

#include "cpu.h"
#include "gemm.h"
#include "napi_args.h"
#include "threadpool.h"

#define AK_ISA_NS portable
#include "attention_head.h"
#undef AK_ISA_NS

namespace ak {
namespace avx2 {
void attention_softmax(float* att, const float* preatt, const uint8_t* key_mask, bool causal, int64_t T,
                       float* visible);
void attention_softmax_backward(float* dpreatt, const float* att, const float* datt, int64_t T);
}  // namespace avx2

namespace {

thread_local std::vector<float> t_visible;

// attentionForward(out(B,T,C), preatt(B,NH,T,T), att(B,NH,T,T), qkv(B,T,3C), keyMask(B,T)|null, causal, B, T, C, NH)
Napi::Value AttentionForward(const Napi::CallbackInfo& info) {
  Args a(info, "attentionForward");
  float* out = a.f32(0);
  float* preatt = a.f32(1);
  float* att = a.f32(2);
  const float* qkv = a.f32(3);
  const uint8_t* key_mask = a.u8_or_null(4);
  const bool causal = a.boolean(5);
  const int64_t B = a.integer(6), T = a.integer(7), C = a.integer(8), NH = a.integer(9);
  if (!a.ok()) return a.env().Undefined();
  const int64_t hs = C / NH, C3 = 3 * C;
  const float scale = 1.0f / std::sqrt(static_cast<float>(hs));
  const auto softmax = use_avx2() ? avx2::attention_softmax : portable::attention_softmax;
  parallel_for(B * NH, 1, [&](int64_t t0, int64_t t1) {
    if (t_visible.size() < static_cast<size_t>(T)) t_visible.resize(static_cast<size_t>(T));
    for (int64_t task = t0; task < t1; task++) {
      const int64_t b = task / NH, h = task % NH;
      const int64_t tt = (b * NH + h) * T * T;
      const float* q = qkv + b * T * C3 + h * hs;
      sgemm(false, true, T, T, hs, scale, q, C3, q + C, C3, 0.0f, preatt + tt, T, nullptr);
      softmax(att + tt, preatt + tt, key_mask ? key_mask + b * T : nullptr, causal, T, t_visible.data());
      sgemm(false, false, T, hs, T, 1.0f, att + tt, T, q + 2 * C, C3, 0.0f, out + b * T * C + h * hs, C, nullptr);
    }
  });
  return a.env().Undefined();
}

// attentionBackward(dqkv(B,T,3C), dpreatt, datt (B,NH,T,T) scratch, dout(B,T,C), qkv(B,T,3C), att(B,NH,T,T), B, T, C, NH)
Napi::Value AttentionBackward(const Napi::CallbackInfo& info) {
  Args a(info, "attentionBackward");
  float* dqkv = a.f32(0);
  float* dpreatt = a.f32(1);
  float* datt = a.f32(2);
  const float* dout = a.f32(3);
  const float* qkv = a.f32(4);
  const float* att = a.f32(5);
  const int64_t B = a.integer(6), T = a.integer(7), C = a.integer(8), NH = a.integer(9);
  if (!a.ok()) return a.env().Undefined();
  const int64_t hs = C / NH, C3 = 3 * C;
  const float scale = 1.0f / std::sqrt(static_cast<float>(hs));
  const auto softmax_backward = use_avx2() ? avx2::attention_softmax_backward : portable::attention_softmax_backward;
  // Each (b, h) task writes only head h's channels of batch b in dqkv (beta = 0: written, not accumulated).
  parallel_for(B * NH, 1, [&](int64_t t0, int64_t t1) {
    for (int64_t task = t0; task < t1; task++) {
      const int64_t b = task / NH, h = task % NH;
      const int64_t tt = (b * NH + h) * T * T;
      const float* q = qkv + b * T * C3 + h * hs;
      const float* go = dout + b * T * C + h * hs;
      float* dq = dqkv + b * T * C3 + h * hs;
      sgemm(false, true, T, T, hs, 1.0f, go, C, q + 2 * C, C3, 0.0f, datt + tt, T, nullptr);
      sgemm(true, false, T, hs, T, 1.0f, att + tt, T, go, C, 0.0f, dq + 2 * C, C3, nullptr);
      softmax_backward(dpreatt + tt, att + tt, datt + tt, T);
      sgemm(false, false, T, hs, T, scale, dpreatt + tt, T, q + C, C3, 0.0f, dq, C3, nullptr);
      sgemm(true, false, T, hs, T, scale, dpreatt + tt, T, q, C3, 0.0f, dq + C, C3, nullptr);
    }
  });
  return a.env().Undefined();
}

}  // namespace

void register_attention(Napi::Env env, Napi::Object exports) {
  exports.Set("attentionForward", Napi::Function::New(env, AttentionForward, "attentionForward"));
  exports.Set("attentionBackward", Napi::Function::New(env, AttentionBackward, "attentionBackward"));
}

}  // namespace ak
