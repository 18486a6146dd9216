// UMAP kernels: the fuzzy memberships of each row's kNN (a bisection per row for the bandwidth sigma_i such that
// sum_j exp(-(d_ij - rho_i) / sigma_i) = log2(n_neighbors), rho_i the distance to the nearest neighbour), and the
// layout's stochastic gradient epochs over the symmetrised graph's edges: each edge is sampled in proportion to its
// weight and pulls its two ends together with the curve 1 / (1 + a d^2b), and every sample pushes its head away from
// `negativeRate` random points. The symmetrisation itself (fuzzy union) is symmetrizeGraph in tsne.cc.
//
// Threads: with `deterministic` the edges run in order on one thread (a seed gives one layout); otherwise the edges of
// an epoch are split among the pool's threads, which update shared coordinates without locks ("Hogwild", as
// umap-learn's parallel mode does): a point updated by two threads at once loses one update, which the method absorbs,
// and the layout then differs a little from run to run. Coordinates are read and written with relaxed atomics so this
// is a defined race, compiled to plain loads and stores.
#include <algorithm>
#include <cmath>
#include <vector>

#include "cpu.h"
#include "napi_args.h"
#include "projection.h"
#include "threadpool.h"

namespace ak {
namespace avx2 {
void umap_repel8(float* push, const float* c, const float* const* ox, const uint8_t* skip, int count, int dims,
                 float a, float b, float gamma, float alpha);
}  // namespace avx2

namespace {

inline float load(const float* p) {
  float v;
  __atomic_load(p, &v, __ATOMIC_RELAXED);
  return v;
}

inline void store(float* p, float v) { __atomic_store(p, &v, __ATOMIC_RELAXED); }

inline float clip4(float v) { return v > 4.0f ? 4.0f : (v < -4.0f ? -4.0f : v); }

// weights(N,k) from dists(N,k) (each row ascending, the row itself not included; n_neighbors = k + 1 as umap-learn
// counts it). Returns how many rows missed the bisection tolerance (1e-5 in 64 steps).
int64_t memberships(float* weights, const float* dists, int64_t N, int64_t k, double local_connectivity) {
  const double target = std::log2(static_cast<double>(k + 1));
  double mean_all = 0;
  for (int64_t e = 0; e < N * k; e++) mean_all += dists[e];
  mean_all /= static_cast<double>(N * (k + 1));
  std::vector<int64_t> missed(static_cast<size_t>((N + 255) / 256), 0);
  parallel_for(N, 256, [&](int64_t b, int64_t e) {
    int64_t miss = 0;
    std::vector<double> nonzero;
    for (int64_t i = b; i < e; i++) {
      const float* d = dists + i * k;
      nonzero.clear();
      double mean_row = 0;
      for (int64_t j = 0; j < k; j++) {
        mean_row += d[j];
        if (d[j] > 0) nonzero.push_back(d[j]);
      }
      mean_row /= static_cast<double>(k + 1);
      // rho: the distance to the local_connectivity-th nearest non-zero neighbour, interpolated for fractions
      double rho = 0;
      const int64_t nz = static_cast<int64_t>(nonzero.size());
      if (static_cast<double>(nz) >= local_connectivity) {
        const int64_t index = static_cast<int64_t>(std::floor(local_connectivity));
        const double frac = local_connectivity - static_cast<double>(index);
        if (index > 0) {
          rho = nonzero[static_cast<size_t>(index - 1)];
          if (frac > 1e-5) rho += frac * (nonzero[static_cast<size_t>(index)] - nonzero[static_cast<size_t>(index - 1)]);
        } else {
          rho = frac * nonzero[0];
        }
      } else if (nz > 0) {
        rho = *std::max_element(nonzero.begin(), nonzero.end());
      }
      double lo = 0, hi = INFINITY, mid = 1.0;
      bool ok = false;
      for (int step = 0; step < 64; step++) {
        double psum = 0;
        for (int64_t j = 0; j < k; j++) {
          const double gap = d[j] - rho;
          psum += gap > 0 ? std::exp(-gap / mid) : 1.0;
        }
        if (std::fabs(psum - target) < 1e-5) {
          ok = true;
          break;
        }
        if (psum > target) {
          hi = mid;
          mid = (lo + hi) / 2;
        } else {
          lo = mid;
          mid = hi == INFINITY ? mid * 2 : (lo + hi) / 2;
        }
      }
      if (!ok) miss++;
      double sigma = mid;
      const double floor_sigma = 1e-3 * (rho > 0 ? mean_row : mean_all);
      if (sigma < floor_sigma) sigma = floor_sigma;
      for (int64_t j = 0; j < k; j++) {
        const double gap = d[j] - rho;
        weights[i * k + j] = gap <= 0 || sigma == 0 ? 1.0f : static_cast<float>(std::exp(-gap / sigma));
      }
    }
    missed[static_cast<size_t>(b / 256)] = miss;
  });
  int64_t total = 0;
  for (int64_t m : missed) total += m;
  return total;
}

struct Layout {
  float* Y;
  const int32_t* heads;
  const int32_t* tails;
  const double* per_sample;
  double* next_sample;
  double* next_negative;
  int64_t N;
  int dims;
  float a, b, gamma;
  double negative_rate;
  uint32_t seed;
  bool vector_repel;  // the AVX2 batch of repulsions (use_avx2()), else one sample at a time

