// Approximate k-nearest-neighbour graph by NN-descent (Dong, Moses & Li 2011): neighbours of neighbours are likely
// neighbours. A forest of random-projection trees gives every row a first guess (all pairs inside each leaf), then
// each round joins, for every row, its sampled "new" candidates with each other and with its "old" ones, offering every
// pair to both rows' k-heaps, until a round improves fewer than delta * N * k entries.
//
// Deterministic whatever the thread count: every random choice is a hash of indices (projection.h); work is cut into
// fixed chunks whose proposed heap updates are buffered per target partition and applied partition by partition in
// chunk order; and a heap keeps the k smallest (distance, index) pairs it was offered, whatever the order (knn_heap.h).
#include <algorithm>
#include <cmath>
#include <vector>

#include "distance.h"
#include "knn_heap.h"
#include "napi_args.h"
#include "projection.h"
#include "threadpool.h"

namespace ak {
namespace {

// Target partitions of the update buffers, and rows per local-join chunk and per block (a block's updates are applied
// before the next block generates its own, which bounds the buffers and lets later blocks see tighter heaps).
constexpr int kPartitions = 32;
constexpr int64_t kJoinChunk = 256;
constexpr int64_t kJoinBlock = 8192;
constexpr int64_t kLeafChunk = 64;

struct Update {
  int32_t target;
  int32_t source;
  float dist;
};

// One chunk's proposed updates, bucketed by target partition.
struct Buckets {
  std::vector<Update> part[kPartitions];
  void clear() {
    for (auto& p : part) p.clear();
  }
};

struct Knn {
  const float* X;
  int64_t N, D;
  int k;
  DistFn dist;
  std::vector<int32_t> idx;
  std::vector<float> dists;
  std::vector<uint8_t> flag;  // 1 = "new": not yet used in a local join as this row's candidate

  NeighborHeap heap(int64_t i) { return NeighborHeap{idx.data() + i * k, dists.data() + i * k, flag.data() + i * k, k}; }
  float worst(int64_t i) const { return dists[static_cast<size_t>(i * k)]; }
  int partition(int32_t target) const { return static_cast<int>(static_cast<int64_t>(target) * kPartitions / N); }

  void propose(Buckets& out, int32_t a, int32_t b) {
    if (a == b) return;
    const float d = dist(X + a * D, X + b * D, D);
    // the heaps are read-only while chunks propose: a pair that cannot enter a row's heap now is never buffered
    if (pair_less(d, b, worst(a), idx[static_cast<size_t>(a * k)])) out.part[partition(a)].push_back({a, b, d});
    if (pair_less(d, a, worst(b), idx[static_cast<size_t>(b * k)])) out.part[partition(b)].push_back({b, a, d});
  }

