// PCA kernels: the column mean, the covariance (X - mean)^T (X - mean) / (N - 1) as GEMMs over blocks of centred rows,
// its top-k eigenvectors by block subspace iteration with a Rayleigh-Ritz step (only k of D axes are wanted, so this
// costs D^2 (k + 12) per round instead of a full D^3 eigendecomposition), and the projection onto them.
// Signs follow scikit-learn's convention: on each axis, the row with the largest |score| scores positive.
#include <algorithm>
#include <cmath>
#include <vector>

#include "gemm.h"
#include "napi_args.h"
#include "projection.h"
#include "threadpool.h"

namespace ak {
namespace {

constexpr int64_t kRowBlock = 1024;

// Eigen-decomposition of a small symmetric matrix A(n,n) by cyclic Jacobi rotations: values(n), vectors(n,n) with
// column c the unit eigenvector of values[c]. A is destroyed.
void jacobi(std::vector<double>& A, int n, std::vector<double>& values, std::vector<double>& vectors) {
  vectors.assign(static_cast<size_t>(n * n), 0.0);
  for (int i = 0; i < n; i++) vectors[static_cast<size_t>(i * n + i)] = 1.0;
  for (int sweep = 0; sweep < 100; sweep++) {
    double off = 0, total = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        const double v = A[static_cast<size_t>(i * n + j)] * A[static_cast<size_t>(i * n + j)];
        total += v;
        if (i != j) off += v;
      }
    }
    if (off <= 1e-30 * total || off == 0) break;
    for (int p = 0; p < n; p++) {
      for (int q = p + 1; q < n; q++) {
        const double apq = A[static_cast<size_t>(p * n + q)];
        if (apq == 0) continue;
        const double app = A[static_cast<size_t>(p * n + p)], aqq = A[static_cast<size_t>(q * n + q)];
        const double theta = (aqq - app) / (2 * apq);
        const double t = (theta >= 0 ? 1.0 : -1.0) / (std::fabs(theta) + std::sqrt(theta * theta + 1));
        const double c = 1 / std::sqrt(t * t + 1), s = t * c;
        for (int r = 0; r < n; r++) {  // A = J^T A J, columns then rows
          const double arp = A[static_cast<size_t>(r * n + p)], arq = A[static_cast<size_t>(r * n + q)];
          A[static_cast<size_t>(r * n + p)] = c * arp - s * arq;
          A[static_cast<size_t>(r * n + q)] = s * arp + c * arq;
        }
        for (int r = 0; r < n; r++) {
          const double apr = A[static_cast<size_t>(p * n + r)], aqr = A[static_cast<size_t>(q * n + r)];
          A[static_cast<size_t>(p * n + r)] = c * apr - s * aqr;
          A[static_cast<size_t>(q * n + r)] = s * apr + c * aqr;
        }
        for (int r = 0; r < n; r++) {
          const double vrp = vectors[static_cast<size_t>(r * n + p)], vrq = vectors[static_cast<size_t>(r * n + q)];
          vectors[static_cast<size_t>(r * n + p)] = c * vrp - s * vrq;
          vectors[static_cast<size_t>(r * n + q)] = s * vrp + c * vrq;
        }
      }
    }
  }
  values.resize(static_cast<size_t>(n));
  for (int i = 0; i < n; i++) values[static_cast<size_t>(i)] = A[static_cast<size_t>(i * n + i)];
}

