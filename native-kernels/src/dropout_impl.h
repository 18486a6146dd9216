// Dropout loops, included once per instruction set (AK_ISA_NS = portable | avx2). The mask of element i depends only
// on (key, i) through a counter-based hash, so any split of the range gives the same result; the AVX2+FMA build hashes
// 8 indices per step.

#include <cstdint>
#include <cstring>

#if defined(__AVX2__) && defined(__FMA__)
#include "vecmath_avx2.h"
#endif

#ifndef AK_ISA_NS
#error "define AK_ISA_NS before including dropout_impl.h"
#endif

namespace ak {
namespace AK_ISA_NS {

// Element i is kept when (hash(key, i) >> 8) >= threshold, where threshold = ceil(p * 2^24) is in [0, 2^24]. That is
// the JS test uniform(key, i) >= p exactly: uniform is (hash >> 8) / 2^24, and both sides scale by 2^24 without rounding.

#if defined(__AVX2__) && defined(__FMA__)

// Chris Wellons' lowbias32 integer hash on 8 lanes.
static inline __m256i lowbias32_8(__m256i x) {
  x = _mm256_xor_si256(x, _mm256_srli_epi32(x, 16));
  x = _mm256_mullo_epi32(x, _mm256_set1_epi32(0x7feb352d));
  x = _mm256_xor_si256(x, _mm256_srli_epi32(x, 15));
  x = _mm256_mullo_epi32(x, _mm256_set1_epi32(static_cast<int>(0x846ca68bU)));
  return _mm256_xor_si256(x, _mm256_srli_epi32(x, 16));
}

// Elements [first, first + n): out = keep ? inp * keep_scale : 0, mask = keep (one byte each).
void dropout_forward_range(float* out, uint8_t* mask, const float* inp, int64_t first, int64_t n, uint32_t key,
                           uint32_t threshold, float keep_scale) {
  const __m256i vkey = _mm256_set1_epi32(static_cast<int>(key));
  // threshold - 1 >= -1 and hash >> 8 < 2^24, so a signed compare is exact.
  const __m256i below = _mm256_set1_epi32(static_cast<int>(threshold) - 1);
  const __m256 scale = _mm256_set1_ps(keep_scale);
  __m256i idx = _mm256_add_epi32(_mm256_set1_epi32(static_cast<int>(static_cast<uint32_t>(first))),
                                 _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  for (int64_t i = 0; i < n; i += 8) {
    const __m256i h = lowbias32_8(_mm256_add_epi32(lowbias32_8(_mm256_xor_si256(idx, vkey)), vkey));
    const __m256i keep = _mm256_cmpgt_epi32(_mm256_srli_epi32(h, 8), below);
    idx = _mm256_add_epi32(idx, _mm256_set1_epi32(8));
    // keep as bytes 0/1: pack 8 x int32 -> 8 x int16 -> 8 x uint8 (each 128-bit half holds 4 of them in its low dword).
    const __m256i ones = _mm256_and_si256(keep, _mm256_set1_epi32(1));
    const __m256i packed = _mm256_packus_epi16(_mm256_packs_epi32(ones, ones), _mm256_packs_epi32(ones, ones));
    const uint64_t bytes = static_cast<uint32_t>(_mm_cvtsi128_si32(_mm256_castsi256_si128(packed))) |
                           static_cast<uint64_t>(static_cast<uint32_t>(_mm_cvtsi128_si32(_mm256_extracti128_si256(packed, 1)))) << 32;
    if (i + 8 <= n) {
      _mm256_storeu_ps(out + i, _mm256_and_ps(_mm256_mul_ps(_mm256_loadu_ps(inp + i), scale), _mm256_castsi256_ps(keep)));
      std::memcpy(mask + i, &bytes, 8);
    } else {
      const __m256i mk = tail_mask8(n - i);
      const __m256 x = _mm256_maskload_ps(inp + i, mk);
      _mm256_maskstore_ps(out + i, mk, _mm256_and_ps(_mm256_mul_ps(x, scale), _mm256_castsi256_ps(keep)));
      std::memcpy(mask + i, &bytes, static_cast<size_t>(n - i));  // little-endian: byte j is lane j
    }
  }
}

// dinp = mask ? dout * keep_scale : 0 over n elements.
void dropout_backward_range(float* dinp, const float* dout, const uint8_t* mask, int64_t n, float keep_scale) {
  const __m256 scale = _mm256_set1_ps(keep_scale);
  for (int64_t i = 0; i < n; i += 8) {
    uint64_t bytes = 0;
    const int64_t len = n - i < 8 ? n - i : 8;
    std::memcpy(&bytes, mask + i, static_cast<size_t>(len));
    const __m256i m32 = _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(&bytes)));
    const __m256 keep = _mm256_castsi256_ps(_mm256_cmpgt_epi32(m32, _mm256_setzero_si256()));
    if (len == 8) {
      _mm256_storeu_ps(dinp + i, _mm256_and_ps(_mm256_mul_ps(_mm256_loadu_ps(dout + i), scale), keep));
    } else {
      const __m256i mk = tail_mask8(len);
      _mm256_maskstore_ps(dinp + i, mk, _mm256_and_ps(_mm256_mul_ps(_mm256_maskload_ps(dout + i, mk), scale), keep));
    }
  }
}

#else

// Chris Wellons' lowbias32 integer hash.
static inline uint32_t lowbias32(uint32_t x) {
  x ^= x >> 16;
  x *= 0x7feb352dU;
  x ^= x >> 15;
  x *= 0x846ca68bU;
  x ^= x >> 16;
  return x;
}

void dropout_forward_range(float* out, uint8_t* mask, const float* inp, int64_t first, int64_t n, uint32_t key,
                           uint32_t threshold, float keep_scale) {
  for (int64_t i = 0; i < n; i++) {
    const uint32_t index = static_cast<uint32_t>(first + i);
    const bool keep = (lowbias32(lowbias32(index ^ key) + key) >> 8) >= threshold;
    mask[i] = keep ? 1 : 0;
    out[i] = keep ? inp[i] * keep_scale : 0.0f;
  }
}

void dropout_backward_range(float* dinp, const float* dout, const uint8_t* mask, int64_t n, float keep_scale) {
  for (int64_t i = 0; i < n; i++) dinp[i] = mask[i] ? dout[i] * keep_scale : 0.0f;
}

#endif

}  // namespace AK_ISA_NS
}  // namespace ak