  // Applies the chunks' buffered updates, partition by partition in parallel, chunks in order. Returns the number of
  // heap entries that changed.
  int64_t apply(std::vector<Buckets>& chunks, int64_t used) {
    std::vector<int64_t> changed(kPartitions, 0);
    parallel_for(kPartitions, 1, [&](int64_t p0, int64_t p1) {
      for (int64_t p = p0; p < p1; p++) {
        int64_t c = 0;
        for (int64_t ch = 0; ch < used; ch++) {
          for (const Update& u : chunks[static_cast<size_t>(ch)].part[p]) {
            if (heap(u.target).push_unique(u.dist, u.source, 1)) c++;
          }
        }
        changed[static_cast<size_t>(p)] = c;
      }
    });
    int64_t total = 0;
    for (int64_t c : changed) total += c;
    return total;
  }
};

// One random-projection tree: a permutation of 0..N-1 whose leaves are contiguous ranges of at most leaf_size rows.
// A node splits by the hyperplane halfway between two of its rows picked by hash; a split that leaves a side empty
// (duplicates) falls back to halving the range.
void build_tree(const float* X, int64_t N, int64_t D, int64_t leaf_size, uint32_t seed, uint32_t tree,
                std::vector<int32_t>& perm, std::vector<int64_t>& leaves) {
  perm.resize(static_cast<size_t>(N));
  for (int64_t i = 0; i < N; i++) perm[static_cast<size_t>(i)] = static_cast<int32_t>(i);
  leaves.clear();
  std::vector<float> normal(static_cast<size_t>(D));
  std::vector<std::pair<int64_t, int64_t>> stack{{0, N}};
  while (!stack.empty()) {
    const auto [b, e] = stack.back();
    stack.pop_back();
    const int64_t n = e - b;
    if (n <= leaf_size) {
      leaves.push_back(b);
      continue;
    }
    const uint32_t h1 = mix_key(seed, tree, static_cast<uint32_t>(b), static_cast<uint32_t>(e));
    const int64_t ia = b + static_cast<int64_t>(h1 % static_cast<uint32_t>(n));
    int64_t ib = b + static_cast<int64_t>(mix32(h1) % static_cast<uint32_t>(n - 1));
    if (ib >= ia) ib++;
    const float* xa = X + perm[static_cast<size_t>(ia)] * D;
    const float* xb = X + perm[static_cast<size_t>(ib)] * D;
    double offset = 0;
    for (int64_t d = 0; d < D; d++) {
      normal[static_cast<size_t>(d)] = xa[d] - xb[d];
      offset += 0.5 * static_cast<double>(normal[static_cast<size_t>(d)]) * (xa[d] + xb[d]);
    }
    int64_t lo = b, hi = e - 1;
    while (lo <= hi) {
      const float* x = X + perm[static_cast<size_t>(lo)] * D;
      double s = 0;
      for (int64_t d = 0; d < D; d++) s += static_cast<double>(normal[static_cast<size_t>(d)]) * x[d];
      if (s > offset) {
        lo++;
      } else {
        std::swap(perm[static_cast<size_t>(lo)], perm[static_cast<size_t>(hi)]);
        hi--;
      }
    }
    int64_t mid = lo;
    if (mid == b || mid == e) mid = b + n / 2;
    stack.push_back({mid, e});
    stack.push_back({b, mid});
  }
  leaves.push_back(N);  // leaf l is [leaves[l], next leaf's start): leaves come out in ascending order
  std::sort(leaves.begin(), leaves.end());
}

// Candidate lists of one round: per row up to `cap` (priority, index) pairs with the smallest priorities, kept as a
// bounded max-heap so the result does not depend on the order entries arrive in.
struct Candidates {
  int cap;
  std::vector<int32_t> idx;
  std::vector<float> pri;
  std::vector<int32_t> count;

  void reset(int64_t N, int c) {
    cap = c;
    idx.assign(static_cast<size_t>(N * cap), -1);
    pri.assign(static_cast<size_t>(N * cap), 0.0f);
    count.assign(static_cast<size_t>(N), 0);
  }

