// GEMM driver (BLIS-style loops jc > pc > ic > jr > ir): packs B panels and (for wide outputs) A blocks, then runs
// the 6x16 micro-kernel.
// Threads split the ic (row) loop, or the jr (column) loop when there are too few rows; K is never split, and the
// K blocks are fixed, so every C element is reduced in the same order for any thread count.
#include "gemm.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "cpu.h"
#include "gemm_kernels.h"
#include "threadpool.h"

namespace ak {
namespace {

constexpr int64_t kKCMax = 512;  // K block limit: a B sliver (kc x 16 floats, <= 32 KiB) stays in L1
constexpr int64_t kMCMax = 144;  // rows per A block: at most 144 x 512 floats = 288 KiB, in L2
constexpr int64_t kNC = 3072;    // columns per B panel: at most 512 x 3072 floats = 6 MiB, in L3

// A grow-only, 64-byte aligned scratch buffer (one per thread that packs), so steady-state calls never allocate.
class Scratch {
 public:
  float* get(size_t floats) {
    if (floats + 16 > data_.size()) data_.assign(floats + 16, 0.0f);
    const uintptr_t p = reinterpret_cast<uintptr_t>(data_.data());
    return reinterpret_cast<float*>((p + 63) & ~static_cast<uintptr_t>(63));
  }

