// GloVe loops (AdaGrad steps over co-occurrence records, and the objective), included once per instruction set
// (AK_ISA_NS = portable | avx2). The objective and the step are defined in glove_kernels.h.

#include <cmath>
#include <cstdint>

#include "glove_kernels.h"
#if defined(__AVX2__) && defined(__FMA__)
#include "vecmath_avx2.h"
#endif

#ifndef AK_ISA_NS
#error "define AK_ISA_NS before including glove_impl.h"
#endif

namespace ak {
namespace AK_ISA_NS {
namespace {

// The record's weight f(x) = min(1, (x / x_max)^alpha).
inline float weight(float x, const GloveOptions& o) {
  return x >= o.x_max ? 1.0f : static_cast<float>(std::pow(static_cast<double>(x) / o.x_max, o.alpha));
}

#if defined(__AVX2__) && defined(__FMA__)

inline float dot(const float* a, const float* b, int64_t D) { return dot8(a, b, D); }

// The AdaGrad step of both vectors for one record with g = f d.
inline void step_vectors(float* wi, float* wtj, float* gwi, float* gwtj, float g, const GloveOptions& o) {
  const __m256 gv = _mm256_set1_ps(g), eta = _mm256_set1_ps(static_cast<float>(o.eta));
  const __m256 hi = _mm256_set1_ps(static_cast<float>(o.grad_clip)), lo = _mm256_set1_ps(static_cast<float>(-o.grad_clip));
  const auto one = [&](int64_t at, __m256i mk, bool tail) {
    const __m256 a = tail ? _mm256_maskload_ps(wi + at, mk) : _mm256_loadu_ps(wi + at);
    const __m256 c = tail ? _mm256_maskload_ps(wtj + at, mk) : _mm256_loadu_ps(wtj + at);
    __m256 ga = tail ? _mm256_maskload_ps(gwi + at, mk) : _mm256_loadu_ps(gwi + at);
    __m256 gc = tail ? _mm256_maskload_ps(gwtj + at, mk) : _mm256_loadu_ps(gwtj + at);
    const __m256 da = _mm256_min_ps(hi, _mm256_max_ps(lo, _mm256_mul_ps(gv, c)));
    const __m256 dc = _mm256_min_ps(hi, _mm256_max_ps(lo, _mm256_mul_ps(gv, a)));
    ga = _mm256_fmadd_ps(da, da, ga);
    gc = _mm256_fmadd_ps(dc, dc, gc);
    const __m256 na = _mm256_sub_ps(a, _mm256_div_ps(_mm256_mul_ps(eta, da), _mm256_sqrt_ps(ga)));
    const __m256 nc = _mm256_sub_ps(c, _mm256_div_ps(_mm256_mul_ps(eta, dc), _mm256_sqrt_ps(gc)));
    if (tail) {
      _mm256_maskstore_ps(wi + at, mk, na);
      _mm256_maskstore_ps(wtj + at, mk, nc);
      _mm256_maskstore_ps(gwi + at, mk, ga);
      _mm256_maskstore_ps(gwtj + at, mk, gc);
    } else {
      _mm256_storeu_ps(wi + at, na);
      _mm256_storeu_ps(wtj + at, nc);
      _mm256_storeu_ps(gwi + at, ga);
      _mm256_storeu_ps(gwtj + at, gc);
    }
  };
  const int64_t D = o.D;
  int64_t i = 0;
  const __m256i all = _mm256_set1_epi32(-1);
  for (; i + 8 <= D; i += 8) one(i, all, false);
  if (i < D) one(i, tail_mask8(D - i), true);
}

#else

inline float dot(const float* a, const float* b, int64_t D) {
  float s = 0;
  for (int64_t i = 0; i < D; i++) s += a[i] * b[i];
  return s;
}

inline float clip(float v, float c) { return v > c ? c : (v < -c ? -c : v); }

inline void step_vectors(float* wi, float* wtj, float* gwi, float* gwtj, float g, const GloveOptions& o) {
  const float eta = static_cast<float>(o.eta), c = static_cast<float>(o.grad_clip);
  for (int64_t k = 0; k < o.D; k++) {
    const float a = wi[k], t = wtj[k];
    const float da = clip(g * t, c), dt = clip(g * a, c);
    gwi[k] += da * da;
    gwtj[k] += dt * dt;
    wi[k] = a - eta * da / std::sqrt(gwi[k]);
    wtj[k] = t - eta * dt / std::sqrt(gwtj[k]);
  }
}

#endif

}  // namespace

double glove_train_range(const GloveBuffers& b, const GloveOptions& o, int64_t r0, int64_t r1) {
  const int64_t D = o.D;
  const float eta = static_cast<float>(o.eta), c = static_cast<float>(o.grad_clip);
  double cost = 0;
  for (int64_t r = r0; r < r1; r++) {
    const int64_t i = b.rows[r], j = b.cols[r];
    const float x = b.vals[r];
    float* wi = b.w + i * D;
    float* wtj = b.wt + j * D;
    const float d = dot(wi, wtj, D) + b.b[i] + b.bt[j] - std::log(x);
    if (!std::isfinite(d)) continue;  // a diverged pair is skipped, as the reference tool skips NaN updates
    const float f = weight(x, o);
    cost += static_cast<double>(f) * d * d;
    const float g = f * d;
    step_vectors(wi, wtj, b.gw + i * D, b.gwt + j * D, g, o);
    const float gb = g > c ? c : (g < -c ? -c : g);
    b.gb[i] += gb * gb;
    b.gbt[j] += gb * gb;
    b.b[i] -= eta * gb / std::sqrt(b.gb[i]);
    b.bt[j] -= eta * gb / std::sqrt(b.gbt[j]);
  }
  return cost;
}

double glove_cost_range(const GloveBuffers& b, const GloveOptions& o, int64_t r0, int64_t r1) {
  const int64_t D = o.D;
  double cost = 0;
  for (int64_t r = r0; r < r1; r++) {
    const int64_t i = b.rows[r], j = b.cols[r];
    const float x = b.vals[r];
    // in double throughout: this is the figure tests compare with an objective recomputed in numpy
    const float* wi = b.w + i * D;
    const float* wtj = b.wt + j * D;
    double d = static_cast<double>(b.b[i]) + b.bt[j] - std::log(static_cast<double>(x));
    for (int64_t k = 0; k < D; k++) d += static_cast<double>(wi[k]) * wtj[k];
    const double f = x >= o.x_max ? 1.0 : std::pow(static_cast<double>(x) / o.x_max, o.alpha);
    cost += f * d * d;
  }
  return cost;
}

}  // namespace AK_ISA_NS
}  // namespace ak
