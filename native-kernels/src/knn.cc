// Exact k nearest neighbours by brute force: distances of a block of queries to a block of rows as one GEMM
// (|q|^2 + |x|^2 - 2 q.x, or 1 - q.x for unit rows), each query's k best kept in a bounded heap, and the winners'
// distances recomputed directly at the end (the GEMM form loses digits for near neighbours). Serves the kNN graph of
// small sets (t-SNE's P up to ~20k rows) and the projector's "neighbours of this point" queries.
#include <algorithm>
#include <cmath>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "distance.h"
#include "knn.h"
#include "gemm.h"
#include "knn_heap.h"  // pair_less
#include "napi_args.h"
#include "projection.h"
#include "threadpool.h"

namespace ak {

// Whether any of the 16 floats at v is <= t (NaN never is).
static inline bool any_at_most(const float* v, float t) {
#if defined(__SSE2__)
  const __m128 tv = _mm_set1_ps(t);
  const __m128 a = _mm_or_ps(_mm_cmple_ps(_mm_loadu_ps(v), tv), _mm_cmple_ps(_mm_loadu_ps(v + 4), tv));
  const __m128 b = _mm_or_ps(_mm_cmple_ps(_mm_loadu_ps(v + 8), tv), _mm_cmple_ps(_mm_loadu_ps(v + 12), tv));
  return _mm_movemask_ps(_mm_or_ps(a, b)) != 0;
#else
  bool any = false;
  for (int i = 0; i < 16; i++) any |= v[i] <= t;
  return any;
#endif
}

// Query rows per GEMM block and data rows per GEMM block: a 256 x 2048 float tile (2 MiB) stays in L2/L3.
constexpr int64_t kQueryBlock = 256;
constexpr int64_t kRowBlock = 2048;

void knn_exact(int32_t* indices, float* distances, const float* queries, const float* X, int64_t Q, int64_t N,
               int64_t D, int k, Metric metric, bool exclude_self) {
  std::vector<float> qcopy, xcopy;
  if (metric == kCosine) {
    xcopy.resize(static_cast<size_t>(N * D));
    normalize_rows(xcopy.data(), X, N, D);
    if (queries == X) {
      queries = xcopy.data();
    } else {
      qcopy.resize(static_cast<size_t>(Q * D));
      normalize_rows(qcopy.data(), queries, Q, D);
      queries = qcopy.data();
    }
    X = xcopy.data();
  }
  std::vector<float> xnorm(static_cast<size_t>(N)), qnorm(static_cast<size_t>(Q));
  if (metric == kEuclidean) {
    parallel_for(N, 4096, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; i++) {
        float s = 0;
        for (int64_t d = 0; d < D; d++) s += X[i * D + d] * X[i * D + d];
        xnorm[i] = s;
      }
    });
    parallel_for(Q, 4096, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; i++) {
        float s = 0;
        for (int64_t d = 0; d < D; d++) s += queries[i * D + d] * queries[i * D + d];
        qnorm[i] = s;
      }
    });
  }
  // Per query row, a buffer of candidates below its threshold: appending is cheap, and when the buffer holds 4k the
  // k best are kept (nth_element) and the k-th becomes the new threshold. Pushing into a k-heap instead costs a
  // sift per candidate, and rows whose nearest rows come late (cluster-ordered data) push thousands of them.
  struct Cand {
    float d;
    int32_t j;
  };
  const auto before = [](const Cand& x, const Cand& y) { return pair_less(x.d, x.j, y.d, y.j); };
  const size_t keep = static_cast<size_t>(k), full = 4 * static_cast<size_t>(k) + 64;
  const DistFn dist = dist_fn(metric);
  std::vector<float> tile(static_cast<size_t>(kQueryBlock * kRowBlock));
  std::vector<std::vector<Cand>> cands(static_cast<size_t>(kQueryBlock));
  std::vector<float> thresholds(static_cast<size_t>(kQueryBlock));
  for (int64_t q0 = 0; q0 < Q; q0 += kQueryBlock) {
    const int64_t qb = std::min(kQueryBlock, Q - q0);
    for (int64_t r = 0; r < qb; r++) {
      cands[static_cast<size_t>(r)].clear();
      thresholds[static_cast<size_t>(r)] = INFINITY;
    }
    for (int64_t n0 = 0; n0 < N; n0 += kRowBlock) {
      const int64_t nb = std::min(kRowBlock, N - n0);
      sgemm(false, true, qb, nb, D, 1.0f, queries + q0 * D, D, X + n0 * D, D, 0.0f, tile.data(), nb, nullptr);
      parallel_for(qb, 8, [&](int64_t b, int64_t e) {
        std::vector<float> row(static_cast<size_t>(nb));
        for (int64_t r = b; r < e; r++) {
          const int64_t q = q0 + r;
          const float* dots = tile.data() + r * nb;
          // the row's distances first (a branch-free loop the compiler vectorises), then one pass that keeps the
          // few below the row's threshold
          if (metric == kCosine) {
            for (int64_t c = 0; c < nb; c++) row[static_cast<size_t>(c)] = 1.0f - dots[c];
          } else {
            const float qn = qnorm[static_cast<size_t>(q)];
            const float* xn = xnorm.data() + n0;
            for (int64_t c = 0; c < nb; c++) row[static_cast<size_t>(c)] = qn + xn[c] - 2.0f * dots[c];
          }
          if (exclude_self && q >= n0 && q < n0 + nb) row[static_cast<size_t>(q - n0)] = INFINITY;
          std::vector<Cand>& list = cands[static_cast<size_t>(r)];
          float t = thresholds[static_cast<size_t>(r)];
          for (int64_t c = 0; c < nb; c++) {
            // once the threshold has settled few distances pass it: skip 16 at a time when none does
            if ((c & 15) == 0 && c + 16 <= nb && !any_at_most(row.data() + c, t)) {
              c += 15;
              continue;
            }
            const float d = row[static_cast<size_t>(c)];
            if (d <= t && d < INFINITY) {
              list.push_back({d > 0 ? d : 0.0f, static_cast<int32_t>(n0 + c)});
              if (list.size() >= full) {
                std::nth_element(list.begin(), list.begin() + static_cast<int64_t>(keep - 1), list.end(), before);
                list.resize(keep);
                t = list[keep - 1].d;
              }
            }
          }
          thresholds[static_cast<size_t>(r)] = t;
        }
      });
    }
    // The k best of each row with their distances recomputed directly (the GEMM form loses digits for near
    // neighbours), ascending by (distance, index).
    parallel_for(qb, 16, [&](int64_t b, int64_t e) {
      for (int64_t r = b; r < e; r++) {
        const int64_t q = q0 + r;
        std::vector<Cand>& list = cands[static_cast<size_t>(r)];
        if (list.size() > keep) {
          std::nth_element(list.begin(), list.begin() + static_cast<int64_t>(keep - 1), list.end(), before);
          list.resize(keep);
        }
        for (Cand& c : list) c.d = std::max(0.0f, dist(queries + q * D, X + static_cast<int64_t>(c.j) * D, D));
        std::sort(list.begin(), list.end(), before);
        for (size_t s = 0; s < keep; s++) {
          indices[q * k + static_cast<int64_t>(s)] = s < list.size() ? list[s].j : -1;
          distances[q * k + static_cast<int64_t>(s)] = s < list.size() ? reported_distance(metric, list[s].d) : INFINITY;
        }
      }
    });
  }
}

