// Multi-head self-attention kernels for N-API: one pool task per (batch, head), probabilities kept in att.
// Per head (q, k, v are (T, hs) views into qkv with row stride 3C):
//   forward   preatt = scale q k^T;  att = masked softmax(preatt);  out_h = att v
//   backward  datt = dout_h v^T;  dv = att^T dout_h;  dpreatt = softmax'(att, datt);  dq = scale dpreatt k;
//             dk = scale dpreatt^T q
// Only visible keys are multiplied: query i sees keys [0, row_end[i]) (i + 1 for a causal model, the last real key + 1
// with padding), so a causal model skips the upper triangle everywhere except preatt, which keeps every score. The
// backward pass has no mask argument and reads row_end back from att's zeros. With AVX2 and hs % 8 == 0 a fused
// per-head kernel runs (attention_avx2.cc); otherwise blocked sgemm calls around scalar softmax rows. Each head runs
// serially inside its pool task, so its result is fixed whatever the thread count. A caller that passes no preatt
// (training and inference never read the scores) saves their B*NH*T*T stores, and a causal model its masked scores.
// The rows variants (attentionRowsForward/Backward) run the same head kernels with fewer query rows than keys: the
// queries of some positions only (compact, (M, C)) against every key (kv, (B, T, 2C)), for a layer of which only those
// rows' outputs are used (BERT's last layer: the masked rows).
#include <algorithm>
#include <cmath>
#include <vector>

#include "attention_head.h"
#include "cpu.h"
#include "gemm.h"
#include "napi_args.h"
#include "threadpool.h"
#include "vecmath.h"