  void offer(int64_t row, float p, int32_t j) {
    int32_t* ids = idx.data() + row * cap;
    float* ps = pri.data() + row * cap;
    int32_t& n = count[static_cast<size_t>(row)];
    for (int s = 0; s < n; s++) {
      if (ids[s] == j) return;
    }
    if (n < cap) {
      // sift up into the max-heap
      int s = n++;
      while (s > 0) {
        const int parent = (s - 1) / 2;
        if (!pair_less(ps[parent], ids[parent], p, j)) break;
        ps[s] = ps[parent];
        ids[s] = ids[parent];
        s = parent;
      }
      ps[s] = p;
      ids[s] = j;
      return;
    }
    NeighborHeap{ids, ps, nullptr, cap}.push(p, j);
  }
};

int64_t nn_descent(Knn& g, uint32_t seed, int max_iterations, int max_candidates, int64_t n_trees) {
  const int64_t N = g.N, k = g.k;
  for (int64_t i = 0; i < N; i++) g.heap(i).clear();

  // 1. Random-projection forest: every pair inside a leaf is offered to both rows.
  const int64_t leaf_size = std::max<int64_t>(k, 16);
  std::vector<std::vector<int32_t>> perms(static_cast<size_t>(n_trees));
  std::vector<std::vector<int64_t>> leaves(static_cast<size_t>(n_trees));
  parallel_for(n_trees, 1, [&](int64_t t0, int64_t t1) {
    for (int64_t t = t0; t < t1; t++) {
      build_tree(g.X, N, g.D, leaf_size, seed, static_cast<uint32_t>(t), perms[static_cast<size_t>(t)],
                 leaves[static_cast<size_t>(t)]);
    }
  });
  std::vector<Buckets> chunks;
  for (int64_t t = 0; t < n_trees; t++) {
    const std::vector<int32_t>& perm = perms[static_cast<size_t>(t)];
    const std::vector<int64_t>& starts = leaves[static_cast<size_t>(t)];
    const int64_t n_leaves = static_cast<int64_t>(starts.size()) - 1;
    const int64_t n_chunks = (n_leaves + kLeafChunk - 1) / kLeafChunk;
    if (static_cast<int64_t>(chunks.size()) < n_chunks) chunks.resize(static_cast<size_t>(n_chunks));
    parallel_for(n_chunks, 1, [&](int64_t c0, int64_t c1) {
      for (int64_t c = c0; c < c1; c++) {
        Buckets& out = chunks[static_cast<size_t>(c)];
        out.clear();
        for (int64_t l = c * kLeafChunk; l < std::min(n_leaves, (c + 1) * kLeafChunk); l++) {
          for (int64_t a = starts[static_cast<size_t>(l)]; a < starts[static_cast<size_t>(l + 1)]; a++) {
            for (int64_t b = a + 1; b < starts[static_cast<size_t>(l + 1)]; b++) {
              g.propose(out, perm[static_cast<size_t>(a)], perm[static_cast<size_t>(b)]);
            }
          }
        }
      }
    });
    g.apply(chunks, n_chunks);
  }

  // 2. NN-descent rounds.
  Candidates fresh, old;
  const int64_t threshold = std::max<int64_t>(1, static_cast<int64_t>(0.001 * static_cast<double>(N * k)));
  int iteration = 0;
  while (iteration < max_iterations) {
    fresh.reset(N, max_candidates);
    old.reset(N, max_candidates);
    // Each row's list takes its forward and reverse neighbours; a pair's priority is a hash of the pair and round, so
    // a row's list is the same whichever partition thread fills it. Thread p fills only rows of partition p.
    // Four scans of the edges, each filling a quarter of the partitions.
    parallel_for(kPartitions, kPartitions / 4, [&](int64_t p0, int64_t p1) {
      for (int64_t i = 0; i < N; i++) {
        const int pi = g.partition(static_cast<int32_t>(i));
        const bool mine = pi >= p0 && pi < p1;
        for (int64_t s = 0; s < k; s++) {
          const int32_t j = g.idx[static_cast<size_t>(i * k + s)];
          if (j < 0) continue;
          const int pj = g.partition(j);
          const bool theirs = pj >= p0 && pj < p1;
          if (!mine && !theirs) continue;
          const uint32_t lo = static_cast<uint32_t>(std::min<int64_t>(i, j)), hi = static_cast<uint32_t>(std::max<int64_t>(i, j));
          const float pr = unit_float(mix_key(seed ^ 0x5bd1e995U, static_cast<uint32_t>(iteration), lo, hi));
          Candidates& list = g.flag[static_cast<size_t>(i * k + s)] ? fresh : old;
          if (mine) list.offer(i, pr, j);
          if (theirs) list.offer(j, pr, static_cast<int32_t>(i));
        }
      }
    });
    // New neighbours that made it into their row's list become old.
    parallel_for(N, 1024, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; i++) {
        const int32_t* ids = fresh.idx.data() + i * fresh.cap;
        const int32_t n = fresh.count[static_cast<size_t>(i)];
        for (int64_t s = 0; s < k; s++) {
          uint8_t& f = g.flag[static_cast<size_t>(i * k + s)];
          if (!f) continue;
          const int32_t j = g.idx[static_cast<size_t>(i * k + s)];
          for (int c = 0; c < n; c++) {
            if (ids[c] == j) {
              f = 0;
              break;
            }
          }
        }
      }
    });
    int64_t changed = 0;
    for (int64_t b0 = 0; b0 < N; b0 += kJoinBlock) {
      const int64_t b1 = std::min(N, b0 + kJoinBlock);
      const int64_t n_chunks = (b1 - b0 + kJoinChunk - 1) / kJoinChunk;
      if (static_cast<int64_t>(chunks.size()) < n_chunks) chunks.resize(static_cast<size_t>(n_chunks));
      parallel_for(n_chunks, 1, [&](int64_t c0, int64_t c1) {
        for (int64_t c = c0; c < c1; c++) {
          Buckets& out = chunks[static_cast<size_t>(c)];
          out.clear();
          for (int64_t v = b0 + c * kJoinChunk; v < std::min(b1, b0 + (c + 1) * kJoinChunk); v++) {
            const int32_t* nw = fresh.idx.data() + v * fresh.cap;
            const int32_t* od = old.idx.data() + v * old.cap;
            const int32_t nn = fresh.count[static_cast<size_t>(v)], no = old.count[static_cast<size_t>(v)];
            for (int a = 0; a < nn; a++) {
              for (int b = a + 1; b < nn; b++) g.propose(out, nw[a], nw[b]);
              for (int b = 0; b < no; b++) g.propose(out, nw[a], od[b]);
            }
          }
        }
      });
      changed += g.apply(chunks, n_chunks);
    }
    iteration++;
    if (changed <= threshold) break;
  }
  return iteration;
}

