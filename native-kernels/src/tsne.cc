// t-SNE kernels: the input affinities (a binary search per row for the Gaussian precision that gives the asked
// perplexity), the sparse symmetrisation shared with UMAP (sum for t-SNE, fuzzy union for UMAP), the KL gradient
// (attraction over the sparse P, repulsion exact or by Barnes-Hut, tsne_bh.cc) and the optimiser loop (momentum and
// per-coordinate gains as in van der Maaten's reference and scikit-learn), which runs a few iterations per call so the
// caller can show every frame.
#include <algorithm>
#include <cmath>
#include <vector>

#include "napi_args.h"
#include "projection.h"
#include "cpu.h"
#include "threadpool.h"
#include "tsne_attract.h"
#include "tsne_bh.h"

namespace ak {
namespace {

// P(N,k): row i's conditional p_{j|i} = exp(-beta_i d_ij) / sum over its k neighbours, beta_i found by bisection so
// the row's entropy is log(perplexity) (nats) within 1e-5, 100 steps at most. dists(N,k) are the affinity distances
// (squared euclidean for the euclidean metric). Returns how many rows missed the tolerance.
int64_t conditional_p(float* P, const float* dists, int64_t N, int64_t k, double perplexity) {
  const double target = std::log(perplexity);
  std::vector<int64_t> missed(static_cast<size_t>((N + 255) / 256), 0);
  parallel_for(N, 256, [&](int64_t b, int64_t e) {
    std::vector<double> p(static_cast<size_t>(k));
    int64_t miss = 0;
    for (int64_t i = b; i < e; i++) {
      const float* d = dists + i * k;
      double beta = 1.0, lo = -INFINITY, hi = INFINITY, sum = 0;
      bool ok = false;
      for (int step = 0; step < 100; step++) {
        sum = 0;
        double dsum = 0;
        for (int64_t j = 0; j < k; j++) {
          p[static_cast<size_t>(j)] = std::exp(-static_cast<double>(d[j]) * beta);
          sum += p[static_cast<size_t>(j)];
        }
        if (sum == 0) sum = 1e-8;
        for (int64_t j = 0; j < k; j++) dsum += d[j] * (p[static_cast<size_t>(j)] / sum);
        const double diff = std::log(sum) + beta * dsum - target;
        if (std::fabs(diff) <= 1e-5) {
          ok = true;
          break;
        }
        if (diff > 0) {
          lo = beta;
          beta = hi == INFINITY ? beta * 2 : (beta + hi) / 2;
        } else {
          hi = beta;
          beta = lo == -INFINITY ? beta / 2 : (beta + lo) / 2;
        }
      }
      if (!ok) miss++;
      for (int64_t j = 0; j < k; j++) P[i * k + j] = static_cast<float>(p[static_cast<size_t>(j)] / sum);
    }
    missed[static_cast<size_t>(b / 256)] = miss;
  });
  int64_t total = 0;
  for (int64_t m : missed) total += m;
  return total;
}

// The symmetric sparse matrix of a directed kNN weight graph W (row i: weights(i,s) on indices(i,s)) in CSR, columns
// ascending. mode 0 (t-SNE): (W + W^T) / sum of all; mode 1 (UMAP fuzzy union): W + W^T - W o W^T. Entries <= 0 and
// self loops are dropped. cols and vals need room for 2 N k entries. Returns the number of entries.
int64_t symmetrize(int32_t* row_ptr, int32_t* cols, float* vals, const int32_t* indices, const float* weights,
                   int64_t N, int64_t k, int mode) {
  // Reverse adjacency: for each j, the rows i that list it, with w_ij.
  std::vector<int32_t> rev_ptr(static_cast<size_t>(N + 1), 0);
  for (int64_t e = 0; e < N * k; e++) {
    const int32_t j = indices[e];
    if (j >= 0 && j < N) rev_ptr[static_cast<size_t>(j) + 1]++;
  }
  for (int64_t j = 0; j < N; j++) rev_ptr[static_cast<size_t>(j + 1)] += rev_ptr[static_cast<size_t>(j)];
  std::vector<int32_t> rev_src(static_cast<size_t>(rev_ptr[static_cast<size_t>(N)]));
  std::vector<float> rev_w(rev_src.size());
  {
    std::vector<int32_t> fill(rev_ptr.begin(), rev_ptr.end() - 1);
    for (int64_t i = 0; i < N; i++) {
      for (int64_t s = 0; s < k; s++) {
        const int32_t j = indices[i * k + s];
        if (j < 0 || j >= N) continue;
        const int32_t at = fill[static_cast<size_t>(j)]++;
        rev_src[static_cast<size_t>(at)] = static_cast<int32_t>(i);
        rev_w[static_cast<size_t>(at)] = weights[i * k + s];
      }
    }
  }
  // Row i merges (j, w_ij, 0) from its own list with (j, 0, w_ji) from the reverse one; pass 0 counts, pass 1 writes.
  std::vector<int32_t> counts(static_cast<size_t>(N), 0);
  auto merge_row = [&](int64_t i, std::vector<int64_t>& keys, bool write) {
    keys.clear();
    // key = column << 1 | side, so a column's own entry sorts next to its reverse one
    for (int64_t s = 0; s < k; s++) {
      const int32_t j = indices[i * k + s];
      if (j >= 0 && j < N && j != i) keys.push_back((static_cast<int64_t>(j) << 33) | (s << 1));
    }
    for (int32_t r = rev_ptr[static_cast<size_t>(i)]; r < rev_ptr[static_cast<size_t>(i + 1)]; r++) {
      const int32_t j = rev_src[static_cast<size_t>(r)];
      if (j != i) keys.push_back((static_cast<int64_t>(j) << 33) | (static_cast<int64_t>(r) << 1) | 1);
    }
    std::sort(keys.begin(), keys.end());
    int32_t out = write ? row_ptr[i] : 0;
    int32_t n = 0;
    for (size_t a = 0; a < keys.size();) {
      const int32_t j = static_cast<int32_t>(keys[a] >> 33);
      float fwd = 0, bwd = 0;
      while (a < keys.size() && static_cast<int32_t>(keys[a] >> 33) == j) {
        const int64_t pos = (keys[a] & ((int64_t{1} << 33) - 1)) >> 1;
        if (keys[a] & 1) {
          bwd = std::max(bwd, rev_w[static_cast<size_t>(pos)]);
        } else {
          fwd = std::max(fwd, weights[i * k + pos]);
        }
        a++;
      }
      const float v = mode == 0 ? fwd + bwd : fwd + bwd - fwd * bwd;
      if (v > 0) {
        if (write) {
          cols[out] = j;
          vals[out] = v;
          out++;
        }
        n++;
      }
    }
    if (!write) counts[static_cast<size_t>(i)] = n;
  };
  parallel_for(N, 512, [&](int64_t b, int64_t e) {
    std::vector<int64_t> keys;
    for (int64_t i = b; i < e; i++) merge_row(i, keys, false);
  });
  row_ptr[0] = 0;
  for (int64_t i = 0; i < N; i++) row_ptr[i + 1] = row_ptr[i] + counts[static_cast<size_t>(i)];
  parallel_for(N, 512, [&](int64_t b, int64_t e) {
    std::vector<int64_t> keys;
    for (int64_t i = b; i < e; i++) merge_row(i, keys, true);
  });
  const int64_t nnz = row_ptr[N];
  if (mode == 0) {
    double sum = 0;
    for (int64_t e = 0; e < nnz; e++) sum += vals[e];
    const double inv = sum > 0 ? 1.0 / sum : 0.0;
    for (int64_t e = 0; e < nnz; e++) vals[e] = static_cast<float>(vals[e] * inv);
  }
  return nnz;
}

struct SparseP {
  const int32_t* row_ptr;
  const int32_t* cols;
  const float* vals;
};

// The attraction of rows [b, e): attr(N,DIM) row i = sum_j p_ij K_ij (y_i - y_j). DIM is a constant so the sums stay
// in registers (with a runtime dimension GCC kept them on the stack, and the store-to-load chain per entry cost more
// than the arithmetic); two partial sums per coordinate (even and odd entries) halve the dependency chain. With
// want_kl it also returns sum p_ij log(p_ij (1 + |y_i - y_j|^2)) over those rows (entries with p_ij <= 0 skipped).
template <int DIM>
double attract_rows(float* attr, const float* Y, const SparseP& P, bool want_kl, int64_t b, int64_t e) {
  double kl = 0;
  for (int64_t i = b; i < e; i++) {
    float yi[DIM];
    for (int d = 0; d < DIM; d++) yi[d] = Y[i * DIM + d];
    float acc0[DIM] = {}, acc1[DIM] = {};
    int32_t a = P.row_ptr[i];
    const int32_t end = P.row_ptr[i + 1];
    for (; a + 2 <= end; a += 2) {
      const float* y0 = Y + static_cast<int64_t>(P.cols[a]) * DIM;
      const float* y1 = Y + static_cast<int64_t>(P.cols[a + 1]) * DIM;
      float d0[DIM], d1[DIM];
      float r0 = 1.0f, r1 = 1.0f;
      for (int d = 0; d < DIM; d++) {
        d0[d] = yi[d] - y0[d];
        d1[d] = yi[d] - y1[d];
        r0 += d0[d] * d0[d];
        r1 += d1[d] * d1[d];
      }
      const float w0 = P.vals[a] / r0, w1 = P.vals[a + 1] / r1;
      for (int d = 0; d < DIM; d++) {
        acc0[d] += w0 * d0[d];
        acc1[d] += w1 * d1[d];
      }
      if (want_kl) {
        if (P.vals[a] > 0) kl += static_cast<double>(P.vals[a]) * std::log(P.vals[a] * r0);
        if (P.vals[a + 1] > 0) kl += static_cast<double>(P.vals[a + 1]) * std::log(P.vals[a + 1] * r1);
      }
    }
    if (a < end) {
      const float* y0 = Y + static_cast<int64_t>(P.cols[a]) * DIM;
      float d0[DIM];
      float r0 = 1.0f;
      for (int d = 0; d < DIM; d++) {
        d0[d] = yi[d] - y0[d];
        r0 += d0[d] * d0[d];
      }
      const float w0 = P.vals[a] / r0;
      for (int d = 0; d < DIM; d++) acc0[d] += w0 * d0[d];
      if (want_kl && P.vals[a] > 0) kl += static_cast<double>(P.vals[a]) * std::log(P.vals[a] * r0);
    }
    for (int d = 0; d < DIM; d++) attr[i * DIM + d] = acc0[d] + acc1[d];
  }
  return kl;
}

// What one gradient keeps between the steps of a call: buffers, and the Barnes-Hut tree's.
struct GradientScratch {
  std::vector<float> z, rep, attr;
  std::vector<double> kl_parts, p_parts;
  BarnesHut bh;
};

// grad(N,dims) = dKL/dY with the attractive part scaled by `exaggeration`:
//   4 [ exaggeration sum_j p_ij K_ij (y_i - y_j) - (1/Z) sum_j K_ij^2 (y_i - y_j) ],  Z = sum_{i != j} K_ij.
// With want_kl, returns KL(P || Q) = sum p_ij log(p_ij / K_ij) + log Z (P sums to 1); otherwise 0.
// The Barnes-Hut tree is built (serially) while the pool's other thread computes the attraction: the build is the
// serial part of a step, and the attraction does not need it. The KL comes out of the attraction's pass (it has the
// distances), one partial per fixed chunk of rows added in order, so the result does not depend on the thread count.
double gradient(float* grad, const float* Y, const SparseP& P, int64_t N, int dims, float exaggeration, float theta,
                bool want_kl, GradientScratch& s) {
  constexpr int64_t chunk = 256;
  const int64_t chunks = (N + chunk - 1) / chunk;
  s.z.resize(static_cast<size_t>(N));
  s.rep.resize(static_cast<size_t>(N * dims));
  s.attr.resize(static_cast<size_t>(N * dims));
  s.kl_parts.assign(static_cast<size_t>(chunks), 0.0);
  s.p_parts.assign(static_cast<size_t>(chunks), 0.0);
  const bool avx2 = use_avx2();
  // item 0 builds the tree; item t > 0 is the attraction of rows chunk (t - 1)
  parallel_for(chunks + 1, 1, [&](int64_t b0, int64_t e0) {
    for (int64_t t = b0; t < e0; t++) {
      if (t == 0) {
        if (theta > 0) s.bh.build(Y, N, dims, theta);
        continue;
      }
      const int64_t b = (t - 1) * chunk, e = std::min(N, b + chunk);
      double kl;
      if (avx2) {
        kl = avx2::tsne_attract(s.attr.data(), Y, P.row_ptr, P.cols, P.vals, dims, want_kl, b, e);
      } else if (dims == 2) {
        kl = attract_rows<2>(s.attr.data(), Y, P, want_kl, b, e);
      } else {
        kl = attract_rows<3>(s.attr.data(), Y, P, want_kl, b, e);
      }
      if (want_kl) {
        double psum = 0;
        for (int32_t a = P.row_ptr[b]; a < P.row_ptr[e]; a++) psum += P.vals[a];
        s.kl_parts[static_cast<size_t>(t - 1)] = kl;
        s.p_parts[static_cast<size_t>(t - 1)] = psum;
      }
    }
  });
  if (theta > 0) {
    s.bh.repulse(s.z.data(), s.rep.data());
  } else {
    tsne_repulsion_exact(s.z.data(), s.rep.data(), Y, N, dims);
  }
  double Z = 0;
  for (int64_t i = 0; i < N; i++) Z += s.z[static_cast<size_t>(i)];
  Z -= static_cast<double>(N);  // each point's own K_ii = 1
  if (!(Z > 0)) Z = 1e-12;
  const float inv_z = static_cast<float>(1.0 / Z);
  parallel_for(N * dims, 4096, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; i++) {
      grad[i] = 4.0f * (exaggeration * s.attr[static_cast<size_t>(i)] - s.rep[static_cast<size_t>(i)] * inv_z);
    }
  });
  if (!want_kl) return 0;
  double kl = 0, psum = 0;
  for (double v : s.kl_parts) kl += v;
  for (double v : s.p_parts) psum += v;
  return kl + psum * std::log(Z);
}

