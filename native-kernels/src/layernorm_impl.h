// LayerNorm row loops (eps 1e-5), included once per instruction set (AK_ISA_NS = portable | avx2). Each function works
// on whole rows only, so a row's result never depends on how the caller split the rows among threads.
// Built with AVX2+FMA: float sums in 8 lanes in a fixed order (within the golden tolerance for C up to a few thousand);
// otherwise the plain loops accumulate in double.

#include <cmath>
#include <cstdint>

#if defined(__AVX2__) && defined(__FMA__)
#include "vecmath_avx2.h"
#endif

#ifndef AK_ISA_NS
#error "define AK_ISA_NS before including layernorm_impl.h"
#endif

namespace ak {
namespace AK_ISA_NS {

#if defined(__AVX2__) && defined(__FMA__)

// Runs body(c, mask) over [0, C) in steps of 8: mask is all ones for full vectors (callers use plain loads/stores there,
// masked stores are slow on AMD) and tail_mask8 for the last partial vector, with `full` telling which.
template <typename Body>
static inline void for_each8(int64_t C, Body body) {
  int64_t c = 0;
  for (; c + 8 <= C; c += 8) body(c, _mm256_set1_epi32(-1), true);
  if (c < C) body(c, tail_mask8(C - c), false);
}

static inline __m256 load8(const float* p, __m256i mask, bool full) {
  return full ? _mm256_loadu_ps(p) : _mm256_maskload_ps(p, mask);
}

static inline void store8(float* p, __m256 v, __m256i mask, bool full) {
  if (full) {
    _mm256_storeu_ps(p, v);
  } else {
    _mm256_maskstore_ps(p, mask, v);
  }
}

// rows x (C) -> out, mean, rstd (one each per row).
void layernorm_forward_rows(float* out, float* mean, float* rstd, const float* inp, const float* weight,
                            const float* bias, int64_t rows, int64_t C) {
  const float inv_c = 1.0f / static_cast<float>(C);
  for (int64_t n = 0; n < rows; n++) {
    const float* x = inp + n * C;
    __m256 acc = _mm256_setzero_ps();
    for_each8(C, [&](int64_t c, __m256i mk, bool full) { acc = _mm256_add_ps(acc, load8(x + c, mk, full)); });
    const float m = hsum8(acc) * inv_c;
    const __m256 vm = _mm256_set1_ps(m);
    acc = _mm256_setzero_ps();
    for_each8(C, [&](int64_t c, __m256i mk, bool full) {
      // Lanes past the row read 0, and 0 - m must not count: masked to zero.
      const __m256 d = _mm256_and_ps(_mm256_sub_ps(load8(x + c, mk, full), vm), _mm256_castsi256_ps(mk));
      acc = _mm256_fmadd_ps(d, d, acc);
    });
    const float s = 1.0f / std::sqrt(hsum8(acc) * inv_c + 1e-5f);
    const __m256 vs = _mm256_set1_ps(s);
    float* o = out + n * C;
    for_each8(C, [&](int64_t c, __m256i mk, bool full) {
      const __m256 xhat = _mm256_mul_ps(_mm256_sub_ps(load8(x + c, mk, full), vm), vs);
      store8(o + c, _mm256_fmadd_ps(xhat, load8(weight + c, mk, full), load8(bias + c, mk, full)), mk, full);
    });
    mean[n] = m;
    rstd[n] = s;
  }
}

// rows -> dinp (written; plus dres, a residual branch's gradient, when it is non-null), pw += dout * xhat and
// pb += dout (C floats each, summed in row order).
void layernorm_backward_rows(float* dinp, float* pw, float* pb, const float* dout, const float* inp,
                             const float* weight, const float* mean, const float* rstd, int64_t rows, int64_t C,
                             const float* dres) {
  const float inv_c = 1.0f / static_cast<float>(C);
  for (int64_t n = 0; n < rows; n++) {
    const float* x = inp + n * C;
    const float* d = dout + n * C;
    const __m256 vm = _mm256_set1_ps(mean[n]);
    const __m256 vs = _mm256_set1_ps(rstd[n]);
    // Masked lanes load dout = weight = 0, so g = 0 there and they add nothing.
    __m256 acc_g = _mm256_setzero_ps(), acc_gx = _mm256_setzero_ps();
    for_each8(C, [&](int64_t c, __m256i mk, bool full) {
      const __m256 xhat = _mm256_mul_ps(_mm256_sub_ps(load8(x + c, mk, full), vm), vs);
      const __m256 g = _mm256_mul_ps(load8(d + c, mk, full), load8(weight + c, mk, full));
      acc_g = _mm256_add_ps(acc_g, g);
      acc_gx = _mm256_fmadd_ps(g, xhat, acc_gx);
    });
    const __m256 gm = _mm256_set1_ps(hsum8(acc_g) * inv_c);
    const __m256 gxm = _mm256_set1_ps(hsum8(acc_gx) * inv_c);
    float* di = dinp + n * C;
    const float* dr = dres ? dres + n * C : nullptr;
    for_each8(C, [&](int64_t c, __m256i mk, bool full) {
      const __m256 xhat = _mm256_mul_ps(_mm256_sub_ps(load8(x + c, mk, full), vm), vs);
      const __m256 dv = load8(d + c, mk, full);
      store8(pb + c, _mm256_add_ps(load8(pb + c, mk, full), dv), mk, full);
      store8(pw + c, _mm256_fmadd_ps(dv, xhat, load8(pw + c, mk, full)), mk, full);
      const __m256 g = _mm256_mul_ps(dv, load8(weight + c, mk, full));
      __m256 r = _mm256_mul_ps(_mm256_fnmadd_ps(xhat, gxm, _mm256_sub_ps(g, gm)), vs);
      if (dr) {
        // Rounded product first, then the add (no FMA contraction): the same bits as a separate residual add.
        __asm__("" : "+x"(r));
        r = _mm256_add_ps(r, load8(dr + c, mk, full));
      }
      store8(di + c, r, mk, full);
    });
  }
}

#else

void layernorm_forward_rows(float* out, float* mean, float* rstd, const float* inp, const float* weight,
                            const float* bias, int64_t rows, int64_t C) {
  for (int64_t n = 0; n < rows; n++) {
    const float* x = inp + n * C;
    double m = 0;
    for (int64_t c = 0; c < C; c++) m += x[c];
    m /= static_cast<double>(C);
    double v = 0;
    for (int64_t c = 0; c < C; c++) {
      const double d = x[c] - m;
      v += d * d;
    }
    v /= static_cast<double>(C);
    const float mf = static_cast<float>(m);
    const float s = static_cast<float>(1.0 / std::sqrt(v + 1e-5));
    float* o = out + n * C;
    for (int64_t c = 0; c < C; c++) o[c] = (x[c] - mf) * s * weight[c] + bias[c];
    mean[n] = mf;
    rstd[n] = s;
  }
}

void layernorm_backward_rows(float* dinp, float* pw, float* pb, const float* dout, const float* inp,
                             const float* weight, const float* mean, const float* rstd, int64_t rows, int64_t C,
                             const float* dres) {
  for (int64_t n = 0; n < rows; n++) {
    const float* x = inp + n * C;
    const float* d = dout + n * C;
    const float m = mean[n];
    const float s = rstd[n];
    double g_mean = 0, gx_mean = 0;
    for (int64_t c = 0; c < C; c++) {
      const float xhat = (x[c] - m) * s;
      const float g = d[c] * weight[c];
      g_mean += g;
      gx_mean += static_cast<double>(g) * xhat;
    }
    const float gm = static_cast<float>(g_mean / static_cast<double>(C));
    const float gxm = static_cast<float>(gx_mean / static_cast<double>(C));
    // Two loops, not one: with three float outputs GCC needs too many alias checks and leaves a single loop scalar.
    for (int64_t c = 0; c < C; c++) {
      const float xhat = (x[c] - m) * s;
      pb[c] += d[c];
      pw[c] += d[c] * xhat;
    }
    float* di = dinp + n * C;
    if (dres) {
      const float* dr = dres + n * C;  // may be di itself: read before the write
      for (int64_t c = 0; c < C; c++) {
        const float xhat = (x[c] - m) * s;
        // On x86 this build has no FMA, so v is rounded before the add, as in a separate residual add (a compiler for
        // another CPU may fuse the two: at most a last-bit difference, still the same for every thread count).
        const float v = (d[c] * weight[c] - gm - xhat * gxm) * s;
        di[c] = v + dr[c];
      }
    } else {
      for (int64_t c = 0; c < C; c++) {
        const float xhat = (x[c] - m) * s;
        di[c] = (d[c] * weight[c] - gm - xhat * gxm) * s;
      }
    }
  }
}

#endif

}  // namespace AK_ISA_NS
}  // namespace ak
