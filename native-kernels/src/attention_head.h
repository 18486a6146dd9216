// Row-wise softmax parts of attention for one (batch, head), included once per instruction set (AK_ISA_NS = portable
// | avx2) so each build vectorizes them. The four matrix products around them go through sgemm (attention.cc).
// Pointers arrive offset to one head's (T,T) block.

#include <cmath>
#include <cstdint>

#include "vecmath.h"

#ifndef AK_ISA_NS
#error "define AK_ISA_NS before including attention_head.h"
#endif

namespace ak {
namespace AK_ISA_NS {

// att = softmax over visible keys of preatt, row by row. Key j is visible to query i unless causal and j > i, or
// key_mask[j] == 0 (key_mask is this batch's (T) row, or null). Masked probabilities are exactly 0; a row with no
// visible key is all 0. visible: T floats of scratch.
void attention_softmax(float* att, const float* preatt, const uint8_t* key_mask, bool causal, int64_t T,
                       float* visible) {
  for (int64_t i = 0; i < T; i++) {
    const float* row = preatt + i * T;
    float mx = -INFINITY;
    for (int64_t j = 0; j < T; j++) {
      visible[j] = (causal && j > i) || (key_mask != nullptr && key_mask[j] == 0) ? 0.0f : 1.0f;
      if (visible[j] != 0.0f && row[j] > mx) mx = row[j];
    }
    // exp_fast clamps its argument, so masked keys (even when every key is masked and mx is -inf) give a finite
    // value that the 0 visibility turns into an exact 0.
    float* arow = att + i * T;
    for (int64_t j = 0; j < T; j++) arow[j] = exp_fast(row[j] - mx) * visible[j];
    float sum = 0.0f;
    for (int64_t j = 0; j < T; j++) sum += arow[j];
    const float inv = sum > 0.0f ? 1.0f / sum : 0.0f;
    for (int64_t j = 0; j < T; j++) arow[j] *= inv;
  }
}

// Softmax backward: dpreatt_ij = att_ij (datt_ij - sum_k att_ik datt_ik); masked entries (att 0) get exactly 0.
void attention_softmax_backward(float* dpreatt, const float* att, const float* datt, int64_t T) {
  for (int64_t i = 0; i < T; i++) {
    const float* a = att + i * T;
    const float* da = datt + i * T;
    float* dp = dpreatt + i * T;
    float inner = 0.0f;
    for (int64_t j = 0; j < T; j++) inner += a[j] * da[j];
    for (int64_t j = 0; j < T; j++) dp[j] = a[j] * (da[j] - inner);
  }
}

}  // namespace AK_ISA_NS
}  // namespace ak
