// Alignment kernels for N-API (see alignment-kernels.ts): dot-product and additive scores, masked softmax + context,
// forward and backward, and the elementwise tanh of the attentional state. One pool task per (batch, head) for the
// GEMM-shaped kernels (each runs its small sgemm calls serially inside the task), per query row for the additive
// scores, per batch element for their backward; every output is computed by one task in a fixed order, so results do
// not depend on the thread count.
#include <algorithm>
#include <cmath>
#include <vector>

#include "cpu.h"
#include "gemm.h"
#include "napi_args.h"
#include "threadpool.h"
#include "vecmath.h"

#define AK_ISA_NS portable
#include "alignment_impl.h"
#undef AK_ISA_NS

namespace ak {
namespace avx2 {
void additive_scores_row(float* scores, const float* q, const float* k, const float* v, int64_t S, int64_t A);
void additive_backward_row(float* dq, float* dk, float* dv, const float* g, const float* q, const float* k,
                           const float* v, int64_t S, int64_t A);
void tanh_forward(float* out, const float* inp, int64_t n);
void tanh_backward(float* dinp, const float* out, const float* dout, int64_t n);
}  // namespace avx2

namespace {

thread_local std::vector<float> t_datt;

// Pool chunks of at least ~32k multiply-adds, so tiny problems (one decoding step) stay on the calling thread.
int64_t grain_for(int64_t work_per_item) {
  const int64_t g = 32768 / std::max<int64_t>(1, work_per_item);
  return std::max<int64_t>(1, g);
}

// alignDotForward(scores(B,NH,T,S), q(B,T,NH*D), k(B,S,NH*D), scale, B, T, S, NH, D)
Napi::Value AlignDotForward(const Napi::CallbackInfo& info) {
  Args a(info, "alignDotForward");
  float* scores = a.f32(0);
  const float* q = a.f32(1);
  const float* k = a.f32(2);
  const float scale = static_cast<float>(a.number(3));
  const int64_t B = a.integer(4), T = a.integer(5), S = a.integer(6), NH = a.integer(7), D = a.integer(8);
  if (!a.ok()) return a.env().Undefined();
  const int64_t W = NH * D;
  parallel_for(B * NH, grain_for(T * S * D), [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; i++) {
      const int64_t b = i / NH, h = i % NH;
      sgemm(false, true, T, S, D, scale, q + b * T * W + h * D, W, k + b * S * W + h * D, W, 0.0f, scores + i * T * S,
            S, nullptr);
    }
  });
  return a.env().Undefined();
}

// alignDotBackward(dq(B,T,NH*D), dk(B,S,NH*D), dscores(B,NH,T,S), q, k, scale, B, T, S, NH, D)
Napi::Value AlignDotBackward(const Napi::CallbackInfo& info) {
  Args a(info, "alignDotBackward");
  float* dq = a.f32(0);
  float* dk = a.f32(1);
  const float* dscores = a.f32(2);
  const float* q = a.f32(3);
  const float* k = a.f32(4);
  const float scale = static_cast<float>(a.number(5));
  const int64_t B = a.integer(6), T = a.integer(7), S = a.integer(8), NH = a.integer(9), D = a.integer(10);
  if (!a.ok()) return a.env().Undefined();
  const int64_t W = NH * D;
  parallel_for(B * NH, grain_for(2 * T * S * D), [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; i++) {
      const int64_t b = i / NH, h = i % NH;
      const float* ds = dscores + i * T * S;
      // dq (T,D) = scale ds (T,S) k (S,D);  dk (S,D) = scale ds^T (S,T) q (T,D)
      sgemm(false, false, T, D, S, scale, ds, S, k + b * S * W + h * D, W, 0.0f, dq + b * T * W + h * D, W, nullptr);
      sgemm(true, false, S, D, T, scale, ds, S, q + b * T * W + h * D, W, 0.0f, dk + b * S * W + h * D, W, nullptr);
    }
  });
  return a.env().Undefined();
}

// alignAdditiveForward(scores(B,T,S), q(B,T,A), k(B,S,A), v(A), B, T, S, A)
Napi::Value AlignAdditiveForward(const Napi::CallbackInfo& info) {
  Args a(info, "alignAdditiveForward");
  float* scores = a.f32(0);
  const float* q = a.f32(1);
  const float* k = a.f32(2);
  const float* v = a.f32(3);
  const int64_t B = a.integer(4), T = a.integer(5), S = a.integer(6), A = a.integer(7);
  if (!a.ok()) return a.env().Undefined();
  const auto row = use_avx2() ? avx2::additive_scores_row : portable::additive_scores_row;
  parallel_for(B * T, grain_for(S * A * 4), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++) row(scores + r * S, q + r * A, k + (r / T) * S * A, v, S, A);
  });
  return a.env().Undefined();
}