// knnDescent(indices(N,k) i32, distances(N,k), X(N,D), N, D, k, metric, seed, maxIterations, maxCandidates, trees)
// -> the number of NN-descent rounds run. Rows ascending by (distance, index); distances as knnGraph reports them.
Napi::Value KnnDescent(const Napi::CallbackInfo& info) {
  Args a(info, "knnDescent");
  int32_t* indices = a.i32(0);
  float* distances = a.f32(1);
  const float* X = a.f32(2);
  const int64_t N = a.integer(3), D = a.integer(4), k = a.integer(5), metric = a.integer(6);
  const int64_t seed = a.integer(7), max_iterations = a.integer(8), max_candidates = a.integer(9), trees = a.integer(10);
  if (!a.ok()) return a.env().Undefined();
  std::vector<float> unit;
  if (metric == kCosine) {
    unit.resize(static_cast<size_t>(N * D));
    normalize_rows(unit.data(), X, N, D);
    X = unit.data();
  }
  Knn g;
  g.X = X;
  g.N = N;
  g.D = D;
  g.k = static_cast<int>(k);
  g.dist = dist_fn(static_cast<Metric>(metric));
  g.idx.resize(static_cast<size_t>(N * k));
  g.dists.resize(static_cast<size_t>(N * k));
  g.flag.resize(static_cast<size_t>(N * k));
  const int64_t rounds = nn_descent(g, static_cast<uint32_t>(seed),
                                    static_cast<int>(max_iterations), static_cast<int>(max_candidates), trees);
  parallel_for(N, 256, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; i++) {
      NeighborHeap h = g.heap(i);
      h.flag = nullptr;
      h.sort_ascending();
      for (int64_t s = 0; s < k; s++) {
        indices[i * k + s] = h.idx[s];
        distances[i * k + s] = reported_distance(static_cast<Metric>(metric), h.dist[s]);
      }
    }
  });
  return Napi::Number::New(a.env(), static_cast<double>(rounds));
}

}  // namespace

void register_nndescent(Napi::Env env, Napi::Object exports) {
  exports.Set("knnDescent", Napi::Function::New(env, KnnDescent, "knnDescent"));
}

}  // namespace ak