 private:
  std::vector<float> data_;
};

thread_local Scratch t_apack;
thread_local Scratch t_bpack;

inline int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// Packs op(A)[i0 : i0+mc, p0 : p0+kc] into kMR-row slivers: sliver s holds kc steps of kMR floats, rows past mc zero.
void pack_a(bool transA, const float* A, int64_t lda, int64_t i0, int64_t mc, int64_t p0, int64_t kc, float* Ap) {
  for (int64_t s = 0; s < mc; s += kMR) {
    const int rows = static_cast<int>(std::min<int64_t>(kMR, mc - s));
    float* dst = Ap + s * kc;
    if (transA) {
      for (int64_t k = 0; k < kc; k++) {
        const float* src = A + (p0 + k) * lda + i0 + s;
        float* d = dst + k * kMR;
        int r = 0;
        for (; r < rows; r++) d[r] = src[r];
        for (; r < kMR; r++) d[r] = 0.0f;
      }
    } else {
      for (int r = 0; r < kMR; r++) {
        if (r < rows) {
          const float* src = A + (i0 + s + r) * lda + p0;
          for (int64_t k = 0; k < kc; k++) dst[k * kMR + r] = src[k];
        } else {
          for (int64_t k = 0; k < kc; k++) dst[k * kMR + r] = 0.0f;
        }
      }
    }
  }
}

// Packs slivers [s0, s1) of op(B)[p0 : p0+kc, j0 : j0+nc] into kNR-column slivers of kc steps, columns past nc zero.
void pack_b(bool transB, const float* B, int64_t ldb, int64_t p0, int64_t kc, int64_t j0, int64_t nc, int64_t s0,
            int64_t s1, float* Bp) {
  for (int64_t s = s0; s < s1; s++) {
    const int64_t jb = s * kNR;
    const int cols = static_cast<int>(std::min<int64_t>(kNR, nc - jb));
    float* dst = Bp + s * kNR * kc;
    if (transB) {
      for (int c = 0; c < kNR; c++) {
        if (c < cols) {
          const float* src = B + (j0 + jb + c) * ldb + p0;
          for (int64_t k = 0; k < kc; k++) dst[k * kNR + c] = src[k];
        } else {
          for (int64_t k = 0; k < kc; k++) dst[k * kNR + c] = 0.0f;
        }
      }
    } else {
      for (int64_t k = 0; k < kc; k++) {
        const float* src = B + (p0 + k) * ldb + j0 + jb;
        float* d = dst + k * kNR;
        if (cols == kNR) {
          std::memcpy(d, src, sizeof(float) * kNR);
        } else {
          int c = 0;
          for (; c < cols; c++) d[c] = src[c];
          for (; c < kNR; c++) d[c] = 0.0f;
        }
      }
    }
  }
}

// K == 0 or alpha == 0: the product vanishes, leaving C = beta*C (+ bias).
void scale_only(int64_t M, int64_t N, float beta, float* C, int64_t ldc, const float* bias) {
  for (int64_t i = 0; i < M; i++) {
    float* c = C + i * ldc;
    for (int64_t j = 0; j < N; j++) {
      float v = beta == 0.0f ? 0.0f : beta * c[j];
      if (bias) v += bias[j];
      c[j] = v;
    }
  }
}

}  // namespace

void microkernel_portable(int64_t kc, const float* A, int64_t lda, const float* Bp, float* C, int64_t ldc, float alpha,
                          float beta, const float* bias, int mr, int nr) {
  float acc[kMR * kNR] = {};
  const int64_t rs = lda > 0 ? lda : 1;
  const int64_t ks = lda == 0 ? kMR : lda > 0 ? 1 : -lda;
  for (int64_t k = 0; k < kc; k++) {
    const float* b = Bp + k * kNR;
    for (int r = 0; r < kMR; r++) {
      const float ar = A[(r < mr ? r : 0) * rs + k * ks];
      for (int j = 0; j < kNR; j++) acc[r * kNR + j] += ar * b[j];
    }
  }
  store_tile_scalar(acc, C, ldc, alpha, beta, bias, mr, nr);
}

void sgemm(bool transA, bool transB, int64_t M, int64_t N, int64_t K, float alpha, const float* A, int64_t lda,
           const float* B, int64_t ldb, float beta, float* C, int64_t ldc, const float* bias) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0 || alpha == 0.0f) {
    scale_only(M, N, beta, C, ldc, bias);
    return;
  }
  const MicroKernel kernel = use_avx2() ? microkernel_avx2 : microkernel_portable;
  const int64_t threads = in_parallel_region() ? 1 : get_threads();

  // Task grid: row blocks (mc rows each) x column groups. Rows are split evenly across threads; only when there are
  // fewer than two row slivers per thread are the columns split instead.
  const int64_t m_slivers = ceil_div(M, kMR);
  int64_t mc;
  int64_t n_groups = 1;
  if (threads > 1 && m_slivers < 2 * threads) {
    mc = std::min<int64_t>(m_slivers * kMR, kMCMax);
    n_groups = threads;
  } else {
    int64_t m_tasks = std::max<int64_t>(ceil_div(M, kMCMax), threads);
    m_tasks = ceil_div(m_tasks, threads) * threads;
    mc = ceil_div(ceil_div(M, m_tasks), kMR) * kMR;
  }
  const int64_t m_tasks = ceil_div(M, mc);
  // Equal K blocks of at most kKCMax (a multiple of 8): every extra block is one more read-modify-write pass over C.
  // kc depends only on K, so the reduction order of each C element is the same for every thread count.
  const int64_t kc_block = ceil_div(ceil_div(K, ceil_div(K, kKCMax)), 8) * 8;
  // Packing an A block pays off when many B slivers reuse it. For narrow outputs (the vocabulary head, N <= 96; or
  // N <= 128 for the transposed weight-gradient A, whose k steps are whole rows) the kernel reads A in place instead,
  // which measured faster here. Both paths issue the same FMAs, so results are identical.
  const bool pack_a_block = N > (transA ? 8 : 6) * kNR;

  for (int64_t jc = 0; jc < N; jc += kNC) {
    const int64_t nc = std::min(kNC, N - jc);
    const int64_t n_slivers = ceil_div(nc, kNR);
    const int64_t groups = std::min(n_groups, n_slivers);
    for (int64_t pc = 0; pc < K; pc += kc_block) {
      const int64_t kc = std::min(kc_block, K - pc);
      float* Bp = t_bpack.get(static_cast<size_t>(n_slivers * kNR * kc));
      parallel_for(n_slivers, std::max<int64_t>(1, n_slivers / (4 * threads)), [&](int64_t s0, int64_t s1) {
        pack_b(transB, B, ldb, pc, kc, jc, nc, s0, s1, Bp);
      });
      // Later K blocks accumulate onto the first block's result; bias is added exactly once.
      const float beta_k = pc == 0 ? beta : 1.0f;
      const float* bias_k = pc == 0 && bias ? bias + jc : nullptr;
      parallel_for(m_tasks * groups, 1, [&](int64_t t0, int64_t t1) {
        for (int64_t t = t0; t < t1; t++) {
          const int64_t i0 = (t / groups) * mc;
          const int64_t g = t % groups;
          const int64_t rows = std::min(mc, M - i0);
          const int64_t s_begin = g * n_slivers / groups;
          const int64_t s_end = (g + 1) * n_slivers / groups;
          float* Ap = nullptr;
          if (pack_a_block) {
            Ap = t_apack.get(static_cast<size_t>(ceil_div(rows, kMR) * kMR * kc));
            pack_a(transA, A, lda, i0, rows, pc, kc, Ap);
          }
          for (int64_t s = s_begin; s < s_end; s++) {
            const int64_t j = s * kNR;
            const int nr = static_cast<int>(std::min<int64_t>(kNR, nc - j));
            const float* bs = Bp + s * kNR * kc;
            const float* bias_s = bias_k ? bias_k + j : nullptr;
            for (int64_t ir = 0; ir < rows; ir += kMR) {
              const int mr = static_cast<int>(std::min<int64_t>(kMR, rows - ir));
              float* c = C + (i0 + ir) * ldc + jc + j;
              if (pack_a_block) {
                kernel(kc, Ap + ir * kc, 0, bs, c, ldc, alpha, beta_k, bias_s, mr, nr);
              } else if (transA) {
                kernel(kc, A + pc * lda + i0 + ir, -lda, bs, c, ldc, alpha, beta_k, bias_s, mr, nr);
              } else {
                kernel(kc, A + (i0 + ir) * lda + pc, lda, bs, c, ldc, alpha, beta_k, bias_s, mr, nr);
              }
            }
          }
        }
      });
    }
  }
}

}  // namespace ak