// alignAdditiveBackward(dq(B,T,A), dk(B,S,A), dv(A) +=, dscores(B,T,S), q, k, v, B, T, S, A)
// Per batch element: its dq and dk rows, and its share of dv in a row of `parts`, summed in batch order afterwards.
Napi::Value AlignAdditiveBackward(const Napi::CallbackInfo& info) {
  Args a(info, "alignAdditiveBackward");
  float* dq = a.f32(0);
  float* dk = a.f32(1);
  float* dv = a.f32(2);
  const float* dscores = a.f32(3);
  const float* q = a.f32(4);
  const float* k = a.f32(5);
  const float* v = a.f32(6);
  const int64_t B = a.integer(7), T = a.integer(8), S = a.integer(9), A = a.integer(10);
  if (!a.ok()) return a.env().Undefined();
  const auto row = use_avx2() ? avx2::additive_backward_row : portable::additive_backward_row;
  std::vector<float> parts(static_cast<size_t>(B * A), 0.0f);
  parallel_for(B, grain_for(T * S * A * 6), [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; b++) {
      float* dqb = dq + b * T * A;
      float* dkb = dk + b * S * A;
      std::fill(dqb, dqb + T * A, 0.0f);
      std::fill(dkb, dkb + S * A, 0.0f);
      for (int64_t t = 0; t < T; t++) {
        row(dqb + t * A, dkb, parts.data() + b * A, dscores + (b * T + t) * S, q + (b * T + t) * A, k + b * S * A, v, S, A);
      }
    }
  });
  for (int64_t x = 0; x < A; x++) {
    double sum = 0.0;
    for (int64_t b = 0; b < B; b++) sum += parts[static_cast<size_t>(b * A + x)];
    dv[x] += static_cast<float>(sum);
  }
  return a.env().Undefined();
}

// Softmax of one row over its first L entries (the rest of the S entries exactly 0); arow may be srow.
void masked_softmax_row(float* arow, const float* srow, int64_t L, int64_t S) {
  float mx = -INFINITY;
  for (int64_t j = 0; j < L; j++) mx = srow[j] > mx ? srow[j] : mx;
  float sum = 0.0f;
  for (int64_t j = 0; j < L; j++) {
    const float e = exp_fast(srow[j] - mx);
    arow[j] = e;
    sum += e;
  }
  const float inv = sum > 0.0f ? 1.0f / sum : 0.0f;
  for (int64_t j = 0; j < L; j++) arow[j] *= inv;
  for (int64_t j = L; j < S; j++) arow[j] = 0.0f;
}

// alignSoftmaxContextForward(ctx(B,T,NH*H), att(B,NH,T,S), scores(B,NH,T,S), values(B,S,NH*H), srcLen(B), B, T, S, NH, H)
Napi::Value AlignSoftmaxContextForward(const Napi::CallbackInfo& info) {
  Args a(info, "alignSoftmaxContextForward");
  float* ctx = a.f32(0);
  float* att = a.f32(1);
  const float* scores = a.f32(2);
  const float* values = a.f32(3);
  const int32_t* src_len = a.i32(4);
  const int64_t B = a.integer(5), T = a.integer(6), S = a.integer(7), NH = a.integer(8), H = a.integer(9);
  if (!a.ok()) return a.env().Undefined();
  const int64_t W = NH * H;
  parallel_for(B * NH, grain_for(T * S * (H + 4)), [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; i++) {
      const int64_t b = i / NH, h = i % NH;
      const int64_t L = std::min<int64_t>(S, std::max<int32_t>(0, src_len[b]));
      float* att_bh = att + i * T * S;
      for (int64_t t = 0; t < T; t++) masked_softmax_row(att_bh + t * S, scores + i * T * S + t * S, L, S);
      // ctx (T,H) = att (T,L) values (L,H)
      sgemm(false, false, T, H, L, 1.0f, att_bh, S, values + b * S * W + h * H, W, 0.0f, ctx + b * T * W + h * H, W,
            nullptr);
    }
  });
  return a.env().Undefined();
}

