// Word2Vec / FastText vector primitives over rows of D floats, included by word2vec_impl.h inside its
// ak::AK_ISA_NS anonymous namespace (so every function has internal linkage, per instruction set): the loss's log,
// dot and four-row dots, the sigmoid gradients with the loss, the fused output-row update, y += x, y += a x, y *= s.
// AVX2+FMA versions when compiled with -mavx2 -mfma, plain loops otherwise.
// No includes and no include guard: it is read inside that namespace, after word2vec_impl.h has included <algorithm>,
// <cmath>, vecmath.h and (for AVX2) vecmath_avx2.h.

#ifndef AK_ISA_NS
#error "include word2vec_vec_impl.h through word2vec_impl.h"
#endif

#if defined(__AVX2__) && defined(__FMA__)

// log(y) for y >= 1 on 8 lanes: y = m 2^k with m in [sqrt(1/2), sqrt(2)), log(m) = x - x^2/2 + x^3 P(x), x = m - 1
// (the classic single-precision minimax polynomial; relative error ~1e-7). Only the reported loss uses it.
inline __m256 log8_ge1(__m256 y) {
  const __m256i bits = _mm256_castps_si256(y);
  __m256 k = _mm256_cvtepi32_ps(_mm256_sub_epi32(_mm256_srli_epi32(bits, 23), _mm256_set1_epi32(127)));
  __m256 m = _mm256_castsi256_ps(_mm256_or_si256(_mm256_and_si256(bits, _mm256_set1_epi32(0x007fffff)),
                                                 _mm256_set1_epi32(0x3f800000)));
  const __m256 big = _mm256_cmp_ps(m, _mm256_set1_ps(1.41421356f), _CMP_GT_OQ);
  m = _mm256_blendv_ps(m, _mm256_mul_ps(m, _mm256_set1_ps(0.5f)), big);
  k = _mm256_add_ps(k, _mm256_and_ps(big, _mm256_set1_ps(1.0f)));
  const __m256 x = _mm256_sub_ps(m, _mm256_set1_ps(1.0f));
  __m256 p = _mm256_set1_ps(7.0376836292e-2f);
  p = _mm256_fmadd_ps(p, x, _mm256_set1_ps(-1.1514610310e-1f));
  p = _mm256_fmadd_ps(p, x, _mm256_set1_ps(1.1676998740e-1f));
  p = _mm256_fmadd_ps(p, x, _mm256_set1_ps(-1.2420140846e-1f));
  p = _mm256_fmadd_ps(p, x, _mm256_set1_ps(1.4249322787e-1f));
  p = _mm256_fmadd_ps(p, x, _mm256_set1_ps(-1.6668057665e-1f));
  p = _mm256_fmadd_ps(p, x, _mm256_set1_ps(2.0000714765e-1f));
  p = _mm256_fmadd_ps(p, x, _mm256_set1_ps(-2.4999993993e-1f));
  p = _mm256_fmadd_ps(p, x, _mm256_set1_ps(3.3333331174e-1f));
  const __m256 z = _mm256_mul_ps(x, x);
  __m256 r = _mm256_mul_ps(_mm256_mul_ps(p, z), x);
  r = _mm256_fnmadd_ps(z, _mm256_set1_ps(0.5f), r);
  r = _mm256_add_ps(x, r);
  return _mm256_fmadd_ps(k, _mm256_set1_ps(0.693147180559945f), r);
}

inline float dot(const float* a, const float* b, int64_t D) { return dot8(a, b, D); }

