// Branch-free float exp written so GCC vectorizes loops that call it (no libm call, no lookup): Cephes expf
// polynomial with Cody-Waite range reduction. Max relative error ~2 ulp on [-87, 88]; inputs are clamped to that range.
#pragma once

#include <cstdint>
#include <cstring>

namespace ak {

// static (internal linkage) and free of std:: templates on purpose: this header is compiled both with and without
// -mavx2, and an inline function with external linkage could be merged by the linker into the AVX2 copy, which the
// portable path would then execute on a CPU without AVX2.
static inline float exp_fast(float x) {
  x = x < -87.0f ? -87.0f : x;
  x = x > 88.0f ? 88.0f : x;
  // n = round(x / ln2) via the 1.5 * 2^23 shifter (exact without -ffast-math, which this project never uses).
  const float shifter = 12582912.0f;
  const float n = (x * 1.44269504088896341f + shifter) - shifter;
  const float r = (x - n * 0.693359375f) - n * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  const int32_t bits = (static_cast<int32_t>(n) + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}

}  // namespace ak
