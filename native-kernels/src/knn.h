// k-nearest-neighbour search for the projections: exact (brute force over GEMM tiles) and approximate (NN-descent).
#pragma once

#include <cstdint>

#include "projection.h"

namespace ak {

// indices(Q,k), distances(Q,k): each query row's k nearest rows of X(N,D), ascending by (distance, index); distances
// are euclidean, or 1 - cos for kCosine. exclude_self: queries == X's rows 0..Q-1 and row q is not its own neighbour.
void knn_exact(int32_t* indices, float* distances, const float* queries, const float* X, int64_t Q, int64_t N,
               int64_t D, int k, Metric metric, bool exclude_self);

}  // namespace ak
