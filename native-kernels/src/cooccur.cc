// Co-occurrence counting for GloVe in a table of bounded size: cooccurCount adds the weighted pairs of whole sentences
// until the table is as full as allowed, cooccurRehash moves a full table into one twice as large while the memory
// budget allows, cooccurDrain sorts its entries in place so the caller can spill them to a file and merge the sorted
// runs later (main/ml/embeddings/glove/cooccur.ts).
//
// The table is a Float64Array of 2 * capacity doubles, slot s = [key, value]; key = i * V + j (exact in a double for
// V < 2^26) or -1 when the slot is empty; capacity is a power of two; open addressing with linear probing.
#include <napi.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "embeddings_register.h"
#include "named_args.h"

namespace ak {
namespace {

struct Entry {
  double key;
  double value;
};

// Slot of the pair (i, j): a 32-bit mix of both ids (the JS reference computes the same with Math.imul).
inline uint32_t slot_hash(uint32_t i, uint32_t j) {
  uint32_t h = (i * 0x9E3779B1u) ^ j;
  h ^= h >> 16;
  h *= 0x7feb352du;
  h ^= h >> 15;
  h *= 0x846ca68bu;
  h ^= h >> 16;
  return h;
}

class Table {
 public:
  Table(double* data, int64_t capacity, int64_t V) : e_(reinterpret_cast<Entry*>(data)), mask_(static_cast<uint32_t>(capacity - 1)), V_(V) {}

  // Adds w to the pair's value; returns true when the pair was new.
  bool add(int32_t i, int32_t j, double w) {
    const double k = static_cast<double>(static_cast<int64_t>(i) * V_ + j);
    uint32_t s = slot_hash(static_cast<uint32_t>(i), static_cast<uint32_t>(j)) & mask_;
    for (;;) {
      Entry& e = e_[s];
      if (e.key == k) {
        e.value += w;
        return false;
      }
      if (e.key < 0) {
        e.key = k;
        e.value = w;
        return true;
      }
      s = (s + 1) & mask_;
    }
  }

