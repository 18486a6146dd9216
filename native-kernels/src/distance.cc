// Picks the row distance of the active instruction set (portable here, AVX2 in distance_avx2.cc); row normalisation.
#include "distance.h"

#include <cmath>

#include "cpu.h"
#include "threadpool.h"

#define AK_ISA_NS portable
#include "distance_impl.h"
#undef AK_ISA_NS

namespace ak {
namespace avx2 {
float sq_dist(const float* a, const float* b, int64_t D);
float cos_dist(const float* a, const float* b, int64_t D);
}  // namespace avx2

DistFn dist_fn(Metric metric) {
  if (metric == kCosine) return use_avx2() ? avx2::cos_dist : portable::cos_dist;
  return use_avx2() ? avx2::sq_dist : portable::sq_dist;
}

int64_t normalize_rows(float* out, const float* X, int64_t N, int64_t D) {
  int64_t zero = 0;
  for (int64_t i = 0; i < N; i++) {
    double s = 0;
    for (int64_t d = 0; d < D; d++) s += static_cast<double>(X[i * D + d]) * X[i * D + d];
    const float inv = s > 0 ? static_cast<float>(1.0 / std::sqrt(s)) : 0.0f;
    if (s == 0) zero++;
    for (int64_t d = 0; d < D; d++) out[i * D + d] = X[i * D + d] * inv;
  }
  return zero;
}

}  // namespace ak