// Orthonormalises the l columns of V(D,l) in place (modified Gram-Schmidt, twice for stability); a column that
// vanishes (C has rank below l) is replaced by a pseudo-random one and orthonormalised again.
void orthonormalize(std::vector<double>& V, int64_t D, int l) {
  uint32_t attempt = 0;
  for (int c = 0; c < l; c++) {
    for (int pass = 0; pass < 2; pass++) {
      for (int p = 0; p < c; p++) {
        double dot = 0;
        for (int64_t i = 0; i < D; i++) dot += V[static_cast<size_t>(i * l + p)] * V[static_cast<size_t>(i * l + c)];
        for (int64_t i = 0; i < D; i++) V[static_cast<size_t>(i * l + c)] -= dot * V[static_cast<size_t>(i * l + p)];
      }
    }
    double norm = 0;
    for (int64_t i = 0; i < D; i++) norm += V[static_cast<size_t>(i * l + c)] * V[static_cast<size_t>(i * l + c)];
    norm = std::sqrt(norm);
    if (norm < 1e-150 && attempt < 64) {
      attempt++;
      for (int64_t i = 0; i < D; i++) {
        V[static_cast<size_t>(i * l + c)] = unit_float(mix_key(0x51edu, static_cast<uint32_t>(i), static_cast<uint32_t>(c), attempt)) - 0.5;
      }
      c--;
      continue;
    }
    for (int64_t i = 0; i < D; i++) V[static_cast<size_t>(i * l + c)] /= norm > 0 ? norm : 1.0;
  }
}

// W(D,l) = C(D,D) V(D,l), rows in parallel (inner loop over l vectorises).
void multiply(std::vector<double>& W, const std::vector<double>& C, const std::vector<double>& V, int64_t D, int l) {
  parallel_for(D, 16, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; i++) {
      double* w = W.data() + i * l;
      for (int c = 0; c < l; c++) w[c] = 0;
      for (int64_t j = 0; j < D; j++) {
        const double cij = C[static_cast<size_t>(i * D + j)];
        const double* v = V.data() + j * l;
        for (int c = 0; c < l; c++) w[c] += cij * v[c];
      }
    }
  });
}

// Top-k eigenpairs of the symmetric C(D,D) (descending): subspace iteration on l = min(D, k + 12) columns with a
// Rayleigh-Ritz rotation each round, until every wanted pair's residual |C v - lambda v| <= 1e-10 lambda_1.
void top_eigen(const std::vector<double>& C, int64_t D, int k, std::vector<double>& values, std::vector<double>& vecs) {
  const int l = static_cast<int>(std::min<int64_t>(D, k + 12));
  std::vector<double> V(static_cast<size_t>(D * l)), W(V.size()), H(static_cast<size_t>(l * l)), evals, evecs;
  for (int64_t i = 0; i < D; i++) {
    for (int c = 0; c < l; c++) {
      V[static_cast<size_t>(i * l + c)] = unit_float(mix_key(0x9ca1u, static_cast<uint32_t>(i), static_cast<uint32_t>(c), 0)) - 0.5;
    }
  }
  orthonormalize(V, D, l);
  std::vector<int> order(static_cast<size_t>(l));
  for (int round = 0; round < 5000; round++) {
    multiply(W, C, V, D, l);
    // Rayleigh-Ritz: H = V^T C V, rotate V and W by H's eigenvectors (descending values)
    for (int a = 0; a < l; a++) {
      for (int b = 0; b < l; b++) {
        double s = 0;
        for (int64_t i = 0; i < D; i++) s += V[static_cast<size_t>(i * l + a)] * W[static_cast<size_t>(i * l + b)];
        H[static_cast<size_t>(a * l + b)] = s;
      }
    }
    for (int a = 0; a < l; a++) {  // symmetrise away rounding
      for (int b = a + 1; b < l; b++) {
        const double m = 0.5 * (H[static_cast<size_t>(a * l + b)] + H[static_cast<size_t>(b * l + a)]);
        H[static_cast<size_t>(a * l + b)] = H[static_cast<size_t>(b * l + a)] = m;
      }
    }
    jacobi(H, l, evals, evecs);
    for (int c = 0; c < l; c++) order[static_cast<size_t>(c)] = c;
    std::sort(order.begin(), order.end(), [&](int x, int y) { return evals[static_cast<size_t>(x)] > evals[static_cast<size_t>(y)]; });
    std::vector<double> rv(static_cast<size_t>(l)), rw(static_cast<size_t>(l));
    for (int64_t i = 0; i < D; i++) {
      for (int c = 0; c < l; c++) {
        double sv = 0, sw = 0;
        for (int a = 0; a < l; a++) {
          const double u = evecs[static_cast<size_t>(a * l + order[static_cast<size_t>(c)])];
          sv += V[static_cast<size_t>(i * l + a)] * u;
          sw += W[static_cast<size_t>(i * l + a)] * u;
        }
        rv[static_cast<size_t>(c)] = sv;
        rw[static_cast<size_t>(c)] = sw;
      }
      for (int c = 0; c < l; c++) {
        V[static_cast<size_t>(i * l + c)] = rv[static_cast<size_t>(c)];
        W[static_cast<size_t>(i * l + c)] = rw[static_cast<size_t>(c)];
      }
    }
    values.assign(static_cast<size_t>(k), 0.0);
    double worst = 0;
    const double scale = std::max(std::fabs(evals[static_cast<size_t>(order[0])]), 1e-300);
    for (int c = 0; c < k; c++) {
      const double lambda = evals[static_cast<size_t>(order[static_cast<size_t>(c)])];
      values[static_cast<size_t>(c)] = lambda;
      double r = 0;
      for (int64_t i = 0; i < D; i++) {
        const double x = W[static_cast<size_t>(i * l + c)] - lambda * V[static_cast<size_t>(i * l + c)];
        r += x * x;
      }
      worst = std::max(worst, std::sqrt(r) / scale);
    }
    if (worst <= 1e-10 || evals[static_cast<size_t>(order[0])] == 0) break;
    V = W;
    orthonormalize(V, D, l);
  }
  vecs.assign(static_cast<size_t>(k * D), 0.0);
  for (int c = 0; c < k; c++) {
    for (int64_t i = 0; i < D; i++) vecs[static_cast<size_t>(c * D + i)] = V[static_cast<size_t>(i * l + c)];
  }
}

