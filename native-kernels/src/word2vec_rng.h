// The random stream of Word2Vec/FastText training: xoshiro128** seeded by splitmix32, 32-bit integer operations only,
// so native-kernels/js/word2vec.ts draws exactly the same numbers (subsampling, window sizes, negatives).
#pragma once

#include <cstdint>

namespace ak {

// static inline: this header is compiled with and without -mavx2 (see vecmath.h on shared symbols).
struct W2vRng {
  uint32_t s[4];
};

// The negatives' stream is seeded with seed ^ kNegativeStream (the other draws use seed itself).
constexpr uint32_t kNegativeStream = 0x5bd1e995u;

static inline uint32_t w2v_rotl(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }

// State from a 32-bit seed: four splitmix32 outputs (never all zero).
static inline W2vRng w2v_rng_seed(uint32_t seed) {
  W2vRng r{};
  uint32_t x = seed;
  for (int i = 0; i < 4; i++) {
    x += 0x9e3779b9u;
    uint32_t z = x;
    z = (z ^ (z >> 16)) * 0x85ebca6bu;
    z = (z ^ (z >> 13)) * 0xc2b2ae35u;
    r.s[i] = z ^ (z >> 16);
  }
  if ((r.s[0] | r.s[1] | r.s[2] | r.s[3]) == 0) r.s[0] = 1;
  return r;
}

static inline uint32_t w2v_next(W2vRng& r) {
  const uint32_t result = w2v_rotl(r.s[1] * 5u, 7) * 9u;
  const uint32_t t = r.s[1] << 9;
  r.s[2] ^= r.s[0];
  r.s[3] ^= r.s[1];
  r.s[1] ^= r.s[2];
  r.s[0] ^= r.s[3];
  r.s[2] ^= t;
  r.s[3] = w2v_rotl(r.s[3], 11);
  return result;
}

// Uniform in [0, 1) from one draw (exact in double, as in JS: r / 2^32).
static inline double w2v_uniform(W2vRng& r) { return static_cast<double>(w2v_next(r)) * (1.0 / 4294967296.0); }

// One draw from the alias table over V columns: the high 32 bits of r * V pick the column, the low 32 bits (as a
// fraction) decide between the column and its alias.
static inline int32_t w2v_negative(W2vRng& r, const float* prob, const int32_t* alias, int64_t V) {
  const uint64_t prod = static_cast<uint64_t>(w2v_next(r)) * static_cast<uint64_t>(V);
  const int32_t col = static_cast<int32_t>(prod >> 32);
  const double frac = static_cast<double>(static_cast<uint32_t>(prod)) * (1.0 / 4294967296.0);
  return frac < static_cast<double>(prob[col]) ? col : alias[col];
}

}  // namespace ak