// alignSoftmaxContextBackward(dscores(B,NH,T,S), dvalues(B,S,NH*H), dctx(B,T,NH*H), att, values, B, T, S, NH, H)
// No mask argument: masked keys have probability exactly 0, so each (b, h) works on its first L keys, L = 1 + the last
// key with a nonzero probability in any of its rows; every key past L gets zero gradients, as a masked key must.
Napi::Value AlignSoftmaxContextBackward(const Napi::CallbackInfo& info) {
  Args a(info, "alignSoftmaxContextBackward");
  float* dscores = a.f32(0);
  float* dvalues = a.f32(1);
  const float* dctx = a.f32(2);
  const float* att = a.f32(3);
  const float* values = a.f32(4);
  const int64_t B = a.integer(5), T = a.integer(6), S = a.integer(7), NH = a.integer(8), H = a.integer(9);
  if (!a.ok()) return a.env().Undefined();
  const int64_t W = NH * H;
  parallel_for(B * NH, grain_for(2 * T * S * (H + 2)), [&](int64_t i0, int64_t i1) {
    std::vector<float>& datt = t_datt;
    if (datt.size() < static_cast<size_t>(T * S)) datt.resize(static_cast<size_t>(T * S));
    for (int64_t i = i0; i < i1; i++) {
      const int64_t b = i / NH, h = i % NH;
      const float* att_bh = att + i * T * S;
      int64_t L = 0;
      for (int64_t t = 0; t < T; t++)
        for (int64_t j = L; j < S; j++) L = att_bh[t * S + j] != 0.0f ? j + 1 : L;
      const float* dctx_bh = dctx + b * T * W + h * H;
      const float* values_bh = values + b * S * W + h * H;
      // datt (T,L) = dctx (T,H) values^T (H,L)
      sgemm(false, true, T, L, H, 1.0f, dctx_bh, W, values_bh, W, 0.0f, datt.data(), std::max<int64_t>(L, 1), nullptr);
      float* ds = dscores + i * T * S;
      for (int64_t t = 0; t < T; t++) {
        const float* arow = att_bh + t * S;
        const float* drow = datt.data() + t * std::max<int64_t>(L, 1);
        float inner = 0.0f;
        for (int64_t j = 0; j < L; j++) inner += arow[j] * drow[j];
        for (int64_t j = 0; j < L; j++) ds[t * S + j] = arow[j] * (drow[j] - inner);
        for (int64_t j = L; j < S; j++) ds[t * S + j] = 0.0f;
      }
      // dvalues (L,H) = att^T (L,T) dctx (T,H); rows L..S-1 are 0
      float* dv_bh = dvalues + b * S * W + h * H;
      sgemm(true, false, L, H, T, 1.0f, att_bh, S, dctx_bh, W, 0.0f, dv_bh, W, nullptr);
      for (int64_t j = L; j < S; j++) std::fill(dv_bh + j * W, dv_bh + j * W + H, 0.0f);
    }
  });
  return a.env().Undefined();
}

// tanhForward(out(N), inp(N), N)
Napi::Value TanhForward(const Napi::CallbackInfo& info) {
  Args a(info, "tanhForward");
  float* out = a.f32(0);
  const float* inp = a.f32(1);
  const int64_t N = a.integer(2);
  if (!a.ok()) return a.env().Undefined();
  const auto fn = use_avx2() ? avx2::tanh_forward : portable::tanh_forward;
  parallel_for(N, 16384, [&](int64_t i0, int64_t i1) { fn(out + i0, inp + i0, i1 - i0); });
  return a.env().Undefined();
}

// tanhBackward(dinp(N), out(N), dout(N), N)
Napi::Value TanhBackward(const Napi::CallbackInfo& info) {
  Args a(info, "tanhBackward");
  float* dinp = a.f32(0);
  const float* out = a.f32(1);
  const float* dout = a.f32(2);
  const int64_t N = a.integer(3);
  if (!a.ok()) return a.env().Undefined();
  const auto fn = use_avx2() ? avx2::tanh_backward : portable::tanh_backward;
  parallel_for(N, 16384, [&](int64_t i0, int64_t i1) { fn(dinp + i0, out + i0, dout + i0, i1 - i0); });
  return a.env().Undefined();
}

}  // namespace

void register_alignment(Napi::Env env, Napi::Object exports) {
  exports.Set("alignDotForward", Napi::Function::New(env, AlignDotForward, "alignDotForward"));
  exports.Set("alignDotBackward", Napi::Function::New(env, AlignDotBackward, "alignDotBackward"));
  exports.Set("alignAdditiveForward", Napi::Function::New(env, AlignAdditiveForward, "alignAdditiveForward"));
  exports.Set("alignAdditiveBackward", Napi::Function::New(env, AlignAdditiveBackward, "alignAdditiveBackward"));
  exports.Set("alignSoftmaxContextForward", Napi::Function::New(env, AlignSoftmaxContextForward, "alignSoftmaxContextForward"));
  exports.Set("alignSoftmaxContextBackward", Napi::Function::New(env, AlignSoftmaxContextBackward, "alignSoftmaxContextBackward"));
  exports.Set("tanhForward", Napi::Function::New(env, TanhForward, "tanhForward"));
  exports.Set("tanhBackward", Napi::Function::New(env, TanhBackward, "tanhBackward"));
}

}  // namespace ak
