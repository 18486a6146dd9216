// GRU/LSTM layer drivers (shapes in rnn.h): the input projection of all time steps as one GEMM, then the recurrence
// step by step in a team of threads, then (backward) the weight gradients of all steps as a few large GEMMs.
//
// The recurrence: each team thread owns a slice of hidden units (of one direction when the team splits evenly into
// directions, else a slice of every direction). Per step it multiplies the whole previous state (B,H) by its own rows
// of W_hh, packed once per call into the GEMM's panel layout (sgemm_packed_b), and runs the pointwise update for its
// units; one barrier per step then publishes its columns of the new state. Backward mirrors it: a thread computes its
// columns of dh_{t-1} = dgh_t W_hh from every unit's dgh_t, then its units' pointwise gradient, then the barrier.
// Every output element is reduced in the same order for any team size (the GEMM's K blocks depend only on K), so
// results do not depend on the thread count.
#include <algorithm>
#include <atomic>
#include <cstring>
#include <memory>
#include <thread>
#include <vector>

#include "cpu.h"
#include "gemm.h"
#include "rnn.h"
#include "threadpool.h"

#define AK_ISA_NS portable
#include "rnn_pointwise_impl.h"
#undef AK_ISA_NS

namespace ak {
namespace {

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

// A reusable spin barrier for the threads of one group; after a short spin it yields, so a descheduled peer on a
// busy machine costs its partner a time slice rather than a spinning core.
class SpinBarrier {
 public:
  void reset(int n) { n_ = n; }
  void wait() {
    if (n_ <= 1) return;
    const uint32_t gen = gen_.load(std::memory_order_acquire);
    if (count_.fetch_add(1, std::memory_order_acq_rel) == n_ - 1) {
      count_.store(0, std::memory_order_relaxed);
      gen_.fetch_add(1, std::memory_order_release);
      return;
    }
    for (int spins = 0; gen_.load(std::memory_order_acquire) == gen; spins++) {
      if (spins < 2000) cpu_relax();
      else std::this_thread::yield();
    }
  }

 private:
  int n_ = 1;
  alignas(64) std::atomic<int> count_{0};
  alignas(64) std::atomic<uint32_t> gen_{0};
};

// Grow-only 64-byte aligned float storage, one per thread (each team member sizes its own).
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
thread_local Scratch t_rnn_scratch;

// Hands out consecutive 64-byte aligned pieces of one scratch block.
class Carver {
 public:
  explicit Carver(float* base) : at_(base) {}
  float* take(int64_t floats) {
    float* p = at_;
    at_ += (floats + 15) / 16 * 16;
    return p;
  }
  static int64_t round(int64_t floats) { return (floats + 15) / 16 * 16; }

 private:
  float* at_;
};

struct Slice {
  int64_t d, j0, nj;
};

// Who does what: P threads in `groups` groups of `gsize`; with one group per direction each group runs its own
// direction with its own barrier (a team of two on a bidirectional layer runs with no barrier at all).
struct TeamPlan {
  int P, groups, gsize;
  int64_t D, H;

  TeamPlan(int64_t D_, int64_t H_) : D(D_), H(H_) {
    const int threads = in_parallel_region() ? 1 : get_threads();
    // At least 16 units per thread (a GEMM sliver): smaller slices lose more to the barrier than they gain.
    const int64_t useful = std::max<int64_t>(1, D * H / 16);
    P = static_cast<int>(std::min<int64_t>(threads, useful));
    groups = (P >= D && P % D == 0) ? static_cast<int>(D) : 1;
    gsize = P / groups;
  }

  // Unit boundaries of member i of a group: multiples of 8 (whole AVX2 vectors), the last one at H.
  int64_t bound(int i) const {
    if (i >= gsize) return H;
    return (H * i / gsize) / 8 * 8;
  }

