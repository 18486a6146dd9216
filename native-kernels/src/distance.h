// Row distances on the active instruction set for the kNN kernels: squared euclidean, or 1 - a.b for unit rows.
#pragma once

#include <cstdint>

#include "projection.h"

namespace ak {

using DistFn = float (*)(const float* a, const float* b, int64_t D);

// The kernel's ranking distance for `metric` (squared euclidean, or cosine distance of unit rows), AVX2+FMA when
// use_avx2(); fetch it once per kernel call.
DistFn dist_fn(Metric metric);

// Unit-length copies of rows (N,D) for the cosine metric (a zero row stays zero). Returns the number of zero rows.
int64_t normalize_rows(float* out, const float* X, int64_t N, int64_t D);

// The distance a kernel reports for a ranking distance r: euclidean sqrt(r), cosine r itself.
inline float reported_distance(Metric metric, float r) {
  if (metric == kCosine) return r;
  return r > 0 ? __builtin_sqrtf(r) : 0.0f;
}

}  // namespace ak