// f[k] = h . rows[k] for k < n. Four rows per pass share each load of h and are reduced together (two hadds and a
// lane fold instead of four horizontal sums); a remainder of 1-3 rows takes dot().
inline void dots(float* f, const float* h, float* const* rows, int n, int64_t D) {
  int k = 0;
  for (; k + 4 <= n; k += 4) {
    const float* r0 = rows[k];
    const float* r1 = rows[k + 1];
    const float* r2 = rows[k + 2];
    const float* r3 = rows[k + 3];
    __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 8 <= D; i += 8) {
      const __m256 x = _mm256_loadu_ps(h + i);
      a0 = _mm256_fmadd_ps(x, _mm256_loadu_ps(r0 + i), a0);
      a1 = _mm256_fmadd_ps(x, _mm256_loadu_ps(r1 + i), a1);
      a2 = _mm256_fmadd_ps(x, _mm256_loadu_ps(r2 + i), a2);
      a3 = _mm256_fmadd_ps(x, _mm256_loadu_ps(r3 + i), a3);
    }
    if (i + 4 <= D) {
      // the 4-lane tail joins the low halves (zero-extended, so the high halves are unchanged)
      const __m128 x = _mm_loadu_ps(h + i);
      a0 = _mm256_add_ps(a0, _mm256_zextps128_ps256(_mm_mul_ps(x, _mm_loadu_ps(r0 + i))));
      a1 = _mm256_add_ps(a1, _mm256_zextps128_ps256(_mm_mul_ps(x, _mm_loadu_ps(r1 + i))));
      a2 = _mm256_add_ps(a2, _mm256_zextps128_ps256(_mm_mul_ps(x, _mm_loadu_ps(r2 + i))));
      a3 = _mm256_add_ps(a3, _mm256_zextps128_ps256(_mm_mul_ps(x, _mm_loadu_ps(r3 + i))));
      i += 4;
    }
    // hadd(a0, a1) = [a0 pairs, a1 pairs | ...]; hadd again gives [s0 s1 s2 s3] per 128-bit half; fold the halves
    const __m256 h01 = _mm256_hadd_ps(a0, a1), h23 = _mm256_hadd_ps(a2, a3);
    const __m256 q = _mm256_hadd_ps(h01, h23);
    __m128 sum = _mm_add_ps(_mm256_castps256_ps128(q), _mm256_extractf128_ps(q, 1));
    if (i < D) {
      float t[4];
      _mm_storeu_ps(t, sum);
      for (; i < D; i++) {
        t[0] += h[i] * r0[i];
        t[1] += h[i] * r1[i];
        t[2] += h[i] * r2[i];
        t[3] += h[i] * r3[i];
      }
      sum = _mm_loadu_ps(t);
    }
    _mm_storeu_ps(f + k, sum);
  }
  for (; k < n; k++) f[k] = dot(h, rows[k], D);
}

// g[k] = (label[k] - sigmoid(f[k])) * alpha for k < n; returns the summed loss -log sigmoid(+-f[k]).
// With e = exp(-f): -log sigmoid(f) = log(1 + e) and -log sigmoid(-f) = log(1 + e) + f.
// f, label and g hold a whole number of 8-lane blocks (the Trainer pads them): lanes past n are read and written but
// kept out of the loss.
inline double gradients(const float* f, const float* label, float* g, int n, float alpha) {
  double loss = 0;
  const __m256 one = _mm256_set1_ps(1.0f), a = _mm256_set1_ps(alpha);
  for (int k = 0; k < n; k += 8) {
    const __m256i mk = tail_mask8(std::min(8, n - k));
    // a padded lane may hold anything finite or not: zero it so exp and log stay quiet
    const __m256 fv = _mm256_and_ps(_mm256_loadu_ps(f + k), _mm256_castsi256_ps(mk));
    const __m256 lv = _mm256_loadu_ps(label + k);
    const __m256 e = exp8_fast(_mm256_sub_ps(_mm256_setzero_ps(), fv));
    const __m256 ope = _mm256_add_ps(one, e);
    const __m256 sig = _mm256_div_ps(one, ope);
    _mm256_storeu_ps(g + k, _mm256_mul_ps(_mm256_sub_ps(lv, sig), a));
    // loss = log(1+e) + (1 - label) f, masked lanes dropped
    const __m256 l = _mm256_fmadd_ps(_mm256_sub_ps(one, _mm256_and_ps(lv, _mm256_castsi256_ps(mk))), fv, log8_ge1(ope));
    loss += hsum8(_mm256_and_ps(l, _mm256_castsi256_ps(mk)));
  }
  return loss;
}