 private:
  Entry* e_;
  uint32_t mask_;
  int64_t V_;
};

// cooccurCount({ table, words, starts, lookup?, lookupStarts? }, options) -> { sentences, entries }
// options: V, window, symmetric, distanceWeighting, entries (already in the table), maxEntries
// lookup (Float64Array) / lookupStarts (Int32Array, R + 1 ascending offsets): the dense rows of the R most frequent
// words, or null.
// Counts sentences [0, S) of starts (S + 1 entries) in order and stops before the first sentence that could push the
// table past maxEntries (never before the first one); returns how many it counted and the entries now in the table.
Napi::Value CooccurCount(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  NamedArgs b(env, info[0], "cooccurCount", "buffers");
  NamedArgs o(env, info[1], "cooccurCount", "options");
  double* data = b.f64("table");
  const int64_t capacity = static_cast<int64_t>(b.length("table") / 2);
  const int32_t* words = b.i32("words");
  const int32_t* starts = b.i32("starts");
  const int64_t S = static_cast<int64_t>(b.length("starts")) - 1;
  const int64_t V = o.integer("V");
  const int64_t window = o.integer("window");
  const bool symmetric = o.boolean("symmetric");
  const bool distance = o.boolean("distanceWeighting");
  int64_t entries = o.integer("entries");
  const int64_t max_entries = o.integer("maxEntries");
  double* lookup = b.f64("lookup", true);
  const int32_t* lookup_starts = b.i32("lookupStarts", true);
  const int64_t rows = lookup_starts == nullptr ? 0 : static_cast<int64_t>(b.length("lookupStarts")) - 1;
  if (!b.ok() || !o.ok()) return env.Undefined();
  if (capacity < 2 || capacity > (int64_t{1} << 32) || (capacity & (capacity - 1)) != 0 || max_entries >= capacity) {
    Napi::RangeError::New(env, "cooccurCount: the table must hold a power-of-two number of slots, more than maxEntries.").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Table table(data, capacity, V);
  // Pairs (i, j) with j < the length of lookup row i (frequent words: row i has min(V, P / (i + 1)) columns) are
  // summed in the dense lookup instead of the table: that is most of a text's pairs, at one cache-friendly add each.
  const auto add = [&](int32_t i, int32_t j, double w) -> int64_t {
    if (i < rows) {
      const int64_t at = lookup_starts[i] + j;
      if (at < lookup_starts[i + 1]) {
        lookup[at] += w;
        return 0;
      }
    }
    return table.add(i, j, w) ? 1 : 0;
  };
  int64_t s = 0;
  for (; s < S; s++) {
    const int32_t* w = words + starts[s];
    const int64_t L = starts[s + 1] - starts[s];
    const int64_t most = L * window * (symmetric ? 2 : 1);
    if (s > 0 && entries + most > max_entries) break;
    for (int64_t p = 0; p < L; p++) {
      const int64_t first = std::max<int64_t>(0, p - window);
      for (int64_t q = p - 1; q >= first; q--) {
        const double weight = distance ? 1.0 / static_cast<double>(p - q) : 1.0;
        // the earlier word q as the word, the later word p in its context (and the reverse when symmetric)
        entries += add(w[q], w[p], weight);
        if (symmetric) entries += add(w[p], w[q], weight);
      }
    }
  }
  Napi::Object out = Napi::Object::New(env);
  out.Set("sentences", static_cast<double>(s));
  out.Set("entries", static_cast<double>(entries));
  return out;
}

// cooccurRehash({ from, to }, { V }) -> entries: inserts every pair of the table `from` into the (larger, emptied)
// table `to`, so a table can start small and double while the memory budget allows.
Napi::Value CooccurRehash(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  NamedArgs b(env, info[0], "cooccurRehash", "buffers");
  NamedArgs o(env, info[1], "cooccurRehash", "options");
  const double* from = b.f64("from");
  const int64_t from_cap = static_cast<int64_t>(b.length("from") / 2);
  double* to = b.f64("to");
  const int64_t to_cap = static_cast<int64_t>(b.length("to") / 2);
  const int64_t V = o.integer("V");
  if (!b.ok() || !o.ok()) return env.Undefined();
  Table table(to, to_cap, V);
  int64_t entries = 0;
  for (int64_t s = 0; s < from_cap; s++) {
    const double key = from[2 * s];
    if (key < 0) continue;
    const int64_t k = static_cast<int64_t>(key);
    table.add(static_cast<int32_t>(k / V), static_cast<int32_t>(k % V), from[2 * s + 1]);
    entries++;
  }
  return Napi::Number::New(env, static_cast<double>(entries));
}

// cooccurDrain(table) -> n: moves the n used slots to the front, sorted by key; the rest of the table is left as
// garbage (fill it with -1 before counting into it again).
Napi::Value CooccurDrain(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  NamedArgs b(env, info[0], "cooccurDrain", "buffers");
  double* data = b.f64("table");
  const int64_t capacity = static_cast<int64_t>(b.length("table") / 2);
  if (!b.ok()) return env.Undefined();
  Entry* e = reinterpret_cast<Entry*>(data);
  int64_t n = 0;
  for (int64_t s = 0; s < capacity; s++) {
    if (e[s].key >= 0) e[n++] = e[s];
  }
  std::sort(e, e + n, [](const Entry& a, const Entry& c) { return a.key < c.key; });
  return Napi::Number::New(env, static_cast<double>(n));
}

}  // namespace

void register_cooccur(Napi::Env env, Napi::Object exports) {
  exports.Set("cooccurCount", Napi::Function::New(env, CooccurCount, "cooccurCount"));
  exports.Set("cooccurDrain", Napi::Function::New(env, CooccurDrain, "cooccurDrain"));
  exports.Set("cooccurRehash", Napi::Function::New(env, CooccurRehash, "cooccurRehash"));
}

}  // namespace ak