namespace {

// knnGraph(indices(N,k) i32, distances(N,k), X(N,D), N, D, k, metric): each row's k nearest other rows.
Napi::Value KnnGraph(const Napi::CallbackInfo& info) {
  Args a(info, "knnGraph");
  int32_t* indices = a.i32(0);
  float* distances = a.f32(1);
  const float* X = a.f32(2);
  const int64_t N = a.integer(3), D = a.integer(4), k = a.integer(5), metric = a.integer(6);
  if (!a.ok()) return a.env().Undefined();
  knn_exact(indices, distances, X, X, N, N, D, static_cast<int>(k), static_cast<Metric>(metric), true);
  return a.env().Undefined();
}

// knnQuery(indices(Q,k) i32, distances(Q,k), queries(Q,D), X(N,D), Q, N, D, k, metric): each query's k nearest rows.
Napi::Value KnnQuery(const Napi::CallbackInfo& info) {
  Args a(info, "knnQuery");
  int32_t* indices = a.i32(0);
  float* distances = a.f32(1);
  const float* queries = a.f32(2);
  const float* X = a.f32(3);
  const int64_t Q = a.integer(4), N = a.integer(5), D = a.integer(6), k = a.integer(7), metric = a.integer(8);
  if (!a.ok()) return a.env().Undefined();
  knn_exact(indices, distances, queries, X, Q, N, D, static_cast<int>(k), static_cast<Metric>(metric), false);
  return a.env().Undefined();
}

}  // namespace

void register_knn(Napi::Env env, Napi::Object exports) {
  exports.Set("knnGraph", Napi::Function::New(env, KnnGraph, "knnGraph"));
  exports.Set("knnQuery", Napi::Function::New(env, KnnQuery, "knnQuery"));
  register_nndescent(env, exports);
}

}  // namespace ak
