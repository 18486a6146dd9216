// GEMM driver (BLIS-style loops jc > pc > ic > jr > ir): packs B panels and (for wide outputs) A blocks, then runs
// the 6x16 micro-kernel.
// Threads split the columns when the output has no more rows than columns or A is transposed (each packs its own B
// slivers: one hand-off per call), else the ic (row) loop: over a B each thread packs whole for itself when it is small
// (a training step's weights: one hand-off), else over a cooperatively packed B. K is never split and the K blocks are
// fixed, so every C element is reduced in the same order for any thread count and any split.
// sgemm_packed_b takes a B packed once (pack_b_all: an inference model's weights) and splits rows (and columns too
// when there are few rows): nothing left to pack is shared, so a call is one hand-off.
#include "gemm.h"

#include <algorithm>
#include <atomic>
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
constexpr int64_t kPackAMinN = 32 * kNR;  // A blocks are packed only for outputs wider than this (see sgemm)

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
// Row split with a private B (see sgemm): which call this thread's t_bpack was last packed for.
constexpr int64_t kPrivateBMax = 64 * 1024;  // floats: 256 KiB, a 512 x 128 weight
std::atomic<uint64_t> g_private_b_calls{0};
thread_local uint64_t t_private_b_call = 0;

inline int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// Equal K blocks of at most kKCMax (a multiple of 8): every extra block is one more read-modify-write pass over C.
// kc depends only on K, so the reduction order of each C element is the same for every thread count and split.
inline int64_t k_block(int64_t K) { return ceil_div(ceil_div(K, ceil_div(K, kKCMax)), 8) * 8; }

// The row blocks of a row-split call. Few rows per thread: blocks of mc rows (the columns are split too). Otherwise
// `count` blocks (a multiple of the thread count, each at most about kMCMax rows) whose sliver counts differ by at most
// one: with fixed-size blocks the last one was short (2048 rows in 132-row blocks: 15 full and one of 68), so one
// thread ran 64 rows more than the other (3% of the call) while its peer waited.
struct RowBlocks {
  int64_t M, m_slivers, count, mc;
  bool balanced;
  RowBlocks(int64_t M_, int64_t threads, bool few_rows) : M(M_), m_slivers(ceil_div(M_, kMR)) {
    balanced = !few_rows;
    if (few_rows) {
      mc = std::min<int64_t>(m_slivers * kMR, kMCMax);
      count = ceil_div(M, mc);
    } else {
      count = std::max<int64_t>(ceil_div(m_slivers, kMCMax / kMR), threads);
      count = ceil_div(count, threads) * threads;
      mc = 0;
    }
  }
  int64_t begin(int64_t b) const { return std::min(M, balanced ? b * m_slivers / count * kMR : b * mc); }
  int64_t rows(int64_t b) const { return begin(b + 1) - begin(b); }
};

