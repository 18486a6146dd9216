// t-SNE's attraction per instruction set: for rows [b, e) of the sparse P (CSR), attr_i = sum_j p_ij K_ij (y_i - y_j)
// with K_ij = 1 / (1 + |y_i - y_j|^2), written into attr(N,DIM); with want_kl it returns the rows' share of the KL,
// sum p_ij log(p_ij / K_ij) over entries with p_ij > 0 (else 0).
#pragma once

#include <cstdint>

namespace ak {
namespace avx2 {

// tsne_attract_avx2.cc: 8 entries of a row at once. dims is 2 or 3.
double tsne_attract(float* attr, const float* Y, const int32_t* row_ptr, const int32_t* cols, const float* vals, int dims,
                    bool want_kl, int64_t b, int64_t e);

}  // namespace avx2
}  // namespace ak