  // Edge e at epoch n with learning rate alpha: the attraction along the edge, then its due negative samples.
  // DIM is the layout's dimension (2 or 3) as a constant, so the per-coordinate loops unroll.
  template <int DIM>
  void edge(int64_t e, int64_t n, float alpha) {
    if (next_sample[e] > static_cast<double>(n)) return;
    float* cur = Y + static_cast<int64_t>(heads[e]) * DIM;
    float* oth = Y + static_cast<int64_t>(tails[e]) * DIM;
    float c[DIM], o[DIM];
    float d2 = 0;
    for (int d = 0; d < DIM; d++) {
      c[d] = load(cur + d);
      o[d] = load(oth + d);
      d2 += (c[d] - o[d]) * (c[d] - o[d]);
    }
    if (d2 > 0) {
      const float pb = std::pow(d2, b);  // d^2b (float pow: a third of the epoch time, libm's is faster than any
                                             // branch-free polynomial here without fused multiply-adds)
      const float coeff = -2.0f * a * b * (pb / d2) / (a * pb + 1.0f);
      for (int d = 0; d < DIM; d++) {
        const float g = clip4(coeff * (c[d] - o[d])) * alpha;
        c[d] += g;
        store(oth + d, o[d] - g);
      }
    }
    next_sample[e] += per_sample[e];
    const double per_negative = per_sample[e] / negative_rate;
    const int64_t n_neg = static_cast<int64_t>((static_cast<double>(n) - next_negative[e]) / per_negative);
    const int32_t head = heads[e];
    // Sample p of this edge and epoch: mix32(base + p) scaled to [0, N) by a multiply (no division). Every sample
    // pushes from the head's position after the attraction and the pushes are summed (a minibatch of repulsions):
    // applying each before computing the next would chain the samples' latencies one after another.
    const uint32_t base = mix_key(seed, static_cast<uint32_t>(e), static_cast<uint32_t>(n), 0);
    float push[DIM] = {};
    if (vector_repel) {
      // eight samples at a time in AVX2 lanes (umap_avx2.cc): their coordinates gathered, the head's own lanes skipped
      alignas(32) float ox[DIM][8];
      uint8_t skip[8];
      const float* rows[DIM];
      for (int d = 0; d < DIM; d++) rows[d] = ox[d];
      for (int64_t p0 = 0; p0 < n_neg; p0 += 8) {
        const int count = static_cast<int>(std::min<int64_t>(8, n_neg - p0));
        for (int s = 0; s < 8; s++) {
          int64_t other = head;
          if (s < count) {
            other = static_cast<int64_t>(
                (static_cast<uint64_t>(mix32(base + static_cast<uint32_t>(p0 + s))) * static_cast<uint64_t>(N)) >> 32);
          }
          skip[s] = other == head ? 1 : 0;
          for (int d = 0; d < DIM; d++) ox[d][s] = load(Y + other * DIM + d);
        }
        avx2::umap_repel8(push, c, rows, skip, count, DIM, a, b, gamma, alpha);
      }
    } else {
      for (int64_t p = 0; p < n_neg; p++) {
        const int64_t other = static_cast<int64_t>(
            (static_cast<uint64_t>(mix32(base + static_cast<uint32_t>(p))) * static_cast<uint64_t>(N)) >> 32);
        if (other == head) continue;
        const float* op = Y + other * DIM;
        float diff[DIM];
        float r2 = 0;
        for (int d = 0; d < DIM; d++) {
          diff[d] = c[d] - load(op + d);
          r2 += diff[d] * diff[d];
        }
        if (r2 <= 0) continue;
        const float coeff = 2.0f * gamma * b / ((0.001f + r2) * (a * std::pow(r2, b) + 1.0f));
        for (int d = 0; d < DIM; d++) push[d] += clip4(coeff * diff[d]) * alpha;
      }
    }
    for (int d = 0; d < DIM; d++) c[d] += push[d];
    next_negative[e] += static_cast<double>(n_neg) * per_negative;
    for (int d = 0; d < DIM; d++) store(cur + d, c[d]);
  }