// neu1e += sum_k g[k] rows[k] ; rows[k] += g[k] h, with every row read before it is written.
inline void update(const float* h, float* neu1e, float* const* rows, const float* g, int n, int64_t D) {
  int64_t i = 0;
  const auto step = [&](int64_t at, __m256i mk, bool tail) {
    const __m256 x = tail ? _mm256_maskload_ps(h + at, mk) : _mm256_loadu_ps(h + at);
    __m256 e = tail ? _mm256_maskload_ps(neu1e + at, mk) : _mm256_loadu_ps(neu1e + at);
    for (int k = 0; k < n; k++) {
      const __m256 gk = _mm256_set1_ps(g[k]);
      float* r = rows[k] + at;
      const __m256 rv = tail ? _mm256_maskload_ps(r, mk) : _mm256_loadu_ps(r);
      e = _mm256_fmadd_ps(gk, rv, e);
      const __m256 nr = _mm256_fmadd_ps(gk, x, rv);
      if (tail) _mm256_maskstore_ps(r, mk, nr); else _mm256_storeu_ps(r, nr);
    }
    if (tail) _mm256_maskstore_ps(neu1e + at, mk, e); else _mm256_storeu_ps(neu1e + at, e);
  };
  const __m256i all = _mm256_set1_epi32(-1);
  for (; i + 8 <= D; i += 8) step(i, all, false);
  if (i + 4 <= D) {
    const __m128 x = _mm_loadu_ps(h + i);
    __m128 e = _mm_loadu_ps(neu1e + i);
    for (int k = 0; k < n; k++) {
      const __m128 gk = _mm_set1_ps(g[k]);
      float* r = rows[k] + i;
      const __m128 rv = _mm_loadu_ps(r);
      e = _mm_fmadd_ps(gk, rv, e);
      _mm_storeu_ps(r, _mm_fmadd_ps(gk, x, rv));
    }
    _mm_storeu_ps(neu1e + i, e);
    i += 4;
  }
  for (; i < D; i++) {
    float e = neu1e[i];
    for (int k = 0; k < n; k++) {
      const float rv = rows[k][i];
      e += g[k] * rv;
      rows[k][i] = rv + g[k] * h[i];
    }
    neu1e[i] = e;
  }
}

// y += x
inline void add_to(float* y, const float* x, int64_t D) {
  int64_t i = 0;
  for (; i + 8 <= D; i += 8) _mm256_storeu_ps(y + i, _mm256_add_ps(_mm256_loadu_ps(y + i), _mm256_loadu_ps(x + i)));
  if (i + 4 <= D) {
    _mm_storeu_ps(y + i, _mm_add_ps(_mm_loadu_ps(y + i), _mm_loadu_ps(x + i)));
    i += 4;
  }
  for (; i < D; i++) y[i] += x[i];
}

// y += a x
inline void axpy(float* y, float a, const float* x, int64_t D) {
  const __m256 av = _mm256_set1_ps(a);
  int64_t i = 0;
  for (; i + 8 <= D; i += 8) _mm256_storeu_ps(y + i, _mm256_fmadd_ps(av, _mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i)));
  if (i + 4 <= D) {
    _mm_storeu_ps(y + i, _mm_fmadd_ps(_mm_set1_ps(a), _mm_loadu_ps(x + i), _mm_loadu_ps(y + i)));
    i += 4;
  }
  for (; i < D; i++) y[i] += a * x[i];
}

inline void scale(float* y, float s, int64_t D) {
  const __m256 sv = _mm256_set1_ps(s);
  int64_t i = 0;
  for (; i + 8 <= D; i += 8) _mm256_storeu_ps(y + i, _mm256_mul_ps(_mm256_loadu_ps(y + i), sv));
  if (i + 4 <= D) {
    _mm_storeu_ps(y + i, _mm_mul_ps(_mm_loadu_ps(y + i), _mm_set1_ps(s)));
    i += 4;
  }
  for (; i < D; i++) y[i] *= s;
}

#else

inline float dot(const float* a, const float* b, int64_t D) {
  float s = 0;
  for (int64_t i = 0; i < D; i++) s += a[i] * b[i];
  return s;
}

inline void dots(float* f, const float* h, float* const* rows, int n, int64_t D) {
  for (int k = 0; k < n; k++) f[k] = dot(h, rows[k], D);
}

inline double gradients(const float* f, const float* label, float* g, int n, float alpha) {
  double loss = 0;
  for (int k = 0; k < n; k++) {
    const float e = exp_fast(-f[k]);
    const float ope = 1.0f + e;
    g[k] = (label[k] - 1.0f / ope) * alpha;
    loss += std::log(static_cast<double>(ope)) + (1.0 - label[k]) * f[k];
  }
  return loss;
}

inline void update(const float* h, float* neu1e, float* const* rows, const float* g, int n, int64_t D) {
  for (int k = 0; k < n; k++) {
    float* r = rows[k];
    const float gk = g[k];
    for (int64_t i = 0; i < D; i++) {
      const float rv = r[i];
      neu1e[i] += gk * rv;
      r[i] = rv + gk * h[i];
    }
  }
}

inline void add_to(float* y, const float* x, int64_t D) {
  for (int64_t i = 0; i < D; i++) y[i] += x[i];
}

inline void axpy(float* y, float a, const float* x, int64_t D) {
  for (int64_t i = 0; i < D; i++) y[i] += a * x[i];
}

inline void scale(float* y, float s, int64_t D) {
  for (int64_t i = 0; i < D; i++) y[i] *= s;
}

#endif
