// LayerNorm kernels for N-API (eps 1e-5): forward saves mean/rstd per row; backward writes dinp, accumulates dweight/dbias.
#include <algorithm>
#include <vector>

#include "cpu.h"
#include "napi_args.h"
#include "threadpool.h"

#define AK_ISA_NS portable
#include "layernorm_impl.h"
#undef AK_ISA_NS

namespace ak {
namespace avx2 {
void layernorm_forward_rows(float* out, float* mean, float* rstd, const float* inp, const float* weight,
                            const float* bias, int64_t rows, int64_t C);
void layernorm_backward_rows(float* dinp, float* pw, float* pb, const float* dout, const float* inp,
                             const float* weight, const float* mean, const float* rstd, int64_t rows, int64_t C,
                             const float* dres);
}  // namespace avx2

namespace {

// Rows per backward chunk. Chunks are fixed (not per thread), and their partial dweight/dbias sums are added in chunk
// order, so the result does not depend on the thread count.
constexpr int64_t kRowsPerChunk = 32;

// Rows per forward task: about 4K floats at C = 128, enough to outweigh the hand-off to the other thread.
inline int64_t forward_grain(int64_t C) { return std::max<int64_t>(1, 4096 / std::max<int64_t>(C, 1)); }

// layernormForward(out(N,C), mean(N), rstd(N), inp(N,C), weight(C), bias(C), N, C)
Napi::Value LayernormForward(const Napi::CallbackInfo& info) {
  Args a(info, "layernormForward");
  float* out = a.f32(0);
  float* mean = a.f32(1);
  float* rstd = a.f32(2);
  const float* inp = a.f32(3);
  const float* weight = a.f32(4);
  const float* bias = a.f32(5);
  const int64_t N = a.integer(6), C = a.integer(7);
  if (!a.ok()) return a.env().Undefined();
  const auto rows_fn = use_avx2() ? avx2::layernorm_forward_rows : portable::layernorm_forward_rows;
  parallel_for(N, forward_grain(C), [&](int64_t n0, int64_t n1) {
    rows_fn(out + n0 * C, mean + n0, rstd + n0, inp + n0 * C, weight, bias, n1 - n0, C);
  });
  return a.env().Undefined();
}

// layernormBackward(dinp(N,C), dweight(C), dbias(C), dout(N,C), inp(N,C), weight(C), mean(N), rstd(N), N, C,
//                   dresidual(N,C)|null): dinp = the LayerNorm input's gradient (+ dresidual, the gradient that reaches
// the same input around the block, when given: one pass instead of a separate residual add).
Napi::Value LayernormBackward(const Napi::CallbackInfo& info) {
  Args a(info, "layernormBackward");
  float* dinp = a.f32(0);
  float* dweight = a.f32(1);
  float* dbias = a.f32(2);
  const float* dout = a.f32(3);
  const float* inp = a.f32(4);
  const float* weight = a.f32(5);
  const float* mean = a.f32(6);
  const float* rstd = a.f32(7);
  const int64_t N = a.integer(8), C = a.integer(9);
  const float* dres = info.Length() > 10 ? a.f32_or_null(10) : nullptr;
  if (!a.ok()) return a.env().Undefined();
  const auto rows_fn = use_avx2() ? avx2::layernorm_backward_rows : portable::layernorm_backward_rows;
  const int64_t chunks = (N + kRowsPerChunk - 1) / kRowsPerChunk;
  // partial[chunk] = [dweight (C) | dbias (C)], float sums over at most kRowsPerChunk rows.
  std::vector<float> partial(static_cast<size_t>(chunks * 2 * C), 0.0f);
  parallel_for(chunks, 1, [&](int64_t k0, int64_t k1) {
    for (int64_t k = k0; k < k1; k++) {
      float* pw = partial.data() + k * 2 * C;
      const int64_t n0 = k * kRowsPerChunk;
      const int64_t rows = std::min(N, n0 + kRowsPerChunk) - n0;
      rows_fn(dinp + n0 * C, pw, pw + C, dout + n0 * C, inp + n0 * C, weight, mean + n0, rstd + n0, rows, C,
              dres ? dres + n0 * C : nullptr);
    }
  });
  // Chunk partials summed in double, in chunk order.
  for (int64_t c = 0; c < C; c++) {
    double w = 0, b = 0;
    for (int64_t k = 0; k < chunks; k++) {
      w += partial[static_cast<size_t>(k * 2 * C + c)];
      b += partial[static_cast<size_t>(k * 2 * C + C + c)];
    }
    dweight[c] += static_cast<float>(w);
    dbias[c] += static_cast<float>(b);
  }
  return a.env().Undefined();
}

}  // namespace

void register_layernorm(Napi::Env env, Napi::Object exports) {
  exports.Set("layernormForward", Napi::Function::New(env, LayernormForward, "layernormForward"));
  exports.Set("layernormBackward", Napi::Function::New(env, LayernormBackward, "layernormBackward"));
}

}  // namespace ak
