// LayerNorm kernels for N-API (eps 1e-5): forward saves mean/rstd per row; backward writes dinp, accumulates dweight/dbias.
#include <algorithm>
#include <cmath>
#include <vector>

#include "napi_args.h"
#include "threadpool.h"

namespace ak {
namespace {

constexpr double kEps = 1e-5;
// Rows per backward chunk. Chunks are fixed (not per thread), and their partial dweight/dbias sums are added in chunk
// order, so the result does not depend on the thread count.
constexpr int64_t kRowsPerChunk = 32;

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
  parallel_for(N, 16, [&](int64_t n0, int64_t n1) {
    for (int64_t n = n0; n < n1; n++) {
      const float* x = inp + n * C;
      double m = 0;
      for (int64_t c = 0; c < C; c++) m += x[c];
      m /= static_cast<double>(C);
      double v = 0;
      for (int64_t c = 0; c < C; c++) {
        const double d = x[c] - m;
        v += d * d;
      }
      v /= static_cast<double>(C);
      const float mf = static_cast<float>(m);
      const float s = static_cast<float>(1.0 / std::sqrt(v + kEps));
      float* o = out + n * C;
      for (int64_t c = 0; c < C; c++) o[c] = (x[c] - mf) * s * weight[c] + bias[c];
      mean[n] = mf;
      rstd[n] = s;
    }
  });
  return a.env().Undefined();
}

// layernormBackward(dinp(N,C), dweight(C), dbias(C), dout(N,C), inp(N,C), weight(C), mean(N), rstd(N), N, C)
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
  if (!a.ok()) return a.env().Undefined();
  const int64_t chunks = (N + kRowsPerChunk - 1) / kRowsPerChunk;
  // partial[chunk] = [dweight (C) | dbias (C)] in double
  std::vector<double> partial(static_cast<size_t>(chunks * 2 * C), 0.0);
  parallel_for(chunks, 1, [&](int64_t k0, int64_t k1) {
    for (int64_t k = k0; k < k1; k++) {
      double* pw = partial.data() + k * 2 * C;
      double* pb = pw + C;
      const int64_t end = std::min(N, (k + 1) * kRowsPerChunk);
      for (int64_t n = k * kRowsPerChunk; n < end; n++) {
        const float* x = inp + n * C;
        const float* d = dout + n * C;
        const float m = mean[n];
        const float s = rstd[n];
        double g_mean = 0, gx_mean = 0;
        for (int64_t c = 0; c < C; c++) {
          const float xhat = (x[c] - m) * s;
          const float g = d[c] * weight[c];
          g_mean += g;
          gx_mean += static_cast<double>(g) * xhat;
        }
        const float gm = static_cast<float>(g_mean / static_cast<double>(C));
        const float gxm = static_cast<float>(gx_mean / static_cast<double>(C));
        float* di = dinp + n * C;
        for (int64_t c = 0; c < C; c++) {
          const float xhat = (x[c] - m) * s;
          pb[c] += d[c];
          pw[c] += static_cast<double>(d[c]) * xhat;
          di[c] = (d[c] * weight[c] - gm - xhat * gxm) * s;
        }
      }
    }
  });
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
