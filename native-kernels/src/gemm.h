// Blocked, packed single-precision GEMM on row-major matrices with leading dimensions, threaded over the pool.
#pragma once

#include <cstdint>

namespace ak {

// C(M,N) = alpha * op(A) @ op(B) + beta * C (+ bias[j] on every row when bias is non-null).
// op(A) is (M,K): A(M,K) with row stride lda, or A(K,M) when transA. op(B) is (K,N): B(K,N) with stride ldb, or B(N,K)
// when transB. beta == 0 never reads C. Each C element is reduced in the same order whatever the thread count.
void sgemm(bool transA, bool transB, int64_t M, int64_t N, int64_t K, float alpha, const float* A, int64_t lda,
           const float* B, int64_t ldb, float beta, float* C, int64_t ldc, const float* bias);

// Pre-packed B, for weights that stay fixed across many products (an inference model's linear layers).
// op(B) (K,N) in the GEMM's own layout: per K block (sgemm's fixed blocking), ceil(N/16) slivers of kc x 16 floats,
// columns past N zero. packed_b_floats is its length; Bp must be 32-byte aligned.
int64_t packed_b_floats(int64_t N, int64_t K);
void pack_b_all(bool transB, const float* B, int64_t ldb, int64_t N, int64_t K, float* Bp);
// C(M,N) = A(M,K) @ op(B) (+ bias[j]) from pack_b_all's Bp; C is written, never read. Each C element is reduced
// exactly as sgemm(false, transB, ..., alpha 1, beta 0) reduces it, so the results are identical to sgemm's.
void sgemm_packed_b(int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const float* Bp, float* C,
                    int64_t ldc, const float* bias);

}  // namespace ak
