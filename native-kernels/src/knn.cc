// Exact k nearest neighbours by brute force: distances of a block of queries to a block of rows as one GEMM
// (|q|^2 + |x|^2 - 2 q.x, or 1 - q.x for unit rows), each query's k best kept in a bounded heap, and the winners'
// distances recomputed directly at the end (the GEMM form loses digits for near neighbours). Serves the kNN graph of
// small sets (t-SNE's P up to ~20k rows) and the projector's "neighbours of this point" queries.
#include <algorithm>
#include <cmath>
#include <vector>

#include "distance.h"
#include "knn.h"
#include "gemm.h"
#include "knn_heap.h"
#include "napi_args.h"
#include "projection.h"
#include "threadpool.h"

namespace ak {

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
  for (int64_t q = 0; q < Q; q++) NeighborHeap{indices + q * k, distances + q * k, nullptr, k}.clear();
  std::vector<float> tile(static_cast<size_t>(kQueryBlock * kRowBlock));
  for (int64_t q0 = 0; q0 < Q; q0 += kQueryBlock) {
    const int64_t qb = std::min(kQueryBlock, Q - q0);
    for (int64_t n0 = 0; n0 < N; n0 += kRowBlock) {
      const int64_t nb = std::min(kRowBlock, N - n0);
      sgemm(false, true, qb, nb, D, 1.0f, queries + q0 * D, D, X + n0 * D, D, 0.0f, tile.data(), nb, nullptr);
      parallel_for(qb, 8, [&](int64_t b, int64_t e) {
        for (int64_t r = b; r < e; r++) {
          const int64_t q = q0 + r;
          NeighborHeap heap{indices + q * k, distances + q * k, nullptr, k};
          const float* dots = tile.data() + r * nb;
          for (int64_t c = 0; c < nb; c++) {
            const int64_t j = n0 + c;
            if (exclude_self && j == q) continue;
            float dist = metric == kCosine ? 1.0f - dots[c] : qnorm[q] + xnorm[j] - 2.0f * dots[c];
            dist = dist > 0 ? dist : 0.0f;
            if (dist <= heap.worst()) heap.push(dist, static_cast<int32_t>(j));
          }
        }
      });
    }
  }
  // Exact distances of the winners, then ascending order.
  const DistFn dist = dist_fn(metric);
  parallel_for(Q, 64, [&](int64_t b, int64_t e) {
    for (int64_t q = b; q < e; q++) {
      NeighborHeap heap{indices + q * k, distances + q * k, nullptr, k};
      for (int s = 0; s < k; s++) {
        const int32_t j = heap.idx[s];
        if (j >= 0) heap.dist[s] = std::max(0.0f, dist(queries + q * D, X + j * D, D));
      }
      // re-heapify under the exact distances, then sort
      for (int s = k / 2 - 1; s >= 0; s--) {
        int p = s;
        for (;;) {
          const int l = 2 * p + 1, r = l + 1;
          int big = p;
          if (l < k && pair_less(heap.dist[big], heap.idx[big], heap.dist[l], heap.idx[l])) big = l;
          if (r < k && pair_less(heap.dist[big], heap.idx[big], heap.dist[r], heap.idx[r])) big = r;
          if (big == p) break;
          std::swap(heap.dist[p], heap.dist[big]);
          std::swap(heap.idx[p], heap.idx[big]);
          p = big;
        }
      }
      heap.sort_ascending();
      for (int s = 0; s < k; s++) heap.dist[s] = reported_distance(metric, heap.dist[s]);
    }
  });
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