namespace ak {
namespace {

// Per-thread scratch, grown on demand and reused across calls.
struct Scratch {
  std::vector<float> panel, rows, key_vis, datt, dp;
  std::vector<int32_t> row_end, key_range;
  void reserve(int64_t T, int64_t hs) {
    if (panel.size() < static_cast<size_t>(panel_floats(T, hs))) panel.resize(static_cast<size_t>(panel_floats(T, hs)));
    if (rows.size() < static_cast<size_t>(3 * T * hs)) rows.resize(static_cast<size_t>(3 * T * hs));
    if (key_vis.size() < static_cast<size_t>(T)) key_vis.resize(static_cast<size_t>(T));
    if (row_end.size() < static_cast<size_t>(T)) row_end.resize(static_cast<size_t>(T));
    if (key_range.size() < static_cast<size_t>(2 * T)) key_range.resize(static_cast<size_t>(2 * T));
  }
  // The backward pass keeps dpreatt and datt here, not in the caller's (B,NH,T,T) scratch: one head's worth stays in
  // L2 across the passes that read it back, instead of streaming B*NH*T*T floats through memory.
  void reserve_backward(int64_t T) {
    if (datt.size() < static_cast<size_t>(kAttnBlockRows * T)) datt.resize(static_cast<size_t>(kAttnBlockRows * T));
    if (dp.size() < static_cast<size_t>(T * T)) dp.resize(static_cast<size_t>(T * T));
  }
};
thread_local Scratch t_scratch;

// row_end and key_vis of one batch row from its key mask (null: every key real), for its Tq queries at positions
// pos[i] - base (pos null: every position 0..T-1). Returns key_vis, or null when no key inside the visible range is
// padding (the kernels then skip the per-key multiply).
const float* forward_visibility(const uint8_t* key_mask, bool causal, int64_t T, const int32_t* pos, int64_t base,
                                int64_t Tq, Scratch& s) {
  int64_t end = T;
  bool holes = false;
  if (key_mask != nullptr) {
    end = 0;
    for (int64_t j = 0; j < T; j++) {
      s.key_vis[j] = key_mask[j] != 0 ? 1.0f : 0.0f;
      if (key_mask[j] != 0) end = j + 1;
    }
    for (int64_t j = 0; j < end; j++) holes = holes || key_mask[j] == 0;
  }
  for (int64_t i = 0; i < Tq; i++) {
    const int64_t t = pos != nullptr ? pos[i] - base : i;
    s.row_end[i] = static_cast<int32_t>(causal && t + 1 < end ? t + 1 : end);
  }
  return holes ? s.key_vis.data() : nullptr;
}

// row_end[i] = 1 + the last nonzero of att row i (0 for an all-zero row). Reads rows front to back: this is the
// first touch of att in the backward pass, and a forward stream is what the hardware prefetcher follows.
void backward_visibility(const float* att, int64_t Tq, int64_t T, int32_t* row_end) {
  for (int64_t i = 0; i < Tq; i++) {
    const float* row = att + i * T;
    int64_t n = 0;
    for (int64_t j = 0; j < T; j++) n = row[j] != 0.0f ? j + 1 : n;
    row_end[i] = static_cast<int32_t>(n);
  }
}

int64_t block_keys(const int32_t* row_end, int64_t i0, int64_t rows) {
  int64_t n = 0;
  for (int64_t r = 0; r < rows; r++) n = row_end[i0 + r] > n ? row_end[i0 + r] : n;
  return n;
}

// Scalar softmax of one row over keys j < n with key_vis[j] != 0; every other entry exactly 0 (see attention_avx2.cc).
void softmax_row(float* arow, const float* prow, int64_t n, int64_t T, const float* key_vis) {
  float mx = -INFINITY;
  for (int64_t j = 0; j < n; j++)
    if ((key_vis == nullptr || key_vis[j] != 0.0f) && prow[j] > mx) mx = prow[j];
  float sum = 0.0f;
  for (int64_t j = 0; j < n; j++) {
    const float e = exp_fast(prow[j] - mx) * (key_vis == nullptr ? 1.0f : key_vis[j]);
    arow[j] = e;
    sum += e;
  }
  const float inv = sum > 0.0f ? 1.0f / sum : 0.0f;
  for (int64_t j = 0; j < n; j++) arow[j] *= inv;
  for (int64_t j = n; j < T; j++) arow[j] = 0.0f;
}

// dp_j = att_j (datt_j - sum_k att_k datt_k) for j < n, 0 for j >= n.
void softmax_backward_row(float* dp, const float* a, const float* da, int64_t n, int64_t T) {
  float inner = 0.0f;
  for (int64_t j = 0; j < n; j++) inner += a[j] * da[j];
  for (int64_t j = 0; j < n; j++) dp[j] = a[j] * (da[j] - inner);
  for (int64_t j = n; j < T; j++) dp[j] = 0.0f;
}

}  // namespace

namespace portable {

void head_forward(const HeadForward& h) {
  const int64_t T = h.T, hs = h.hs, Tq = h.Tq, ld = h.ld_kv;
  sgemm(false, true, Tq, T, hs, h.scale, h.q, h.ld_q, h.k, ld, 0.0f, h.preatt, T, nullptr);
  for (int64_t i = 0; i < Tq; i++) softmax_row(h.att + i * T, h.preatt + i * T, h.row_end[i], T, h.key_vis);
  for (int64_t i0 = 0; i0 < Tq; i0 += kAttnBlockRows) {
    const int64_t rows = Tq - i0 < kAttnBlockRows ? Tq - i0 : kAttnBlockRows;
    const int64_t keys = block_keys(h.row_end, i0, rows);
    sgemm(false, false, rows, hs, keys, 1.0f, h.att + i0 * T, T, h.v, ld, 0.0f, h.out + i0 * h.ld_out, h.ld_out,
          nullptr);
  }
}

void head_backward(const HeadBackward& h) {
  const int64_t T = h.T, hs = h.hs, Tq = h.Tq, ld = h.ld_kv, ldq = h.ld_q, ldd = h.ld_dout;
  backward_visibility(h.att, Tq, T, h.row_end);
  for (int64_t i0 = 0; i0 < Tq; i0 += kAttnBlockRows) {
    const int64_t rows = Tq - i0 < kAttnBlockRows ? Tq - i0 : kAttnBlockRows;
    const int64_t keys = block_keys(h.row_end, i0, rows);
    sgemm(false, true, rows, keys, hs, 1.0f, h.dout + i0 * ldd, ldd, h.v, ld, 0.0f, h.datt, T, nullptr);
    for (int64_t i = i0; i < i0 + rows; i++)
      softmax_backward_row(h.dp + i * T, h.att + i * T, h.datt + (i - i0) * T, keys, T);
    sgemm(false, false, rows, hs, keys, h.scale, h.dp + i0 * T, T, h.k, ld, 0.0f, h.dq + i0 * ldq, ldq, nullptr);
  }
  key_block_ranges(h.row_end, Tq, T, kAttnBlockRows, h.key_range, h.key_range + T);
  for (int64_t j0 = 0; j0 < T; j0 += kAttnBlockRows) {
    const int64_t rows = T - j0 < kAttnBlockRows ? T - j0 : kAttnBlockRows;
    // Queries [first, last] see some key of this block; rows between them that see none hold zeros in att and dp.
    const int64_t first = h.key_range[j0 / kAttnBlockRows], last = h.key_range[T + j0 / kAttnBlockRows];
    const int64_t n = last >= first ? last + 1 - first : 0;
    const int64_t i0 = n > 0 ? first : 0;
    sgemm(true, false, rows, hs, n, 1.0f, h.att + i0 * T + j0, T, h.dout + i0 * ldd, ldd, 0.0f, h.dv + j0 * ld, ld,
          nullptr);
    sgemm(true, false, rows, hs, n, h.scale, h.dp + i0 * T + j0, T, h.q + i0 * ldq, ldq, 0.0f, h.dk + j0 * ld, ld,
          nullptr);
  }
}

}  // namespace portable

namespace {

// One head on the fused AVX2 path or the portable one.
void run_head(bool fused, const HeadForward& h) {
  if (fused) {
    avx2::head_forward(h);
  } else {
    portable::head_forward(h);
  }
}
void run_head(bool fused, const HeadBackward& h) {
  if (fused) {
    avx2::head_backward(h);
  } else {
    portable::head_backward(h);
  }
}

// Heads per pool chunk: a thread runs its chunk's heads in order, so each head knows the next one and prefetches it
// (HeadNext); chunks of several heads keep that going while leaving about four chunks per thread to balance the load.
// Any grain gives the same results: every head is computed alone, in the same order of operations.
int64_t head_grain(int64_t heads) {
  const int64_t per = heads / (4 * static_cast<int64_t>(get_threads()));
  return per < 1 ? 1 : per > 8 ? 8 : per;
}

// Row 0 of q for pool task (b * NH + h) in qkv (B, T, 3C).
const float* head_q(const float* qkv, int64_t task, int64_t T, int64_t C, int64_t NH) {
  return qkv + (task / NH) * T * 3 * C + (task % NH) * (C / NH);
}

// The four trailing size arguments every entry point takes (B, T, C, NH, from argument `first` on) and what each
// derives from them: the head size, the score scale and whether the fused AVX2 head kernel runs. checks.ts has
// already refused sizes that do not fit (C % NH != 0 among them).
struct Shape {
  int64_t B = 0, T = 0, C = 0, NH = 1, hs = 1;
  float scale = 1.0f;
  bool fused = false;
};
Shape read_shape(Args& a, size_t first) {
  Shape sh;
  sh.B = a.integer(first);
  sh.T = a.integer(first + 1);
  sh.C = a.integer(first + 2);
  sh.NH = a.integer(first + 3);
  if (!a.ok() || sh.NH <= 0) return sh;
  sh.hs = sh.C / sh.NH;
  sh.scale = 1.0f / std::sqrt(static_cast<float>(sh.hs));
  sh.fused = use_avx2() && sh.hs % 8 == 0;
  return sh;
}

// Runs body(task, has_next, scratch) for every head task (b * NH + h) in pool chunks of head_grain, each chunk with its
// thread's scratch reserved for T keys (and the T x T score rows when `scores` is set: the backward pass, and a
// portable forward that keeps no preatt). has_next: the chunk goes on with task + 1, whose inputs the body may prefetch.
template <typename Body>
void for_each_head(const Shape& sh, bool scores, Body body) {
  const int64_t tasks = sh.B * sh.NH;
  parallel_for(tasks, head_grain(tasks), [&](int64_t t0, int64_t t1) {
    Scratch& s = t_scratch;
    s.reserve(sh.T, sh.hs);
    if (scores) s.reserve_backward(sh.T);
    for (int64_t task = t0; task < t1; task++) body(task, task + 1 < t1, s);
  });
}

// attentionForward(out(B,T,C), preatt(B,NH,T,T)|null, att(B,NH,T,T), qkv(B,T,3C), keyMask(B,T)|null, causal, B, T, C,
// NH). preatt null: the scores are not kept (the portable path then scores into the per-thread T x T scratch).
Napi::Value AttentionForward(const Napi::CallbackInfo& info) {
  Args a(info, "attentionForward");
  float* out = a.f32(0);
  float* preatt = a.f32_or_null(1);
  float* att = a.f32(2);
  const float* qkv = a.f32(3);
  const uint8_t* key_mask = a.u8_or_null(4);
  const bool causal = a.boolean(5);
  const Shape sh = read_shape(a, 6);
  if (!a.ok()) return a.env().Undefined();
  const int64_t T = sh.T, C = sh.C, NH = sh.NH, hs = sh.hs, C3 = 3 * C;
  for_each_head(sh, preatt == nullptr && !sh.fused, [&](int64_t task, bool has_next, Scratch& s) {
    const int64_t b = task / NH, hd = task % NH;
    const int64_t tt = task * T * T;
    const float* q = head_q(qkv, task, T, C, NH);
    const float* key_vis = forward_visibility(key_mask ? key_mask + b * T : nullptr, causal, T, nullptr, 0, T, s);
    HeadNext next{};
    if (has_next) {
      const float* nq = head_q(qkv, task + 1, T, C, NH);
      next = HeadNext{.rows = {nq, nq + C, nq + 2 * C, nullptr}, .ld = {C3, C3, C3, 0}, .n = {T, T, T, 0},
                      .att = att + tt + T * T, .att_rows = T};
    }
    const HeadForward h{.T = T, .hs = hs, .Tq = T, .scale = sh.scale,
                        .q = q, .ld_q = C3, .k = q + C, .v = q + 2 * C, .ld_kv = C3,
                        .out = out + b * T * C + hd * hs, .ld_out = C,
                        .preatt = preatt != nullptr ? preatt + tt : sh.fused ? nullptr : s.dp.data(), .att = att + tt,
                        .row_end = s.row_end.data(), .key_vis = key_vis, .panel = s.panel.data(), .rows = s.rows.data(),
                        .next = next};
    run_head(sh.fused, h);
  });
  return a.env().Undefined();
}

// attentionBackward(dqkv(B,T,3C), dout(B,T,C), qkv(B,T,3C), att(B,NH,T,T), B, T, C, NH). The score gradients (datt,
// dpreatt) stay in the thread's scratch, one head's worth: in L2 across the passes that read them back.
Napi::Value AttentionBackward(const Napi::CallbackInfo& info) {
  Args a(info, "attentionBackward");
  float* dqkv = a.f32(0);
  const float* dout = a.f32(1);
  const float* qkv = a.f32(2);
  const float* att = a.f32(3);
  const Shape sh = read_shape(a, 4);
  if (!a.ok()) return a.env().Undefined();
  const int64_t T = sh.T, C = sh.C, NH = sh.NH, hs = sh.hs, C3 = 3 * C;
  // Each (b, h) task writes only head h's channels of batch b in dqkv (written, not accumulated).
  for_each_head(sh, true, [&](int64_t task, bool has_next, Scratch& s) {
    const int64_t b = task / NH, hd = task % NH;
    const int64_t tt = task * T * T;
    const float* q = head_q(qkv, task, T, C, NH);
    float* dq = dqkv + b * T * C3 + hd * hs;
    HeadNext next{};
    if (has_next) {
      const float* nq = head_q(qkv, task + 1, T, C, NH);
      const float* ndout = dout + ((task + 1) / NH) * T * C + ((task + 1) % NH) * hs;
      next = HeadNext{.rows = {nq, nq + C, nq + 2 * C, ndout}, .ld = {C3, C3, C3, C}, .n = {T, T, T, T},
                      .att = att + tt + T * T, .att_rows = T};
    }
    const HeadBackward h{.T = T, .hs = hs, .Tq = T, .scale = sh.scale,
                         .q = q, .ld_q = C3, .k = q + C, .v = q + 2 * C, .ld_kv = C3,
                         .dout = dout + b * T * C + hd * hs, .ld_dout = C,
                         .dq = dq, .dk = dq + C, .dv = dq + 2 * C,
                         .att = att + tt, .datt = s.datt.data(), .dp = s.dp.data(), .row_end = s.row_end.data(),
                         .key_range = s.key_range.data(), .panel = s.panel.data(), .rows = s.rows.data(), .next = next};
    run_head(sh.fused, h);
  });
  return a.env().Undefined();
}

// The rows variants: queries only at rows[0..M) (ascending flat positions b*T+t), keys at every position.
// q, out, dq, dout (M, C); kv, dkv (B, T, 2C) = [k | v]; att: head (b, h)'s M_b rows from (b*NH+h)*T*T.
struct RowsHead {
  int64_t first, Tq;  // batch element b's rows: rows[first .. first + Tq)
  int64_t q;          // offset of the head's first row in the (M, C) buffers
  int64_t kv;         // offset of its first key in the (B, T, 2C) buffers (its values C further)
};

class RowsLayout {
 public:
  RowsLayout(const int32_t* rows, int64_t M, int64_t B, int64_t T, int64_t C, int64_t NH)
      : start_(static_cast<size_t>(B + 1)), T_(T), C_(C), NH_(NH) {
    int64_t r = 0;
    for (int64_t b = 0; b <= B; b++) {
      while (r < M && rows[r] < b * T) r++;
      start_[static_cast<size_t>(b)] = r;
    }
  }
  // Head task = b * NH + h.
  RowsHead head(int64_t task) const {
    const int64_t b = task / NH_, hs = C_ / NH_, h = task % NH_;
    const int64_t first = start_[static_cast<size_t>(b)];
    return {first, start_[static_cast<size_t>(b + 1)] - first, first * C_ + h * hs, b * T_ * 2 * C_ + h * hs};
  }

