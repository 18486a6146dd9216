// Matmul kernels for N-API: general sgemm, linear forward (inp @ W^T + b) and backward (dinp, dweight +=, dbias +=).
#include <algorithm>

#include "cpu.h"
#include "gemm.h"
#include "gemm_kernels.h"
#include "napi_args.h"
#include "threadpool.h"

namespace ak {
namespace {

// sgemm(transA, transB, M, N, K, alpha, A, B, beta, C), all row-major and contiguous.
Napi::Value Sgemm(const Napi::CallbackInfo& info) {
  Args a(info, "sgemm");
  const bool ta = a.boolean(0), tb = a.boolean(1);
  const int64_t M = a.integer(2), N = a.integer(3), K = a.integer(4);
  const float alpha = static_cast<float>(a.number(5));
  const float* A = a.f32(6);
  const float* B = a.f32(7);
  const float beta = static_cast<float>(a.number(8));
  float* C = a.f32(9);
  if (!a.ok()) return a.env().Undefined();
  sgemm(ta, tb, M, N, K, alpha, A, ta ? M : K, B, tb ? K : N, beta, C, N, nullptr);
  return a.env().Undefined();
}

// matmulForward(out(BT,OC), inp(BT,C), weight(OC,C), bias(OC)|null, BT, C, OC)
Napi::Value MatmulForward(const Napi::CallbackInfo& info) {
  Args a(info, "matmulForward");
  float* out = a.f32(0);
  const float* inp = a.f32(1);
  const float* weight = a.f32(2);
  const float* bias = a.f32_or_null(3);
  const int64_t BT = a.integer(4), C = a.integer(5), OC = a.integer(6);
  if (!a.ok()) return a.env().Undefined();
  sgemm(false, true, BT, OC, C, 1.0f, inp, C, weight, C, 0.0f, out, OC, bias);
  return a.env().Undefined();
}

// dbias(OC) += column sums of dout(BT,OC); threads own column blocks and sum rows in order, in double (thread-count
// independent). Full 32-column blocks take the AVX2 loop when it is in use: the same adds in the same order.
void bias_backward(float* dbias, const float* dout, int64_t BT, int64_t OC) {
  constexpr int64_t kCols = 32;
  const bool avx2 = use_avx2();
  parallel_for((OC + kCols - 1) / kCols, 1, [&](int64_t b0, int64_t b1) {
    for (int64_t blk = b0; blk < b1; blk++) {
      const int64_t o0 = blk * kCols;
      const int64_t n = std::min(kCols, OC - o0);
      double acc[kCols] = {};
      if (avx2 && n == kCols) {
        avx2::column_sums_32(dout + o0, BT, OC, acc);
      } else {
        for (int64_t t = 0; t < BT; t++) {
          const float* row = dout + t * OC + o0;
          for (int64_t j = 0; j < n; j++) acc[j] += row[j];
        }
      }
      for (int64_t j = 0; j < n; j++) dbias[o0 + j] += static_cast<float>(acc[j]);
    }
  });
}

// matmulBackward(dinp|null, dweight, dbias|null, dout, inp, weight, BT, C, OC)
Napi::Value MatmulBackward(const Napi::CallbackInfo& info) {
  Args a(info, "matmulBackward");
  float* dinp = a.f32_or_null(0);
  float* dweight = a.f32(1);
  float* dbias = a.f32_or_null(2);
  const float* dout = a.f32(3);
  const float* inp = a.f32(4);
  const float* weight = a.f32(5);
  const int64_t BT = a.integer(6), C = a.integer(7), OC = a.integer(8);
  if (!a.ok()) return a.env().Undefined();
  // dinp(BT,C) = dout(BT,OC) @ weight(OC,C)           (NN)
  if (dinp) sgemm(false, false, BT, C, OC, 1.0f, dout, OC, weight, C, 0.0f, dinp, C, nullptr);
  // dweight(OC,C) += dout^T(OC,BT) @ inp(BT,C)        (TN)
  sgemm(true, false, OC, C, BT, 1.0f, dout, OC, inp, C, 1.0f, dweight, C, nullptr);
  if (dbias) bias_backward(dbias, dout, BT, OC);
  return a.env().Undefined();
}

}  // namespace

void register_matmul(Napi::Env env, Napi::Object exports) {
  exports.Set("sgemm", Napi::Function::New(env, Sgemm, "sgemm"));
  exports.Set("matmulForward", Napi::Function::New(env, MatmulForward, "matmulForward"));
  exports.Set("matmulBackward", Napi::Function::New(env, MatmulBackward, "matmulBackward"));
}

}  // namespace ak