  std::vector<Slice> slices(int p) const {
    const int g = p / gsize, i = p % gsize;
    const int64_t j0 = bound(i), j1 = bound(i + 1);
    std::vector<Slice> out;
    if (j1 <= j0) return out;
    if (groups == D) out.push_back({g, j0, j1 - j0});
    else
      for (int64_t d = 0; d < D; d++) out.push_back({d, j0, j1 - j0});
    return out;
  }
};

// Runs body(p) for p in [0, P) on P pool threads at once. Safe because parallel_for gives thread t the t-th share of
// the chunks first and a thread never takes another's chunk while its own is running: with chunks <= pool threads,
// every chunk is started by some thread even while the others wait in a barrier.
template <typename Fn>
void run_team(int P, const Fn& body) {
  if (P <= 1) {
    body(0);
    return;
  }
  parallel_for(P, 1, [&](int64_t a, int64_t b) {
    for (int64_t p = a; p < b; p++) body(static_cast<int>(p));
  });
}

struct Pointwise {
  decltype(&portable::gru_step_forward) gru_forward;
  decltype(&portable::gru_step_backward) gru_backward;
  decltype(&portable::lstm_step_forward) lstm_forward;
  decltype(&portable::lstm_step_backward) lstm_backward;
};

Pointwise pointwise() {
  if (use_avx2()) {
    return {avx2::gru_step_forward, avx2::gru_step_backward, avx2::lstm_step_forward, avx2::lstm_step_backward};
  }
  return {portable::gru_step_forward, portable::gru_step_backward, portable::lstm_step_forward,
          portable::lstm_step_backward};
}

// active[t*B + b] = t < lengths[b]; empty when every row is real.
std::vector<uint8_t> activity(const int32_t* lengths, int64_t T, int64_t B) {
  std::vector<uint8_t> act;
  if (lengths == nullptr) return act;
  act.resize(static_cast<size_t>(T * B));
  for (int64_t t = 0; t < T; t++)
    for (int64_t b = 0; b < B; b++) act[t * B + b] = t < lengths[b] ? 1 : 0;
  return act;
}

// dst(rows, n) = for each gate k of G, rows [k*H + j0, k*H + j0 + nj) of src (G*H, w): the slice's own rows of a
// gate-stacked weight (or bias, w = 1), gates back to back.
void gather_gate_rows(float* dst, const float* src, int64_t G, int64_t H, int64_t j0, int64_t nj, int64_t w) {
  for (int64_t k = 0; k < G; k++) std::memcpy(dst + k * nj * w, src + (k * H + j0) * w, sizeof(float) * nj * w);
}

// acc[c] += sum over rows of m(rows, n) at stride ld, in double, columns split over the pool (as a linear layer's
// bias gradient: thread-count independent).
void add_column_sums(float* acc, const float* m, int64_t rows, int64_t n, int64_t ld) {
  constexpr int64_t kCols = 64;
  parallel_for((n + kCols - 1) / kCols, 1, [&](int64_t b0, int64_t b1) {
    for (int64_t blk = b0; blk < b1; blk++) {
      const int64_t c0 = blk * kCols, w = std::min(kCols, n - c0);
      double s[kCols] = {};
      for (int64_t r = 0; r < rows; r++) {
        const float* row = m + r * ld + c0;
        for (int64_t c = 0; c < w; c++) s[c] += row[c];
      }
      for (int64_t c = 0; c < w; c++) acc[c0 + c] += static_cast<float>(s[c]);
    }
  });
}

}  // namespace

void rnn_layer_forward(RnnCell cell, const RnnDims& dm, const RnnForwardArgs& a) {
  const int64_t T = dm.T, B = dm.B, C = dm.C, H = dm.H, D = dm.D;
  if (T <= 0 || B <= 0 || H <= 0) return;
  const bool lstm = cell == RnnCell::kLstm;
  const int64_t G = lstm ? 4 : 3, X = lstm ? 5 * H : 4 * H, DH = D * H;
  // 1. x W_ih^T + b_ih for every step at once, into the first G*H columns of each cache row (unless inp is null:
  // the caller has put the projection there, e.g. gathered from a table of the embedding's projections).
  for (int64_t d = 0; a.inp != nullptr && d < D; d++) {
    sgemm(false, true, T * B, G * H, C, 1.0f, a.inp, C, a.wih + d * G * H * C, C, 0.0f, a.cache + d * T * B * X, X,
          a.bih + d * G * H);
  }
  // 2. The recurrence. State buffers: two (B,H) per direction for h (and c), alternating steps.
  std::vector<float> states(static_cast<size_t>(D * (lstm ? 4 : 2) * B * H), 0.0f);
  auto hbuf = [&](int64_t d, int64_t s) { return states.data() + (d * 2 + (s & 1)) * B * H; };
  auto cbuf = [&](int64_t d, int64_t s) { return states.data() + (2 * D + d * 2 + (s & 1)) * B * H; };
  for (int64_t d = 0; d < D; d++) {
    if (a.h0 != nullptr) std::memcpy(hbuf(d, 0), a.h0 + d * B * H, sizeof(float) * B * H);
    if (lstm && a.c0 != nullptr) std::memcpy(cbuf(d, 0), a.c0 + d * B * H, sizeof(float) * B * H);
  }
  const std::vector<uint8_t> act = activity(a.lengths, T, B);
  const TeamPlan plan(D, H);
  std::unique_ptr<SpinBarrier[]> barriers(new SpinBarrier[plan.groups]);
  for (int g = 0; g < plan.groups; g++) barriers[g].reset(plan.gsize);
  const Pointwise pw = pointwise();

  run_team(plan.P, [&](int p) {
    const std::vector<Slice> slices = plan.slices(p);
    SpinBarrier& barrier = barriers[p / plan.gsize];
    // Per slice: its rows of W_hh packed (N = G*nj, K = H), its b_hh rows, the GEMM output, row pointers.
    int64_t need = 0;
    for (const Slice& s : slices) {
      need += Carver::round(G * s.nj * H) + Carver::round(packed_b_floats(G * s.nj, H)) + Carver::round(G * s.nj) +
              Carver::round(B * G * s.nj);
    }
    need += 2 * Carver::round(2 * B);  // row pointers (as floats' worth of space; pointers are at most 8 bytes)
    Carver carve(t_rnn_scratch.get(static_cast<size_t>(need)));
    struct Own {
      float* packed;
      float* bias;
      float* gh;
    };
    std::vector<Own> own;
    for (const Slice& s : slices) {
      float* rows = carve.take(G * s.nj * H);
      Own o{carve.take(packed_b_floats(G * s.nj, H)), carve.take(G * s.nj), carve.take(B * G * s.nj)};
      gather_gate_rows(rows, a.whh + s.d * G * H * H, G, H, s.j0, s.nj, H);
      pack_b_all(true, rows, H, G * s.nj, H, o.packed);
      gather_gate_rows(o.bias, a.bhh + s.d * G * H, G, H, s.j0, s.nj, 1);
      own.push_back(o);
    }
    const float** prev = reinterpret_cast<const float**>(carve.take(2 * B));
    const float** cprev = reinterpret_cast<const float**>(carve.take(2 * B));
    for (int64_t step = 0; step < T; step++) {
      for (size_t k = 0; k < slices.size(); k++) {
        const Slice& s = slices[k];
        const int64_t t = s.d == 0 ? step : T - 1 - step;
        const float* hp = hbuf(s.d, step);
        float* hn = hbuf(s.d, step + 1);
        sgemm_packed_b(B, G * s.nj, H, hp, H, own[k].packed, own[k].gh, G * s.nj, own[k].bias);
        for (int64_t b = 0; b < B; b++) prev[b] = hp + b * H + s.j0;
        float* cache = a.cache + ((s.d * T + t) * B) * X + s.j0;
        float* out = a.out + t * B * DH + s.d * H + s.j0;
        const uint8_t* active = act.empty() ? nullptr : act.data() + t * B;
        if (lstm) {
          const float* cp = cbuf(s.d, step);
          for (int64_t b = 0; b < B; b++) cprev[b] = cp + b * H + s.j0;
          pw.lstm_forward(B, s.nj, H, own[k].gh, cache, X, prev, cprev, hn + s.j0, cbuf(s.d, step + 1) + s.j0, H, out,
                          DH, active);
        } else {
          pw.gru_forward(B, s.nj, H, own[k].gh, cache, X, prev, hn + s.j0, H, out, DH, active);
        }
      }
      barrier.wait();
    }
    // Final states: this thread's columns.
    for (const Slice& s : slices) {
      for (int64_t b = 0; b < B; b++) {
        const size_t bytes = sizeof(float) * s.nj;
        if (a.hN != nullptr) std::memcpy(a.hN + (s.d * B + b) * H + s.j0, hbuf(s.d, T) + b * H + s.j0, bytes);
        if (lstm && a.cN != nullptr) std::memcpy(a.cN + (s.d * B + b) * H + s.j0, cbuf(s.d, T) + b * H + s.j0, bytes);
      }
    }
  });
}

void rnn_layer_backward(RnnCell cell, const RnnDims& dm, const RnnBackwardArgs& a) {
  const int64_t T = dm.T, B = dm.B, C = dm.C, H = dm.H, D = dm.D;
  if (T <= 0 || B <= 0 || H <= 0) return;
  const bool lstm = cell == RnnCell::kLstm;
  const int64_t G = lstm ? 4 : 3, X = lstm ? 5 * H : 4 * H, XD = 4 * H, DH = D * H;
  const std::vector<uint8_t> act = activity(a.lengths, T, B);
  const std::vector<float> zeros(static_cast<size_t>(B * H), 0.0f);
  // The state before step t of direction d for row b (the previous step's output, or h0 where the row starts).
  auto h_before = [&](int64_t d, int64_t t, int64_t b) -> const float* {
    const bool first = d == 0 ? t == 0 : (t == T - 1 || (a.lengths != nullptr && t + 1 >= a.lengths[b]));
    if (first) return a.h0 != nullptr ? a.h0 + (d * B + b) * H : zeros.data();
    return a.out + ((d == 0 ? t - 1 : t + 1) * B + b) * DH + d * H;
  };
  auto c_before = [&](int64_t d, int64_t t, int64_t b) -> const float* {
    const bool first = d == 0 ? t == 0 : (t == T - 1 || (a.lengths != nullptr && t + 1 >= a.lengths[b]));
    if (first) return a.c0 != nullptr ? a.c0 + (d * B + b) * H : zeros.data();
    return a.cache + ((d * T + (d == 0 ? t - 1 : t + 1)) * B + b) * X + 4 * H;
  };
  const TeamPlan plan(D, H);
  std::unique_ptr<SpinBarrier[]> barriers(new SpinBarrier[plan.groups]);
  for (int g = 0; g < plan.groups; g++) barriers[g].reset(plan.gsize);
  const Pointwise pw = pointwise();

  // 1. Backward through time: dcache for every step, dh0 and dc0.
  run_team(plan.P, [&](int p) {
    const std::vector<Slice> slices = plan.slices(p);
    SpinBarrier& barrier = barriers[p / plan.gsize];
    int64_t need = 2 * Carver::round(2 * B);
    for (const Slice& s : slices) need += Carver::round(packed_b_floats(s.nj, G * H)) + 3 * Carver::round(B * s.nj);
    Carver carve(t_rnn_scratch.get(static_cast<size_t>(need)));
    struct Own {
      float* packed;  // W_hh[:, own units] as op(B) (K = G*H, N = nj)
      float* g;       // (B, nj): dgh_{t+1} W_hh for own units, or dhN at the first step
      float* dd;      // (B, nj)
      float* dc;      // (B, nj), LSTM
    };
    std::vector<Own> own;
    for (const Slice& s : slices) {
      Own o{carve.take(packed_b_floats(s.nj, G * H)), carve.take(B * s.nj), carve.take(B * s.nj),
            carve.take(B * s.nj)};
      pack_b_all(false, a.whh + s.d * G * H * H + s.j0, H, s.nj, G * H, o.packed);
      for (int64_t b = 0; b < B; b++) {
        const size_t bytes = sizeof(float) * s.nj;
        if (a.dhN != nullptr) std::memcpy(o.g + b * s.nj, a.dhN + (s.d * B + b) * H + s.j0, bytes);
        else std::memset(o.g + b * s.nj, 0, bytes);
        if (lstm && a.dcN != nullptr) std::memcpy(o.dc + b * s.nj, a.dcN + (s.d * B + b) * H + s.j0, bytes);
        else std::memset(o.dc + b * s.nj, 0, bytes);
      }
      std::memset(o.dd, 0, sizeof(float) * B * s.nj);
      own.push_back(o);
    }
    const float** prev = reinterpret_cast<const float**>(carve.take(2 * B));
    for (int64_t step = 0; step < T; step++) {
      for (size_t k = 0; k < slices.size(); k++) {
        const Slice& s = slices[k];
        const int64_t t = s.d == 0 ? T - 1 - step : step;
        if (step > 0) {
          const int64_t later = s.d == 0 ? t + 1 : t - 1;  // the step processed just before, in backward order
          sgemm_packed_b(B, s.nj, G * H, a.dcache + ((s.d * T + later) * B) * XD, XD, own[k].packed, own[k].g, s.nj,
                         nullptr);
        }
        const float* dout = a.dout != nullptr ? a.dout + t * B * DH + s.d * H + s.j0 : nullptr;
        const float* cache = a.cache + ((s.d * T + t) * B) * X + s.j0;
        float* dcache = a.dcache + ((s.d * T + t) * B) * XD + s.j0;
        const uint8_t* active = act.empty() ? nullptr : act.data() + t * B;
        if (lstm) {
          for (int64_t b = 0; b < B; b++) prev[b] = c_before(s.d, t, b) + s.j0;
          pw.lstm_backward(B, s.nj, H, own[k].g, own[k].dd, own[k].dc, dout, DH, cache, X, prev, dcache, XD, active);
        } else {
          for (int64_t b = 0; b < B; b++) prev[b] = h_before(s.d, t, b) + s.j0;
          pw.gru_backward(B, s.nj, H, own[k].g, own[k].dd, dout, DH, cache, X, prev, dcache, XD, active);
        }
      }
      barrier.wait();
    }
    // dh0 = dgh of the last processed step through W_hh, plus what bypassed it; dc0 = the carried cell gradient.
    for (size_t k = 0; k < slices.size(); k++) {
      const Slice& s = slices[k];
      const int64_t last = s.d == 0 ? 0 : T - 1;
      if (a.dh0 != nullptr) {
        sgemm_packed_b(B, s.nj, G * H, a.dcache + ((s.d * T + last) * B) * XD, XD, own[k].packed, own[k].g, s.nj,
                       nullptr);
        for (int64_t b = 0; b < B; b++) {
          float* dst = a.dh0 + (s.d * B + b) * H + s.j0;
          for (int64_t j = 0; j < s.nj; j++) dst[j] = own[k].g[b * s.nj + j] + own[k].dd[b * s.nj + j];
        }
      }
      if (lstm && a.dc0 != nullptr) {
        for (int64_t b = 0; b < B; b++) {
          std::memcpy(a.dc0 + (s.d * B + b) * H + s.j0, own[k].dc + b * s.nj, sizeof(float) * s.nj);
        }
      }
    }
  });

  // 2. Parameter and input gradients of every step at once. dgh = dcache columns [0, G*H); dgi = the same for LSTM,
  // columns r, z and the last H (da_n) for GRU.
  for (int64_t d = 0; d < D; d++) {
    const float* dg = a.dcache + d * T * B * XD;
    const float* wih = a.wih + d * G * H * C;
    float* dwih = a.dwih + d * G * H * C;
    float* dwhh = a.dwhh + d * G * H * H;
    // dW_hh += sum_t dgh_t^T h_before(t): the previous outputs for all but the first step of the direction ...
    if (T > 1) {
      const float* dgh = d == 0 ? dg + B * XD : dg;
      const float* hprev = a.out + (d == 0 ? 0 : B * DH) + d * H;
      sgemm(true, false, G * H, H, (T - 1) * B, 1.0f, dgh, XD, hprev, DH, 1.0f, dwhh, H, nullptr);
    }
    // ... plus h0 for the first step and, in the reverse direction, for padded rows' first real step (their
    // previous output holds 0 there, which the GEMM above multiplied).
    if (a.h0 != nullptr) {
      const float* h0 = a.h0 + d * B * H;
      sgemm(true, false, G * H, H, B, 1.0f, dg + (d == 0 ? 0 : (T - 1) * B * XD), XD, h0, H, 1.0f, dwhh, H, nullptr);
      if (d == 1 && a.lengths != nullptr) {
        for (int64_t b = 0; b < B; b++) {
          const int64_t t = a.lengths[b] - 1;
          if (t >= T - 1) continue;
          sgemm(true, false, G * H, H, 1, 1.0f, dg + (t * B + b) * XD, XD, h0 + b * H, H, 1.0f, dwhh, H, nullptr);
        }
      }
    }
    add_column_sums(a.dbhh + d * G * H, dg, T * B, G * H, XD);
    // dW_ih, db_ih, dinp; none when the caller computed the input projection (it reads dgi from dcache).
    if (a.inp == nullptr) continue;
    float* dbih = a.dbih + d * G * H;
    const float beta = d == 0 ? 0.0f : 1.0f;
    if (lstm) {
      sgemm(true, false, G * H, C, T * B, 1.0f, dg, XD, a.inp, C, 1.0f, dwih, C, nullptr);
      add_column_sums(dbih, dg, T * B, G * H, XD);
      if (a.dinp != nullptr) sgemm(false, false, T * B, C, G * H, 1.0f, dg, XD, wih, C, beta, a.dinp, C, nullptr);
    } else {
      sgemm(true, false, 2 * H, C, T * B, 1.0f, dg, XD, a.inp, C, 1.0f, dwih, C, nullptr);
      sgemm(true, false, H, C, T * B, 1.0f, dg + 3 * H, XD, a.inp, C, 1.0f, dwih + 2 * H * C, C, nullptr);
      add_column_sums(dbih, dg, T * B, 2 * H, XD);
      add_column_sums(dbih + 2 * H, dg + 3 * H, T * B, H, XD);
      if (a.dinp != nullptr) {
        sgemm(false, false, T * B, C, 2 * H, 1.0f, dg, XD, wih, C, beta, a.dinp, C, nullptr);
        sgemm(false, false, T * B, C, H, 1.0f, dg + 3 * H, XD, wih + 2 * H * C, C, 1.0f, a.dinp, C, nullptr);
      }
    }
  }
}

void rnn_cell_forward(RnnCell cell, int64_t B, int64_t H, const RnnCellArgs& a) {
  if (B <= 0 || H <= 0) return;
  const bool lstm = cell == RnnCell::kLstm;
  const int64_t G = lstm ? 4 : 3, X = lstm ? 5 * H : 4 * H;
  Carver carve(t_rnn_scratch.get(static_cast<size_t>(Carver::round(B * G * H) + 2 * Carver::round(2 * B))));
  float* gh = carve.take(B * G * H);
  const float** prev = reinterpret_cast<const float**>(carve.take(2 * B));
  const float** cprev = reinterpret_cast<const float**>(carve.take(2 * B));
  sgemm(false, true, B, G * H, H, 1.0f, a.hPrev, H, a.whh, H, 0.0f, gh, G * H, a.bhh);
  for (int64_t b = 0; b < B; b++) {
    std::memcpy(a.cache + b * X, a.gi + b * G * H, sizeof(float) * G * H);
    prev[b] = a.hPrev + b * H;
    if (lstm) cprev[b] = a.cPrev + b * H;
  }
  const Pointwise pw = pointwise();
  if (lstm) pw.lstm_forward(B, H, H, gh, a.cache, X, prev, cprev, a.hOut, a.cOut, H, a.hOut, H, nullptr);
  else pw.gru_forward(B, H, H, gh, a.cache, X, prev, a.hOut, H, a.hOut, H, nullptr);
}

void rnn_cell_backward(RnnCell cell, int64_t B, int64_t H, const RnnCellGradArgs& a) {
  if (B <= 0 || H <= 0) return;
  const bool lstm = cell == RnnCell::kLstm;
  const int64_t G = lstm ? 4 : 3, X = lstm ? 5 * H : 4 * H, XD = 4 * H;
  Carver carve(t_rnn_scratch.get(static_cast<size_t>(Carver::round(B * XD) + 3 * Carver::round(B * H) +
                                                      Carver::round(2 * B))));
  float* dcache = carve.take(B * XD);
  float* g = carve.take(B * H);
  float* dd = carve.take(B * H);
  float* dc = carve.take(B * H);
  const float** prev = reinterpret_cast<const float**>(carve.take(2 * B));
  if (a.dh != nullptr) std::memcpy(g, a.dh, sizeof(float) * B * H);
  else std::memset(g, 0, sizeof(float) * B * H);
  std::memset(dd, 0, sizeof(float) * B * H);
  const Pointwise pw = pointwise();
  if (lstm) {
    if (a.dc != nullptr) std::memcpy(dc, a.dc, sizeof(float) * B * H);
    else std::memset(dc, 0, sizeof(float) * B * H);
    for (int64_t b = 0; b < B; b++) prev[b] = a.cPrev + b * H;
    pw.lstm_backward(B, H, H, g, dd, dc, nullptr, 0, a.cache, X, prev, dcache, XD, nullptr);
    if (a.dcPrev != nullptr) std::memcpy(a.dcPrev, dc, sizeof(float) * B * H);
  } else {
    for (int64_t b = 0; b < B; b++) prev[b] = a.hPrev + b * H;
    pw.gru_backward(B, H, H, g, dd, nullptr, 0, a.cache, X, prev, dcache, XD, nullptr);
  }
  // dgi: LSTM the whole dcache row; GRU [da_r | da_z | da_n].
  for (int64_t b = 0; b < B; b++) {
    float* dst = a.dgi + b * G * H;
    const float* src = dcache + b * XD;
    if (lstm) {
      std::memcpy(dst, src, sizeof(float) * 4 * H);
    } else {
      std::memcpy(dst, src, sizeof(float) * 2 * H);
      std::memcpy(dst + 2 * H, src + 3 * H, sizeof(float) * H);
    }
  }
  // dhPrev = dgh W_hh + dd; dW_hh += dgh^T hPrev; db_hh += column sums of dgh (dgh = dcache columns [0, G*H)).
  if (a.dhPrev != nullptr) {
    sgemm(false, false, B, H, G * H, 1.0f, dcache, XD, a.whh, H, 0.0f, a.dhPrev, H, nullptr);
    for (int64_t i = 0; i < B * H; i++) a.dhPrev[i] += dd[i];
  }
  sgemm(true, false, G * H, H, B, 1.0f, dcache, XD, a.hPrev, H, 1.0f, a.dwhh, H, nullptr);
  add_column_sums(a.dbhh, dcache, B, G * H, XD);
}

}  // namespace ak