// tsneConditional(P(N,k), dists(N,k), N, k, perplexity) -> rows whose bisection missed the tolerance
Napi::Value TsneConditional(const Napi::CallbackInfo& info) {
  Args a(info, "tsneConditional");
  float* P = a.f32(0);
  const float* dists = a.f32(1);
  const int64_t N = a.integer(2), k = a.integer(3);
  const double perplexity = a.number(4);
  if (!a.ok()) return a.env().Undefined();
  return Napi::Number::New(a.env(), static_cast<double>(conditional_p(P, dists, N, k, perplexity)));
}

// symmetrizeGraph(rowPtr(N+1) i32, cols(2Nk) i32, vals(2Nk), indices(N,k) i32, weights(N,k), N, k, mode) -> nnz
Napi::Value SymmetrizeGraph(const Napi::CallbackInfo& info) {
  Args a(info, "symmetrizeGraph");
  int32_t* row_ptr = a.i32(0);
  int32_t* cols = a.i32(1);
  float* vals = a.f32(2);
  const int32_t* indices = a.i32(3);
  const float* weights = a.f32(4);
  const int64_t N = a.integer(5), k = a.integer(6), mode = a.integer(7);
  if (!a.ok()) return a.env().Undefined();
  return Napi::Number::New(a.env(), static_cast<double>(symmetrize(row_ptr, cols, vals, indices, weights, N, k, static_cast<int>(mode))));
}

