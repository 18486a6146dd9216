// Shared pieces of the projection kernels (PCA, kNN, NN-descent, t-SNE, UMAP): their registration, the metric codes,
// the counter-based hash both the kernels and their JS references use for every random choice, and the Float64Array /
// Int32Array argument helpers the common Args class does not have.
#pragma once

#include <napi.h>

#include <cstdint>
#include <string>

namespace ak {

// Metric codes as the TS layer passes them. Every kNN kernel ranks by squared euclidean distance; cosine runs on
// unit-length copies of the rows, where |a - b|^2 = 2 (1 - cos), and reports 1 - cos.
enum Metric : int { kEuclidean = 0, kCosine = 1 };

// 32-bit integer mixer (a xorshift-multiply finaliser). Every random choice of these kernels is mix_key(seed, a, b, c)
// of the indices that identify it (edge, epoch, sample...), never a stream, so a result does not depend on the order
// in which threads reach the choices; js/projection/rng.ts computes the same numbers with Math.imul.
static inline uint32_t mix32(uint32_t x) {
  x ^= x >> 16;
  x *= 0x7feb352dU;
  x ^= x >> 15;
  x *= 0x846ca68bU;
  x ^= x >> 16;
  return x;
}

static inline uint32_t mix_key(uint32_t seed, uint32_t a, uint32_t b, uint32_t c) {
  return mix32(mix32(mix32(mix32(seed) + a) + b) + c);
}

// A float in [0, 1) from a hash: its top 24 bits.
static inline float unit_float(uint32_t h) { return static_cast<float>(h >> 8) * (1.0f / 16777216.0f); }

// Typed argument access for arrays Args lacks (Float64Array), with the same one-TypeError-on-misuse behaviour.
double* f64_arg(const Napi::CallbackInfo& info, size_t i, const char* kernel, bool* ok);

// Throws a JS RangeError with `message` (prefixed by the kernel name) and returns undefined for the caller to return.
Napi::Value range_error(Napi::Env env, const char* kernel, const std::string& message);

// Each projection family adds its functions to the module exports; register_projection calls them all.
void register_pca(Napi::Env env, Napi::Object exports);
void register_knn(Napi::Env env, Napi::Object exports);
void register_nndescent(Napi::Env env, Napi::Object exports);
void register_tsne(Napi::Env env, Napi::Object exports);
void register_umap(Napi::Env env, Napi::Object exports);
void register_projection(Napi::Env env, Napi::Object exports);

}  // namespace ak