// Packs op(A)[i0 : i0+mc, p0 : p0+kc] into kMR-row slivers: sliver s holds kc steps of kMR floats, rows past mc zero.
void pack_a(bool transA, const float* A, int64_t lda, int64_t i0, int64_t mc, int64_t p0, int64_t kc, float* Ap) {
  const bool avx2 = use_avx2();
  for (int64_t s = 0; s < mc; s += kMR) {
    const int rows = static_cast<int>(std::min<int64_t>(kMR, mc - s));
    float* dst = Ap + s * kc;
    if (!transA && avx2 && rows == kMR) {
      avx2::pack_a_sliver(A + (i0 + s) * lda + p0, lda, kc, dst);
    } else if (transA) {
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
  const bool avx2 = use_avx2();
  for (int64_t s = s0; s < s1; s++) {
    const int64_t jb = s * kNR;
    const int cols = static_cast<int>(std::min<int64_t>(kNR, nc - jb));
    float* dst = Bp + s * kNR * kc;
    if (transB && avx2 && cols == kNR) {
      // Whole sliver: register transposes; the next sliver's rows are prefetched only when it is full as well.
      avx2::pack_b_trans_sliver(B + (j0 + jb) * ldb + p0, ldb, kc, dst, s + 1 < s1 && jb + 2 * kNR <= nc);
    } else if (transB) {
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

namespace {

// One GEMM call's fixed parameters, shared by its tasks.
struct Problem {
  bool transA, transB;
  int64_t M, N, K;
  float alpha;
  const float* A;
  int64_t lda;
  const float* B;
  int64_t ldb;
  float beta;
  float* C;
  int64_t ldc;
  const float* bias;
  MicroKernel kernel;
  bool pack_a_block;
};

// Computes rows [i0, i0+rows) x B slivers [s_begin, s_end) of the column panel jc for the K block [pc, pc+kc), from
// the packed panel Bp (sliver s at Bp + s*kNR*kc). Later K blocks accumulate onto the first block's result; bias is
// added exactly once.
void run_block(const Problem& p, int64_t jc, int64_t nc, int64_t pc, int64_t kc, const float* Bp, int64_t i0,
               int64_t rows, int64_t s_begin, int64_t s_end) {
  const float beta_k = pc == 0 ? p.beta : 1.0f;
  const float* bias_k = pc == 0 && p.bias ? p.bias + jc : nullptr;
  float* Ap = nullptr;
  if (p.pack_a_block) {
    Ap = t_apack.get(static_cast<size_t>(ceil_div(rows, kMR) * kMR * kc));
    pack_a(p.transA, p.A, p.lda, i0, rows, pc, kc, Ap);
  }
  for (int64_t s = s_begin; s < s_end; s++) {
    const int64_t j = s * kNR;
    const int nr = static_cast<int>(std::min<int64_t>(kNR, nc - j));
    const float* bs = Bp + s * kNR * kc;
    const float* bias_s = bias_k ? bias_k + j : nullptr;
    for (int64_t ir = 0; ir < rows; ir += kMR) {
      const int mr = static_cast<int>(std::min<int64_t>(kMR, rows - ir));
      float* c = p.C + (i0 + ir) * p.ldc + jc + j;
      if (p.pack_a_block) {
        p.kernel(kc, Ap + ir * kc, 0, bs, c, p.ldc, p.alpha, beta_k, bias_s, mr, nr);
      } else if (p.transA) {
        p.kernel(kc, p.A + pc * p.lda + i0 + ir, -p.lda, bs, c, p.ldc, p.alpha, beta_k, bias_s, mr, nr);
      } else {
        p.kernel(kc, p.A + (i0 + ir) * p.lda + pc, p.lda, bs, c, p.ldc, p.alpha, beta_k, bias_s, mr, nr);
      }
    }
  }
}

}  // namespace

void sgemm(bool transA, bool transB, int64_t M, int64_t N, int64_t K, float alpha, const float* A, int64_t lda,
           const float* B, int64_t ldb, float beta, float* C, int64_t ldc, const float* bias) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0 || alpha == 0.0f) {
    scale_only(M, N, beta, C, ldc, bias);
    return;
  }
  const int64_t threads = in_parallel_region() ? 1 : get_threads();
  // Packing an A block pays off when many B slivers reuse it. For outputs up to 512 columns (d_model, 3 d_model and
  // the MLP width of the small presets, the vocabulary head) the kernel reads A in place instead: 3-6% faster on the
  // reference step's N = 128 and N = 512 products on 2 threads, even on 1 (with or without huge pages; measured with
  // the rule toggled, alternating in one process), within 2% either way for K = 1024; far wider (an 8000-token head,
  // 1024^3) packing wins, up to 1.3x. A transposed A (a weight gradient, column split: every thread would pack the
  // same blocks) with at most one row block is read in place at any width, its k steps being short contiguous rows:
  // 5-6% faster for the MLP's 128 x 512 x 2048 on 2 threads; with more rows (d_model 256+) packing wins by 5-25%.
  // Both paths issue the same FMAs, so results are identical.
  const bool pack_a_block = N > kPackAMinN && !(transA && M <= kMCMax);
  const Problem p{transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, bias,
                  use_avx2() ? microkernel_avx2 : microkernel_portable, pack_a_block};
  const int64_t kc_block = k_block(K);
  const int64_t m_slivers = ceil_div(M, kMR);
  const int64_t n_slivers_all = ceil_div(N, kNR);

  // Column split, for outputs with no more rows than columns (inference's 128-row products, the vocabulary head):
  // each thread packs only its own B slivers and reads a private copy of the (small) A, so a call is one hand-off
  // and no thread waits for, or reads, another's packed panel.
  // A transposed A is a weight gradient (dout^T @ inp, K = the batch's rows): split by rows it would pack a shared B
  // panel per K block, two hand-offs each (8 for K = 2048); split by columns it is one hand-off and no barrier.
  if (threads > 1 && (transA || M <= N || m_slivers < 2 * threads) && n_slivers_all >= 2 * threads) {
    const int64_t groups = threads;
    parallel_for(groups, 1, [&](int64_t g0, int64_t g1) {
      for (int64_t g = g0; g < g1; g++) {
        const int64_t s_end = (g + 1) * n_slivers_all / groups;
        // This thread's columns, in panels of at most kNC, each packed into its own scratch buffer.
        for (int64_t s0 = g * n_slivers_all / groups; s0 < s_end; s0 += kNC / kNR) {
          const int64_t count = std::min(kNC / kNR, s_end - s0);
          const int64_t jc = s0 * kNR;
          const int64_t nc = std::min(count * kNR, N - jc);
          for (int64_t pc = 0; pc < K; pc += kc_block) {
            const int64_t kc = std::min(kc_block, K - pc);
            float* Bp = t_bpack.get(static_cast<size_t>(count * kNR * kc));
            pack_b(transB, B, ldb, pc, kc, jc, nc, 0, count, Bp);
            for (int64_t i0 = 0; i0 < M; i0 += kMCMax) {
              run_block(p, jc, nc, pc, kc, Bp, i0, std::min(kMCMax, M - i0), 0, count);
            }
          }
        }
      }
    });
    return;
  }

  // Row split: rows are divided evenly across threads (in blocks of at most about kMCMax); B panels are packed once,
  // cooperatively, and shared. With too few rows per thread the columns of each row block are split as well.
  const bool few_rows = threads > 1 && m_slivers < 2 * threads;
  const RowBlocks blocks(M, threads, few_rows);
  const int64_t n_groups = few_rows ? threads : 1;
  const int64_t m_tasks = blocks.count;
  if (threads > 1 && N <= kNC && K <= kc_block && n_slivers_all * kNR * K <= kPrivateBMax) {
    // One panel, one K block, a small B (a training step's weights): every thread packs all of B into its own buffer
    // on its first task of this call, so the call is one hand-off with no barrier between packing and products.
    const uint64_t call = g_private_b_calls.fetch_add(1, std::memory_order_relaxed) + 1;
    const int64_t groups = std::min(n_groups, n_slivers_all);
    parallel_for(m_tasks * groups, 1, [&](int64_t t0, int64_t t1) {
      float* Bp = t_bpack.get(static_cast<size_t>(n_slivers_all * kNR * K));
      if (t_private_b_call != call) {
        pack_b(transB, B, ldb, 0, K, 0, N, 0, n_slivers_all, Bp);
        t_private_b_call = call;
      }
      for (int64_t t = t0; t < t1; t++) {
        const int64_t b = t / groups;
        const int64_t g = t % groups;
        run_block(p, 0, N, 0, K, Bp, blocks.begin(b), blocks.rows(b), g * n_slivers_all / groups,
                  (g + 1) * n_slivers_all / groups);
      }
    });
    return;
  }
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
      parallel_for(m_tasks * groups, 1, [&](int64_t t0, int64_t t1) {
        for (int64_t t = t0; t < t1; t++) {
          const int64_t b = t / groups;
          const int64_t g = t % groups;
          run_block(p, jc, nc, pc, kc, Bp, blocks.begin(b), blocks.rows(b), g * n_slivers / groups,
                    (g + 1) * n_slivers / groups);
        }
      });
    }
  }
}

int64_t packed_b_floats(int64_t N, int64_t K) { return ceil_div(N, kNR) * kNR * K; }

void pack_b_all(bool transB, const float* B, int64_t ldb, int64_t N, int64_t K, float* Bp) {
  const int64_t kc_block = k_block(K);
  const int64_t n_slivers = ceil_div(N, kNR);
  for (int64_t pc = 0; pc < K; pc += kc_block) {
    pack_b(transB, B, ldb, pc, std::min(kc_block, K - pc), 0, N, 0, n_slivers, Bp + pc * n_slivers * kNR);
  }
}

void sgemm_packed_b(int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const float* Bp, float* C,
                    int64_t ldc, const float* bias) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {
    scale_only(M, N, 0.0f, C, ldc, bias);
    return;
  }
  const int64_t threads = in_parallel_region() ? 1 : get_threads();
  // Same kernel choice and A-packing rule as sgemm's (non-transposed A), so each C element sees the same FMAs.
  const Problem p{false, true, M, N, K, 1.0f, A, lda, nullptr, 0, 0.0f, C, ldc, bias,
                  use_avx2() ? microkernel_avx2 : microkernel_portable, N > kPackAMinN};
  const int64_t kc_block = k_block(K);
  const int64_t m_slivers = ceil_div(M, kMR);
  const int64_t n_slivers = ceil_div(N, kNR);
  // B needs no packing, so rows split evenly (each thread packs only its own rows of A, nothing is duplicated) and
  // a call is one hand-off. Too few rows per thread (a short sequence): the columns are split as well.
  const bool few_rows = threads > 1 && m_slivers < 2 * threads;
  const RowBlocks blocks(M, threads, few_rows);
  const int64_t groups = few_rows ? std::min(threads, n_slivers) : 1;
  parallel_for(blocks.count * groups, 1, [&](int64_t t0, int64_t t1) {
    for (int64_t t = t0; t < t1; t++) {
      const int64_t b = t / groups;
      const int64_t g = t % groups;
      // K blocks in order within the task: the same accumulation sequence as sgemm's.
      for (int64_t pc = 0; pc < K; pc += kc_block) {
        run_block(p, 0, N, pc, std::min(kc_block, K - pc), Bp + pc * n_slivers * kNR, blocks.begin(b), blocks.rows(b),
                  g * n_slivers / groups, (g + 1) * n_slivers / groups);
      }
    }
  });
}

}  // namespace ak
