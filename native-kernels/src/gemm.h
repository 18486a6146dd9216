// Blocked, packed single-precision GEMM on row-major matrices with leading dimensions, threaded over the pool.
#pragma once

#include <cstdint>

namespace ak {

// C(M,N) = alpha * op(A) @ op(B) + beta * C (+ bias[j] on every row when bias is non-null).
// op(A) is (M,K): A(M,K) with row stride lda, or A(K,M) when transA. op(B) is (K,N): B(K,N) with stride ldb, or B(N,K)
// when transB. beta == 0 never reads C. Each C element is reduced in the same order whatever the thread count.
void sgemm(bool transA, bool transB, int64_t M, int64_t N, int64_t K, float alpha, const float* A, int64_t lda,
           const float* B, int64_t ldb, float beta, float* C, int64_t ldc, const float* bias);

}  // namespace ak
