// t-SNE's attraction per instruction set: for rows [b, e) of the sparse P (CSR), attr_i = sum_j p_ij K_ij (y_i - y_j)
// with K_ij = 1 / (1 + |y_i - y_j|^2), written into grad(N,DIM) as 4 (exaggeration attr_i - rep_i inv_z).
#pragma once

#include <cstdint>

namespace ak {
namespace avx2 {

// tsne_attract_avx2.cc: 8 entries of a row at once, their coordinates gathered. dims is 2 or 3.
void tsne_attract(float* grad, const float* Y, const int32_t* row_ptr, const int32_t* cols, const float* vals,
                  const float* rep, int dims, float exaggeration, float inv_z, int64_t b, int64_t e);

}  // namespace avx2
}  // namespace ak
