// Additive ("concat", Bahdanau) alignment loops and the elementwise tanh, included once per instruction set (AK_ISA_NS = portable | avx2):
// scores[j] = sum_a v[a] tanh(q[a] + k[j,a]) for one query row, and that row's backward. Built with AVX2+FMA they run
// 8 lanes of a with tanh from vecmath_avx2.h's exp8_fit5; otherwise plain loops over exp_fast. In both,
// tanh(x) = 1 - 2 / (1 + e^{2x}): exact limits +-1 where e^{2x} over- or underflows the exp clamp, an absolute error of
// about 1e-7 near 0 (the relative error grows there, which a sum of v[a] tanh(.) does not notice).

#include <cstdint>

#include "vecmath.h"
#if defined(__AVX2__) && defined(__FMA__)
#include "vecmath_avx2.h"
#endif

#ifndef AK_ISA_NS
#error "define AK_ISA_NS before including alignment_impl.h"
#endif

namespace ak {
namespace AK_ISA_NS {

#if defined(__AVX2__) && defined(__FMA__)

static inline __m256 tanh8(__m256 x) {
  const __m256 one = _mm256_set1_ps(1.0f);
  const __m256 e = exp8_fit5(_mm256_add_ps(x, x));
  return _mm256_sub_ps(one, _mm256_div_ps(_mm256_set1_ps(2.0f), _mm256_add_ps(one, e)));
}

// scores(S) for one query: q(A), k(S,A) rows of A floats, v(A).
void additive_scores_row(float* scores, const float* q, const float* k, const float* v, int64_t S, int64_t A) {
  const int64_t A8 = A - A % 8;
  const __m256i tail = tail_mask8(A % 8 == 0 ? 8 : A % 8);
  for (int64_t j = 0; j < S; j++) {
    const float* kj = k + j * A;
    __m256 acc = _mm256_setzero_ps();
    int64_t a = 0;
    for (; a < A8; a += 8) {
      const __m256 u = tanh8(_mm256_add_ps(_mm256_loadu_ps(q + a), _mm256_loadu_ps(kj + a)));
      acc = _mm256_fmadd_ps(_mm256_loadu_ps(v + a), u, acc);
    }
    if (a < A) {
      const __m256 u = tanh8(_mm256_add_ps(_mm256_maskload_ps(q + a, tail), _mm256_maskload_ps(kj + a, tail)));
      acc = _mm256_fmadd_ps(_mm256_maskload_ps(v + a, tail), u, acc);  // v's masked lanes are 0
    }
    scores[j] = hsum8(acc);
  }
}

// One query row's backward: for every key j with g[j] != 0, u = tanh(q + k_j): dv += g u, and with
// w = g v (1 - u^2): dq += w, dk_j += w. dq(A), dk(S,A), dv(A) accumulate.
void additive_backward_row(float* dq, float* dk, float* dv, const float* g, const float* q, const float* k,
                           const float* v, int64_t S, int64_t A) {
  const int64_t A8 = A - A % 8;
  const __m256i tail = tail_mask8(A % 8 == 0 ? 8 : A % 8);
  const __m256 one = _mm256_set1_ps(1.0f);
  for (int64_t j = 0; j < S; j++) {
    if (g[j] == 0.0f) continue;
    const __m256 gj = _mm256_set1_ps(g[j]);
    const float* kj = k + j * A;
    float* dkj = dk + j * A;
    int64_t a = 0;
    for (; a < A8; a += 8) {
      const __m256 u = tanh8(_mm256_add_ps(_mm256_loadu_ps(q + a), _mm256_loadu_ps(kj + a)));
      _mm256_storeu_ps(dv + a, _mm256_fmadd_ps(gj, u, _mm256_loadu_ps(dv + a)));
      const __m256 w = _mm256_mul_ps(_mm256_mul_ps(gj, _mm256_loadu_ps(v + a)), _mm256_fnmadd_ps(u, u, one));
      _mm256_storeu_ps(dq + a, _mm256_add_ps(_mm256_loadu_ps(dq + a), w));
      _mm256_storeu_ps(dkj + a, _mm256_add_ps(_mm256_loadu_ps(dkj + a), w));
    }
    if (a < A) {
      const __m256 u = tanh8(_mm256_add_ps(_mm256_maskload_ps(q + a, tail), _mm256_maskload_ps(kj + a, tail)));
      _mm256_maskstore_ps(dv + a, tail, _mm256_fmadd_ps(gj, u, _mm256_maskload_ps(dv + a, tail)));
      const __m256 w = _mm256_mul_ps(_mm256_mul_ps(gj, _mm256_maskload_ps(v + a, tail)), _mm256_fnmadd_ps(u, u, one));
      _mm256_maskstore_ps(dq + a, tail, _mm256_add_ps(_mm256_maskload_ps(dq + a, tail), w));
      _mm256_maskstore_ps(dkj + a, tail, _mm256_add_ps(_mm256_maskload_ps(dkj + a, tail), w));
    }
  }
}

void tanh_forward(float* out, const float* inp, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(out + i, tanh8(_mm256_loadu_ps(inp + i)));
  if (i < n) {
    const __m256i mask = tail_mask8(n - i);
    _mm256_maskstore_ps(out + i, mask, tanh8(_mm256_maskload_ps(inp + i, mask)));
  }
}

#else

static inline float tanh1(float x) { return 1.0f - 2.0f / (1.0f + exp_fast(x + x)); }

void additive_scores_row(float* scores, const float* q, const float* k, const float* v, int64_t S, int64_t A) {
  for (int64_t j = 0; j < S; j++) {
    const float* kj = k + j * A;
    float acc = 0.0f;
    for (int64_t a = 0; a < A; a++) acc += v[a] * tanh1(q[a] + kj[a]);
    scores[j] = acc;
  }
}

void additive_backward_row(float* dq, float* dk, float* dv, const float* g, const float* q, const float* k,
                           const float* v, int64_t S, int64_t A) {
  for (int64_t j = 0; j < S; j++) {
    if (g[j] == 0.0f) continue;
    const float* kj = k + j * A;
    float* dkj = dk + j * A;
    for (int64_t a = 0; a < A; a++) {
      const float u = tanh1(q[a] + kj[a]);
      dv[a] += g[j] * u;
      const float w = g[j] * v[a] * (1.0f - u * u);
      dq[a] += w;
      dkj[a] += w;
    }
  }
}

void tanh_forward(float* out, const float* inp, int64_t n) {
  for (int64_t i = 0; i < n; i++) out[i] = tanh1(inp[i]);
}

#endif

// dinp = dout (1 - out^2); a plain loop, which GCC vectorizes at the width the file is built for.
void tanh_backward(float* dinp, const float* out, const float* dout, int64_t n) {
  for (int64_t i = 0; i < n; i++) dinp[i] = dout[i] * (1.0f - out[i] * out[i]);
}

}  // namespace AK_ISA_NS
}  // namespace ak