 private:
  std::vector<int64_t> start_;
  int64_t T_, C_, NH_;
};

// attentionRowsForward(out(M,C), att(B,NH,T,T), q(M,C), kv(B,T,2C), rows(M), M, keyMask(B,T)|null, causal, B, T, C,
// NH). A head whose batch element has no rows writes nothing.
Napi::Value AttentionRowsForward(const Napi::CallbackInfo& info) {
  Args a(info, "attentionRowsForward");
  float* out = a.f32(0);
  float* att = a.f32(1);
  const float* q = a.f32(2);
  const float* kv = a.f32(3);
  const int32_t* rows = a.i32(4);
  const int64_t M = a.integer(5);
  const uint8_t* key_mask = a.u8_or_null(6);
  const bool causal = a.boolean(7);
  const Shape sh = read_shape(a, 8);
  if (!a.ok()) return a.env().Undefined();
  const int64_t T = sh.T, C = sh.C, NH = sh.NH, hs = sh.hs, C2 = 2 * C;
  const RowsLayout layout(rows, M, sh.B, T, C, NH);
  for_each_head(sh, !sh.fused, [&](int64_t task, bool has_next, Scratch& s) {
    const RowsHead r = layout.head(task);
    if (r.Tq == 0) return;
    const int64_t b = task / NH;
    const float* key_vis = forward_visibility(key_mask ? key_mask + b * T : nullptr, causal, T, rows + r.first, b * T, r.Tq, s);
    HeadNext next{};
    if (has_next) {
      const RowsHead n = layout.head(task + 1);
      next = HeadNext{.rows = {q + n.q, kv + n.kv, kv + n.kv + C, nullptr}, .ld = {C, C2, C2, 0}, .n = {n.Tq, T, T, 0},
                      .att = att + (task + 1) * T * T, .att_rows = n.Tq};
    }
    const HeadForward h{.T = T, .hs = hs, .Tq = r.Tq, .scale = sh.scale,
                        .q = q + r.q, .ld_q = C, .k = kv + r.kv, .v = kv + r.kv + C, .ld_kv = C2,
                        .out = out + r.q, .ld_out = C,
                        .preatt = sh.fused ? nullptr : s.dp.data(), .att = att + task * T * T,
                        .row_end = s.row_end.data(), .key_vis = key_vis, .panel = s.panel.data(), .rows = s.rows.data(),
                        .next = next};
    run_head(sh.fused, h);
  });
  return a.env().Undefined();
}

// attentionRowsBackward(dq(M,C), dkv(B,T,2C), dout(M,C), q(M,C), kv(B,T,2C), att, rows(M), M, B, T, C, NH)
Napi::Value AttentionRowsBackward(const Napi::CallbackInfo& info) {
  Args a(info, "attentionRowsBackward");
  float* dq = a.f32(0);
  float* dkv = a.f32(1);
  const float* dout = a.f32(2);
  const float* q = a.f32(3);
  const float* kv = a.f32(4);
  const float* att = a.f32(5);
  const int32_t* rows = a.i32(6);
  const int64_t M = a.integer(7);
  const Shape sh = read_shape(a, 8);
  if (!a.ok()) return a.env().Undefined();
  const int64_t T = sh.T, C = sh.C, NH = sh.NH, hs = sh.hs, C2 = 2 * C;
  const RowsLayout layout(rows, M, sh.B, T, C, NH);
  for_each_head(sh, true, [&](int64_t task, bool has_next, Scratch& s) {
    const RowsHead r = layout.head(task);
    float* dk = dkv + r.kv;
    if (r.Tq == 0) {  // no query of this batch element: its keys and values get no gradient
      for (int64_t t = 0; t < T; t++) {
        std::fill(dk + t * C2, dk + t * C2 + hs, 0.0f);
        std::fill(dk + C + t * C2, dk + C + t * C2 + hs, 0.0f);
      }
      return;
    }
    HeadNext next{};
    if (has_next) {
      const RowsHead n = layout.head(task + 1);
      next = HeadNext{.rows = {q + n.q, kv + n.kv, kv + n.kv + C, dout + n.q}, .ld = {C, C2, C2, C},
                      .n = {n.Tq, T, T, n.Tq}, .att = att + (task + 1) * T * T, .att_rows = n.Tq};
    }
    const HeadBackward h{.T = T, .hs = hs, .Tq = r.Tq, .scale = sh.scale,
                         .q = q + r.q, .ld_q = C, .k = kv + r.kv, .v = kv + r.kv + C, .ld_kv = C2,
                         .dout = dout + r.q, .ld_dout = C,
                         .dq = dq + r.q, .dk = dk, .dv = dk + C,
                         .att = att + task * T * T, .datt = s.datt.data(), .dp = s.dp.data(), .row_end = s.row_end.data(),
                         .key_range = s.key_range.data(), .panel = s.panel.data(), .rows = s.rows.data(), .next = next};
    run_head(sh.fused, h);
  });
  return a.env().Undefined();
}

}  // namespace

void register_attention(Napi::Env env, Napi::Object exports) {
  exports.Set("attentionForward", Napi::Function::New(env, AttentionForward, "attentionForward"));
  exports.Set("attentionBackward", Napi::Function::New(env, AttentionBackward, "attentionBackward"));
  exports.Set("attentionRowsForward", Napi::Function::New(env, AttentionRowsForward, "attentionRowsForward"));
  exports.Set("attentionRowsBackward", Napi::Function::New(env, AttentionRowsBackward, "attentionRowsBackward"));
}

}  // namespace ak
