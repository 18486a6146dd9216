// GloVe training shared by glove.cc (N-API side, threads) and its per-ISA loops in glove_impl.h. The JS reference is
// native-kernels/js/glove.ts.
//
// For a co-occurrence record (i, j, x): d = w_i . wt_j + b_i + bt_j - log x, weight f = min(1, (x / x_max)^alpha);
// the objective is J = sum f d^2 (Pennington et al. 2014, eq. 8). A step follows the gradient of f d^2 / 2 (the
// reference tool's scale), g = f d, with AdaGrad: for each parameter p with gradient g_p (clipped to +-grad_clip),
// G_p += g_p^2, then p -= eta g_p / sqrt(G_p); every G starts at 1. Both vectors' steps use the values before either.
#pragma once

#include <cstdint>

namespace ak {

struct GloveBuffers {
  float* w;          // (V, D) word vectors
  float* wt;         // (V, D) context vectors (W tilde)
  float* b;          // (V) word biases
  float* bt;         // (V) context biases
  float* gw;         // (V, D) AdaGrad sums of squared gradients, for w, wt, b, bt
  float* gwt;        // (V, D)
  float* gb;         // (V)
  float* gbt;        // (V)
  const int32_t* rows;  // (n) i of each record
  const int32_t* cols;  // (n) j
  const float* vals;    // (n) x = X_ij > 0
};

struct GloveOptions {
  int64_t V, D;
  double x_max, alpha, eta, grad_clip;
};

namespace portable {
// Trains records [r0, r1) in order; returns sum f d^2 over them, each d taken before its record's step.
double glove_train_range(const GloveBuffers& b, const GloveOptions& o, int64_t r0, int64_t r1);
// sum f d^2 over records [r0, r1) at the current parameters (nothing changes).
double glove_cost_range(const GloveBuffers& b, const GloveOptions& o, int64_t r0, int64_t r1);
}  // namespace portable
namespace avx2 {
double glove_train_range(const GloveBuffers& b, const GloveOptions& o, int64_t r0, int64_t r1);
double glove_cost_range(const GloveBuffers& b, const GloveOptions& o, int64_t r0, int64_t r1);
}  // namespace avx2

}  // namespace ak