// Row scores (X - mean) @ components^T for rows [b, e) into out(rows, k).
void project_rows(float* out, const float* X, const float* mean, const float* components, int64_t b, int64_t e,
                  int64_t D, int64_t k) {
  for (int64_t i = b; i < e; i++) {
    for (int64_t c = 0; c < k; c++) {
      double s = 0;
      for (int64_t d = 0; d < D; d++) s += (static_cast<double>(X[i * D + d]) - mean[d]) * components[c * D + d];
      out[i * k + c] = static_cast<float>(s);
    }
  }
}

// pcaFit(components(k,D), variances(k), mean(D), X(N,D), N, D, k) -> total variance (the trace of the covariance)
Napi::Value PcaFit(const Napi::CallbackInfo& info) {
  Args a(info, "pcaFit");
  float* components = a.f32(0);
  float* variances = a.f32(1);
  float* mean = a.f32(2);
  const float* X = a.f32(3);
  const int64_t N = a.integer(4), D = a.integer(5), k = a.integer(6);
  if (!a.ok()) return a.env().Undefined();
  // mean: fixed row blocks summed in double, blocks added in order
  const int64_t blocks = (N + kRowBlock - 1) / kRowBlock;
  std::vector<double> partial(static_cast<size_t>(blocks * D), 0.0);
  parallel_for(blocks, 1, [&](int64_t b0, int64_t b1) {
    for (int64_t bl = b0; bl < b1; bl++) {
      double* p = partial.data() + bl * D;
      for (int64_t i = bl * kRowBlock; i < std::min(N, (bl + 1) * kRowBlock); i++) {
        for (int64_t d = 0; d < D; d++) p[d] += X[i * D + d];
      }
    }
  });
  std::vector<double> mu(static_cast<size_t>(D), 0.0);
  for (int64_t bl = 0; bl < blocks; bl++) {
    for (int64_t d = 0; d < D; d++) mu[static_cast<size_t>(d)] += partial[static_cast<size_t>(bl * D + d)];
  }
  for (int64_t d = 0; d < D; d++) {
    mu[static_cast<size_t>(d)] /= static_cast<double>(N);
    mean[d] = static_cast<float>(mu[static_cast<size_t>(d)]);
  }
  // covariance: C += B^T B over blocks B of centred rows
  std::vector<float> block(static_cast<size_t>(std::min(N, kRowBlock) * D)), cov(static_cast<size_t>(D * D), 0.0f);
  for (int64_t b0 = 0; b0 < N; b0 += kRowBlock) {
    const int64_t rows = std::min(kRowBlock, N - b0);
    parallel_for(rows, 64, [&](int64_t r0, int64_t r1) {
      for (int64_t r = r0; r < r1; r++) {
        for (int64_t d = 0; d < D; d++) block[static_cast<size_t>(r * D + d)] = X[(b0 + r) * D + d] - mean[d];
      }
    });
    sgemm(true, false, D, D, rows, 1.0f, block.data(), D, block.data(), D, b0 == 0 ? 0.0f : 1.0f, cov.data(), D, nullptr);
  }
  const double denom = N > 1 ? static_cast<double>(N - 1) : 1.0;
  std::vector<double> C(static_cast<size_t>(D * D));
  double trace = 0;
  for (int64_t i = 0; i < D; i++) {
    for (int64_t j = 0; j < D; j++) {  // symmetrise: the two halves were summed in different orders
      C[static_cast<size_t>(i * D + j)] = 0.5 * (static_cast<double>(cov[static_cast<size_t>(i * D + j)]) + cov[static_cast<size_t>(j * D + i)]) / denom;
    }
    trace += C[static_cast<size_t>(i * D + i)];
  }
  std::vector<double> values, vecs;
  top_eigen(C, D, static_cast<int>(k), values, vecs);
  for (int64_t c = 0; c < k; c++) {
    variances[c] = static_cast<float>(std::max(0.0, values[static_cast<size_t>(c)]));
    for (int64_t d = 0; d < D; d++) components[c * D + d] = static_cast<float>(vecs[static_cast<size_t>(c * D + d)]);
  }
  // sign: the row with the largest |score| on each axis scores positive
  std::vector<float> scores(static_cast<size_t>(N * k));
  parallel_for(N, 1024, [&](int64_t b, int64_t e) { project_rows(scores.data(), X, mean, components, b, e, D, k); });
  for (int64_t c = 0; c < k; c++) {
    float best = 0;
    for (int64_t i = 0; i < N; i++) {
      const float s = scores[static_cast<size_t>(i * k + c)];
      if (std::fabs(s) > std::fabs(best)) best = s;
    }
    if (best < 0) {
      for (int64_t d = 0; d < D; d++) components[c * D + d] = -components[c * D + d];
    }
  }
  return Napi::Number::New(a.env(), trace);
}

// pcaTransform(out(N,k), X(N,D), mean(D), components(k,D), N, D, k): out = (X - mean) @ components^T
Napi::Value PcaTransform(const Napi::CallbackInfo& info) {
  Args a(info, "pcaTransform");
  float* out = a.f32(0);
  const float* X = a.f32(1);
  const float* mean = a.f32(2);
  const float* components = a.f32(3);
  const int64_t N = a.integer(4), D = a.integer(5), k = a.integer(6);
  if (!a.ok()) return a.env().Undefined();
  parallel_for(N, 1024, [&](int64_t b, int64_t e) { project_rows(out, X, mean, components, b, e, D, k); });
  return a.env().Undefined();
}

}  // namespace

void register_pca(Napi::Env env, Napi::Object exports) {
  exports.Set("pcaFit", Napi::Function::New(env, PcaFit, "pcaFit"));
  exports.Set("pcaTransform", Napi::Function::New(env, PcaTransform, "pcaTransform"));
}

}  // namespace ak
