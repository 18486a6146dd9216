// Runtime CPU feature detection and the global switch between the AVX2+FMA and portable code paths.
#pragma once

namespace ak {

struct CpuFeatures {
  bool avx2;
  bool fma;
};

CpuFeatures cpu_features();

// Selects AVX2 paths when `enable` and the CPU supports AVX2 and FMA; returns whether they are active afterwards.
bool set_use_avx2(bool enable);
bool use_avx2();

}  // namespace ak
