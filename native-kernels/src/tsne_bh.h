// t-SNE's repulsive forces: for every point i of Y(N,DIM), z_i = sum_j K_ij and rep_i = sum_j K_ij^2 (y_i - y_j) with
// the Student-t kernel K_ij = 1 / (1 + |y_i - y_j|^2) (j == i included: it adds 1 to z_i and nothing to rep_i).
// Exact (every pair) or by a grouped Barnes-Hut tree (tsne_bh.cc).
#pragma once

#include <cstdint>
#include <memory>

namespace ak {

// z(N) and rep(N,dims) written; dims is 2 or 3. theta 0: every pair exactly; theta > 0: grouped Barnes-Hut with
// opening angle theta. Deterministic for any thread count.
void tsne_repulsion(float* z, float* rep, const float* Y, int64_t N, int dims, float theta);
// The same with theta 0 (every pair, rows spread over the pool).
void tsne_repulsion_exact(float* z, float* rep, const float* Y, int64_t N, int dims);

// tsne_repulsion's Barnes-Hut in two halves, so a caller can overlap the serial half with other work:
// build() makes the tree of Y(N,dims) and walks its top (serial, safe inside a pool task; Y must stay unchanged until
// repulse), repulse() writes z(N) and rep(N,dims) with the groups spread over the pool. Same results as
// tsne_repulsion; the object keeps its buffers between steps.
class BarnesHut {
 public:
  BarnesHut();
  ~BarnesHut();
  void build(const float* Y, int64_t N, int dims, float theta);
  void repulse(float* z, float* rep);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The interaction loop of one group of points with one list, per instruction set (tsne_bh_impl.h): for each of the
// `count` points at (px[d][i]), z[i] and rep[i*dims + d] are ADDED the sums over the list's n entries (positions
// lx[d][l], masses lm[l]; n a multiple of 8, padding entries have mass 0).
using InteractFn = void (*)(float* z, float* rep, const float* const* px, int count, const float* const* lx,
                            const float* lm, int64_t n);
InteractFn interact_fn(int dims);

}  // namespace ak
