// The pointwise half of a GRU/LSTM time step (gates, state update, and their gradients), included once per
// instruction set (AK_ISA_NS = portable | avx2). The math is written once over a small vector type V: 8 lanes of
// AVX2 with vecmath_avx2.h's exp8_fit5, or one float with vecmath.h's exp_fast. A unit's result never depends on
// which lane or tail it fell into (masked loads and stores run the same arithmetic). Shapes: see rnn.h.
//   sigmoid(x) = 1 / (1 + e^-x), the exponent capped at 80 so the result stays a normal float (>= 1.8e-35);
//   tanh(x) = sign(x) (1 - e) / (1 + e), e = e^(-2|x|): no overflow, absolute error ~1e-7.

#include <cstdint>

#include "rnn.h"
#include "vecmath.h"
#if defined(__AVX2__) && defined(__FMA__)
#include "vecmath_avx2.h"
#endif

#ifndef AK_ISA_NS
#error "define AK_ISA_NS before including rnn_pointwise_impl.h"
#endif

namespace ak {
namespace AK_ISA_NS {
namespace {

#if defined(__AVX2__) && defined(__FMA__)

constexpr int64_t kW = 8;
struct V {
  __m256 v;
};
inline V vset(float s) { return V{_mm256_set1_ps(s)}; }
inline V vload(const float* p, int64_t n) {
  return n == kW ? V{_mm256_loadu_ps(p)} : V{_mm256_maskload_ps(p, tail_mask8(n))};
}
inline void vstore(float* p, V x, int64_t n) {
  if (n == kW) _mm256_storeu_ps(p, x.v);
  else _mm256_maskstore_ps(p, tail_mask8(n), x.v);
}
inline V operator+(V a, V b) { return V{_mm256_add_ps(a.v, b.v)}; }
inline V operator-(V a, V b) { return V{_mm256_sub_ps(a.v, b.v)}; }
inline V operator*(V a, V b) { return V{_mm256_mul_ps(a.v, b.v)}; }
inline V fma(V a, V b, V c) { return V{_mm256_fmadd_ps(a.v, b.v, c.v)}; }
inline V vsigmoid(V x) {
  const __m256 one = _mm256_set1_ps(1.0f);
  const __m256 z = _mm256_min_ps(_mm256_set1_ps(80.0f), _mm256_sub_ps(_mm256_setzero_ps(), x.v));
  return V{_mm256_div_ps(one, _mm256_add_ps(one, exp8_fit5(z)))};
}
inline V vtanh(V x) {
  const __m256 sign = _mm256_set1_ps(-0.0f);
  const __m256 ax = _mm256_andnot_ps(sign, x.v);
  const __m256 one = _mm256_set1_ps(1.0f);
  const __m256 e = exp8_fit5(_mm256_mul_ps(_mm256_set1_ps(-2.0f), ax));
  const __m256 t = _mm256_div_ps(_mm256_sub_ps(one, e), _mm256_add_ps(one, e));
  return V{_mm256_or_ps(t, _mm256_and_ps(sign, x.v))};
}

#else

constexpr int64_t kW = 1;
struct V {
  float v;
};
inline V vset(float s) { return V{s}; }
inline V vload(const float* p, int64_t) { return V{*p}; }
inline void vstore(float* p, V x, int64_t) { *p = x.v; }
inline V operator+(V a, V b) { return V{a.v + b.v}; }
inline V operator-(V a, V b) { return V{a.v - b.v}; }
inline V operator*(V a, V b) { return V{a.v * b.v}; }
inline V fma(V a, V b, V c) { return V{a.v * b.v + c.v}; }
inline V vsigmoid(V x) {
  const float z = -x.v < 80.0f ? -x.v : 80.0f;
  return V{1.0f / (1.0f + exp_fast(z))};
}
inline V vtanh(V x) {
  const float ax = x.v < 0.0f ? -x.v : x.v;
  const float e = exp_fast(-2.0f * ax);
  const float t = (1.0f - e) / (1.0f + e);
  return V{x.v < 0.0f ? -t : t};
}

#endif

inline int64_t lanes(int64_t nj, int64_t j) { return nj - j < kW ? nj - j : kW; }

}  // namespace

// r = s(gi_r + gh_r), z = s(gi_z + gh_z), n = tanh(gi_n + r gh_n), h = n + z (h_prev - n) (torch's form).
void gru_step_forward(int64_t B, int64_t nj, int64_t H, const float* gh, float* cache, int64_t ldc,
                      const float* const* prev, float* hnext, int64_t ldh, float* out, int64_t ldo,
                      const uint8_t* active) {
  const V zero = vset(0.0f);
  for (int64_t b = 0; b < B; b++) {
    const float* hp = prev[b];
    float* hn = hnext + b * ldh;
    float* o = out + b * ldo;
    if (active != nullptr && active[b] == 0) {
      for (int64_t j = 0; j < nj; j += kW) {
        const int64_t n = lanes(nj, j);
        vstore(hn + j, vload(hp + j, n), n);
        vstore(o + j, zero, n);
      }
      continue;
    }
    const float* g = gh + b * 3 * nj;
    float* c = cache + b * ldc;
    for (int64_t j = 0; j < nj; j += kW) {
      const int64_t n = lanes(nj, j);
      const V r = vsigmoid(vload(c + j, n) + vload(g + j, n));
      const V z = vsigmoid(vload(c + H + j, n) + vload(g + nj + j, n));
      const V ghn = vload(g + 2 * nj + j, n);
      const V nn = vtanh(fma(r, ghn, vload(c + 2 * H + j, n)));
      const V h = fma(z, vload(hp + j, n) - nn, nn);
      vstore(c + j, r, n);
      vstore(c + H + j, z, n);
      vstore(c + 2 * H + j, nn, n);
      vstore(c + 3 * H + j, ghn, n);
      vstore(hn + j, h, n);
      vstore(o + j, h, n);
    }
  }
}

// dh = g + dd + dout; dn = dh (1 - z), dz = dh (h_prev - n), dd' = dh z; da_n = dn (1 - n^2),
// da_r = da_n gh_n r (1 - r), da_z = dz z (1 - z); dcache = [da_r | da_z | da_n r | da_n].
void gru_step_backward(int64_t B, int64_t nj, int64_t H, const float* g, float* dd, const float* dout, int64_t ldo,
                       const float* cache, int64_t ldc, const float* const* prev, float* dcache, int64_t ldd,
                       const uint8_t* active) {
  const V zero = vset(0.0f), one = vset(1.0f);
  for (int64_t b = 0; b < B; b++) {
    const float* gb = g + b * nj;
    float* db = dd + b * nj;
    float* dc = dcache + b * ldd;
    if (active != nullptr && active[b] == 0) {
      for (int64_t j = 0; j < nj; j += kW) {
        const int64_t n = lanes(nj, j);
        vstore(db + j, vload(gb + j, n) + vload(db + j, n), n);
        for (int k = 0; k < 4; k++) vstore(dc + k * H + j, zero, n);
      }
      continue;
    }
    const float* c = cache + b * ldc;
    const float* hp = prev[b];
    const float* o = dout != nullptr ? dout + b * ldo : nullptr;
    for (int64_t j = 0; j < nj; j += kW) {
      const int64_t n = lanes(nj, j);
      V dh = vload(gb + j, n) + vload(db + j, n);
      if (o != nullptr) dh = dh + vload(o + j, n);
      const V r = vload(c + j, n), z = vload(c + H + j, n), nn = vload(c + 2 * H + j, n);
      const V ghn = vload(c + 3 * H + j, n);
      const V dan = dh * (one - z) * (one - nn * nn);
      const V dz = dh * (vload(hp + j, n) - nn);
      vstore(dc + j, dan * ghn * r * (one - r), n);
      vstore(dc + H + j, dz * z * (one - z), n);
      vstore(dc + 2 * H + j, dan * r, n);
      vstore(dc + 3 * H + j, dan, n);
      vstore(db + j, dh * z, n);
    }
  }
}

// i, f, o = s(a), g = tanh(a), a = gi + gh; c = f c_prev + i g; h = o tanh(c).
void lstm_step_forward(int64_t B, int64_t nj, int64_t H, const float* gh, float* cache, int64_t ldc,
                       const float* const* prev, const float* const* cprev, float* hnext, float* cnext, int64_t ldh,
                       float* out, int64_t ldo, const uint8_t* active) {
  const V zero = vset(0.0f);
  for (int64_t b = 0; b < B; b++) {
    const float* cp = cprev[b];
    float* hn = hnext + b * ldh;
    float* cn = cnext + b * ldh;
    float* o = out + b * ldo;
    if (active != nullptr && active[b] == 0) {
      const float* hp = prev[b];
      for (int64_t j = 0; j < nj; j += kW) {
        const int64_t n = lanes(nj, j);
        vstore(hn + j, vload(hp + j, n), n);
        vstore(cn + j, vload(cp + j, n), n);
        vstore(o + j, zero, n);
      }
      continue;
    }
    const float* g = gh + b * 4 * nj;
    float* c = cache + b * ldc;
    for (int64_t j = 0; j < nj; j += kW) {
      const int64_t n = lanes(nj, j);
      const V i = vsigmoid(vload(c + j, n) + vload(g + j, n));
      const V f = vsigmoid(vload(c + H + j, n) + vload(g + nj + j, n));
      const V gg = vtanh(vload(c + 2 * H + j, n) + vload(g + 2 * nj + j, n));
      const V og = vsigmoid(vload(c + 3 * H + j, n) + vload(g + 3 * nj + j, n));
      const V cc = fma(f, vload(cp + j, n), i * gg);
      const V h = og * vtanh(cc);
      vstore(c + j, i, n);
      vstore(c + H + j, f, n);
      vstore(c + 2 * H + j, gg, n);
      vstore(c + 3 * H + j, og, n);
      vstore(c + 4 * H + j, cc, n);
      vstore(cn + j, cc, n);
      vstore(hn + j, h, n);
      vstore(o + j, h, n);
    }
  }
}

// dh = g + dd + dout; tc = tanh(c); dc += dh o (1 - tc^2); dcache = [dc g i(1-i) | dc c_prev f(1-f) |
// dc i (1-g^2) | dh tc o(1-o)]; dc' = dc f; dd' = 0 (h_prev reaches the loss only through the gates).
void lstm_step_backward(int64_t B, int64_t nj, int64_t H, const float* g, float* dd, float* dc, const float* dout,
                        int64_t ldo, const float* cache, int64_t ldc, const float* const* cprev, float* dcache,
                        int64_t ldd, const uint8_t* active) {
  const V zero = vset(0.0f), one = vset(1.0f);
  for (int64_t b = 0; b < B; b++) {
    const float* gb = g + b * nj;
    float* db = dd + b * nj;
    float* dcb = dc + b * nj;
    float* dg = dcache + b * ldd;
    if (active != nullptr && active[b] == 0) {
      for (int64_t j = 0; j < nj; j += kW) {
        const int64_t n = lanes(nj, j);
        vstore(db + j, vload(gb + j, n) + vload(db + j, n), n);
        for (int k = 0; k < 4; k++) vstore(dg + k * H + j, zero, n);
      }
      continue;
    }
    const float* c = cache + b * ldc;
    const float* cp = cprev[b];
    const float* o = dout != nullptr ? dout + b * ldo : nullptr;
    for (int64_t j = 0; j < nj; j += kW) {
      const int64_t n = lanes(nj, j);
      V dh = vload(gb + j, n) + vload(db + j, n);
      if (o != nullptr) dh = dh + vload(o + j, n);
      const V i = vload(c + j, n), f = vload(c + H + j, n), gg = vload(c + 2 * H + j, n);
      const V og = vload(c + 3 * H + j, n);
      const V tc = vtanh(vload(c + 4 * H + j, n));
      const V dcell = fma(dh * og, one - tc * tc, vload(dcb + j, n));
      vstore(dg + j, dcell * gg * i * (one - i), n);
      vstore(dg + H + j, dcell * vload(cp + j, n) * f * (one - f), n);
      vstore(dg + 2 * H + j, dcell * i * (one - gg * gg), n);
      vstore(dg + 3 * H + j, dh * tc * og * (one - og), n);
      vstore(dcb + j, dcell * f, n);
      vstore(db + j, zero, n);
    }
  }
}

}  // namespace AK_ISA_NS
}  // namespace ak