  template <int DIM>
  void epoch(int64_t E, int64_t n, float alpha, bool serial) {
    if (serial) {
      for (int64_t e = 0; e < E; e++) edge<DIM>(e, n, alpha);
    } else {
      parallel_for(E, 4096, [&](int64_t b0, int64_t e1) {
        for (int64_t e = b0; e < e1; e++) edge<DIM>(e, n, alpha);
      });
    }
  }
};

// umapMemberships(weights(N,k), dists(N,k), N, k, localConnectivity) -> rows that missed the tolerance
Napi::Value UmapMemberships(const Napi::CallbackInfo& info) {
  Args a(info, "umapMemberships");
  float* weights = a.f32(0);
  const float* dists = a.f32(1);
  const int64_t N = a.integer(2), k = a.integer(3);
  const double local = a.number(4);
  if (!a.ok()) return a.env().Undefined();
  return Napi::Number::New(a.env(), static_cast<double>(memberships(weights, dists, N, k, local)));
}

// umapEpochs(Y(N,dims), heads(E) i32, tails(E) i32, epochsPerSample(E) f64, nextSample(E) f64, nextNegative(E) f64,
//            E, N, dims, epochFrom, epochTo, nEpochs, a, b, gamma, negativeRate, initialAlpha, seed, deterministic)
// Runs epochs [epochFrom, epochTo) of nEpochs in place; the learning rate of epoch n is initialAlpha (1 - n/nEpochs).
Napi::Value UmapEpochs(const Napi::CallbackInfo& info) {
  Args a(info, "umapEpochs");
  bool ok = true;
  Layout L{};
  L.Y = a.f32(0);
  L.heads = a.i32(1);
  L.tails = a.i32(2);
  if (!a.ok()) return a.env().Undefined();
  L.per_sample = f64_arg(info, 3, "umapEpochs", &ok);
  L.next_sample = f64_arg(info, 4, "umapEpochs", &ok);
  L.next_negative = f64_arg(info, 5, "umapEpochs", &ok);
  if (!ok) return a.env().Undefined();
  const int64_t E = a.integer(6);
  L.N = a.integer(7);
  L.dims = static_cast<int>(a.integer(8));
  const int64_t from = a.integer(9), to = a.integer(10), n_epochs = a.integer(11);
  L.a = static_cast<float>(a.number(12));
  L.b = static_cast<float>(a.number(13));
  L.gamma = static_cast<float>(a.number(14));
  L.negative_rate = a.number(15);
  const double initial_alpha = a.number(16);
  L.seed = static_cast<uint32_t>(a.integer(17));
  const bool deterministic = a.boolean(18);
  if (!a.ok()) return a.env().Undefined();
  L.vector_repel = use_avx2();
  for (int64_t n = from; n < to; n++) {
    const float alpha = static_cast<float>(initial_alpha * (1.0 - static_cast<double>(n) / static_cast<double>(n_epochs)));
    const bool serial = deterministic || get_threads() == 1;
    if (L.dims == 2) {
      L.epoch<2>(E, n, alpha, serial);
    } else {
      L.epoch<3>(E, n, alpha, serial);
    }
  }
  return a.env().Undefined();
}

}  // namespace

void register_umap(Napi::Env env, Napi::Object exports) {
  exports.Set("umapMemberships", Napi::Function::New(env, UmapMemberships, "umapMemberships"));
  exports.Set("umapEpochs", Napi::Function::New(env, UmapEpochs, "umapEpochs"));
}

}  // namespace ak
