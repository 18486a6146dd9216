// One (batch, head) of self-attention: the argument blocks and per-head entry points shared by attention.cc (N-API
// glue, portable path) and attention_avx2.cc (fused AVX2 path). Plain structs, declarations and one static helper, so
// nothing here can be merged by the linker across the portable and AVX2 objects (see vecmath.h).
#pragma once

#include <cstdint>

namespace ak {

// Where the same thread's next head reads (and, for att in the forward pass, writes), so the fused kernels can pull
// those lines into L2 a few at a time while this head computes: its strided rows otherwise arrive from memory one
// latency at a time while a head is packed, and its att rows stall the first pass that touches them. Null: no next.
struct HeadNext {
  const float* rows[4];                         // row 0 of up to four (n[s], hs) inputs, row stride ld[s]; the used
                                                // entries first, then nulls
  int64_t ld[4];
  int64_t n[4];
  const float* att;                             // (att_rows, T)
  int64_t att_rows;
};

// Rows are row-major with a leading dimension; pointers arrive offset to this head. Tq query rows attend over T keys:
// Tq = T for self-attention over every position, fewer when only some rows' outputs are needed (the rows variants
// of attention.cc). Visibility is described by row_end: the keys that query i may see lie in [0, row_end[i]) (causal
// and trailing padding folded in), and key_vis (T floats, 1 = real key, 0 = padding; null = all real) masks the ones
// inside that range.
struct HeadForward {
  int64_t T, hs, Tq;
  float scale;                                  // 1/sqrt(hs)
  const float* q;                               // (Tq, hs), row stride ld_q
  int64_t ld_q;
  const float *k, *v;                           // (T, hs) each, row stride ld_kv
  int64_t ld_kv;
  float* out;                                   // (Tq, hs), row stride ld_out
  int64_t ld_out;
  float *preatt, *att;                          // (Tq, T): scaled scores (every entry), probabilities; preatt null:
                                                // scores not kept, so only the visible ones need computing
  const int32_t* row_end;                       // (Tq)
  const float* key_vis;                         // (T) or null
  float* panel;                                 // scratch: panel_floats(T, hs)
  float* rows;                                  // scratch: 3 T hs floats (the fused path packs q and v here and,
                                                // with preatt null, keeps one query block's scores in the rest)
  HeadNext next;                                // the fused path prefetches q, k, v and att of the next head
};

// The backward pass reads visibility back from att: row_end[i] is 1 + the last j with att[i][j] != 0 (0 for an
// all-zero row). Entries past it, and zeros inside, contribute exact zeros, so skipping them changes no result.
struct HeadBackward {
  int64_t T, hs, Tq;
  float scale;
  const float* q;                               // (Tq, hs), row stride ld_q
  int64_t ld_q;
  const float *k, *v;                           // (T, hs), row stride ld_kv
  int64_t ld_kv;
  const float* dout;                            // (Tq, hs), row stride ld_dout
  int64_t ld_dout;
  float* dq;                                    // (Tq, hs), row stride ld_q; written
  float *dk, *dv;                               // (T, hs), row stride ld_kv; written, not accumulated (zero for a key
                                                // no query sees)
  const float* att;                             // (Tq, T)
  float* datt;                                  // (kAttnBlockRows, T) scratch: one query block's datt rows
  float* dp;                                    // (Tq, T) scratch: dpreatt, rows complete (zeros past row_end)
  int32_t* row_end;                             // (Tq) scratch, filled from att by the kernel
  int32_t* key_range;                           // (2T) scratch for key_block_ranges
  float* panel;                                 // scratch: panel_floats(T, hs)
  float* rows;                                  // scratch: 3 T hs floats (the fused path packs q, k, dout here)
  HeadNext next;                                // the fused path prefetches q, k, v, dout and att of the next head
};

// Floats of the per-thread scratch "panel": T rounded up to 16 keys, times hs.
static inline int64_t panel_floats(int64_t T, int64_t hs) { return (T + 15) / 16 * 16 * hs; }

// Query rows per block on either path: the rows of HeadBackward::datt.
constexpr int64_t kAttnBlockRows = 64;

// For key blocks [j0, j0 + block) of T keys, j0 = b * block: the queries [first[b], last[b]] among Tq whose row_end
// exceeds j0 (the only ones that can hold a nonzero probability for a key of the block); first[b] > last[b] when
// there are none. One pass each way over the rows, since row_end[i] > j0 holds for exactly the blocks
// b < ceil(row_end[i] / block).
static inline void key_block_ranges(const int32_t* row_end, int64_t Tq, int64_t T, int64_t block, int32_t* first,
                                    int32_t* last) {
  const int64_t blocks = (T + block - 1) / block;
  int64_t done = 0;
  for (int64_t i = 0; i < Tq && done < blocks; i++) {
    const int64_t reach = (row_end[i] + block - 1) / block;
    for (; done < reach; done++) first[done] = static_cast<int32_t>(i);
  }
  for (; done < blocks; done++) first[done] = static_cast<int32_t>(Tq);
  done = 0;
  for (int64_t i = Tq - 1; i >= 0 && done < blocks; i--) {
    const int64_t reach = (row_end[i] + block - 1) / block;
    for (; done < reach; done++) last[done] = static_cast<int32_t>(i);
  }
  for (; done < blocks; done++) last[done] = -1;
}

namespace portable {
// Blocked sgemm calls around scalar softmax rows (attention.cc); any hs, any CPU.
void head_forward(const HeadForward& h);
void head_backward(const HeadBackward& h);
}  // namespace portable

namespace avx2 {
// Fused AVX2+FMA kernels (attention_avx2.cc); require hs % 8 == 0 and a CPU with AVX2 and FMA.
void head_forward(const HeadForward& h);
void head_backward(const HeadBackward& h);
}  // namespace avx2

}  // namespace ak
