// CPU detection: __builtin_cpu_supports on x86 (GCC/Clang); every other architecture runs the portable code only.
#include "cpu.h"

namespace ak {
namespace {

CpuFeatures detect() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  return CpuFeatures{__builtin_cpu_supports("avx2") != 0, __builtin_cpu_supports("fma") != 0};
#else
  return CpuFeatures{false, false};
#endif
}

const CpuFeatures g_features = detect();
bool g_use_avx2 = g_features.avx2 && g_features.fma;

}  // namespace

CpuFeatures cpu_features() { return g_features; }

bool set_use_avx2(bool enable) {
  g_use_avx2 = enable && g_features.avx2 && g_features.fma;
  return g_use_avx2;
}

bool use_avx2() { return g_use_avx2; }

}  // namespace ak