// tsneGradient(grad(N,dims), Y(N,dims), rowPtr, cols, vals, N, dims, exaggeration, theta) -> KL(P||Q)
Napi::Value TsneGradient(const Napi::CallbackInfo& info) {
  Args a(info, "tsneGradient");
  float* grad = a.f32(0);
  const float* Y = a.f32(1);
  const int32_t* row_ptr = a.i32(2);
  const int32_t* cols = a.i32(3);
  const float* vals = a.f32(4);
  const int64_t N = a.integer(5), dims = a.integer(6);
  const double exaggeration = a.number(7), theta = a.number(8);
  if (!a.ok()) return a.env().Undefined();
  GradientScratch scratch;
  const double kl = gradient(grad, Y, SparseP{row_ptr, cols, vals}, N, static_cast<int>(dims),
                             static_cast<float>(exaggeration), static_cast<float>(theta), true, scratch);
  return Napi::Number::New(a.env(), kl);
}

// tsneSteps(Y(N,dims), update(N,dims), gains(N,dims), rowPtr, cols, vals, N, dims, steps, exaggeration, momentum,
//           learningRate, theta) -> KL(P||Q) at the last step's gradient (before its update)
// Each step: g = gradient(Y); gains += 0.2 where update and g differ in sign, else gains *= 0.8, at least 0.01;
// update = momentum update - learningRate gains g; Y += update. Y, update and gains carry the state between calls.
Napi::Value TsneSteps(const Napi::CallbackInfo& info) {
  Args a(info, "tsneSteps");
  float* Y = a.f32(0);
  float* update = a.f32(1);
  float* gains = a.f32(2);
  const int32_t* row_ptr = a.i32(3);
  const int32_t* cols = a.i32(4);
  const float* vals = a.f32(5);
  const int64_t N = a.integer(6), dims = a.integer(7), steps = a.integer(8);
  const double exaggeration = a.number(9), momentum = a.number(10), rate = a.number(11), theta = a.number(12);
  if (!a.ok()) return a.env().Undefined();
  std::vector<float> grad(static_cast<size_t>(N * dims));
  GradientScratch scratch;
  const SparseP P{row_ptr, cols, vals};
  const float mom = static_cast<float>(momentum), lr = static_cast<float>(rate);
  double kl = 0;
  for (int64_t s = 0; s < steps; s++) {
    kl = gradient(grad.data(), Y, P, N, static_cast<int>(dims), static_cast<float>(exaggeration),
                  static_cast<float>(theta), s == steps - 1, scratch);
    parallel_for(N * dims, 4096, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; i++) {
        const float g = grad[static_cast<size_t>(i)];
        float gain = update[i] * g < 0.0f ? gains[i] + 0.2f : gains[i] * 0.8f;
        gain = gain < 0.01f ? 0.01f : gain;
        gains[i] = gain;
        update[i] = mom * update[i] - lr * gain * g;
        Y[i] += update[i];
      }
    });
  }
  return Napi::Number::New(a.env(), kl);
}

}  // namespace

void register_tsne(Napi::Env env, Napi::Object exports) {
  exports.Set("tsneConditional", Napi::Function::New(env, TsneConditional, "tsneConditional"));
  exports.Set("symmetrizeGraph", Napi::Function::New(env, SymmetrizeGraph, "symmetrizeGraph"));
  exports.Set("tsneGradient", Napi::Function::New(env, TsneGradient, "tsneGradient"));
  exports.Set("tsneSteps", Napi::Function::New(env, TsneSteps, "tsneSteps"));
}

}  // namespace ak
