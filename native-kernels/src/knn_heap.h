// A bounded max-heap of k (distance, index) pairs over caller-owned arrays: the k smallest pairs offered so far,
// ordered lexicographically (a tie in distance goes to the lower index), so its final content does not depend on the
// order in which candidates were offered. Empty slots hold (+inf, -1).
#pragma once

#include <cstdint>
#include <limits>

namespace ak {

inline bool pair_less(float d1, int32_t i1, float d2, int32_t i2) { return d1 < d2 || (d1 == d2 && i1 < i2); }

struct NeighborHeap {
  int32_t* idx;
  float* dist;
  uint8_t* flag;  // optional per-slot flag (NN-descent's "new"), moved with its pair; may be null
  int k;

  void clear() {
    for (int s = 0; s < k; s++) {
      idx[s] = -1;
      dist[s] = std::numeric_limits<float>::infinity();
      if (flag) flag[s] = 0;
    }
  }

  float worst() const { return dist[0]; }

  bool contains(int32_t j) const {
    for (int s = 0; s < k; s++) {
      if (idx[s] == j) return true;
    }
    return false;
  }

  // Replaces the root by (d, j) when that pair is smaller; the caller rules out duplicates. Returns whether it did.
  bool push(float d, int32_t j, uint8_t f = 0) {
    if (!pair_less(d, j, dist[0], idx[0])) return false;
    int s = 0;
    for (;;) {
      const int l = 2 * s + 1, r = l + 1;
      int big = s;
      float bd = d;
      int32_t bi = j;
      if (l < k && pair_less(bd, bi, dist[l], idx[l])) { big = l; bd = dist[l]; bi = idx[l]; }
      if (r < k && pair_less(bd, bi, dist[r], idx[r])) { big = r; }
      if (big == s) break;
      dist[s] = dist[big];
      idx[s] = idx[big];
      if (flag) flag[s] = flag[big];
      s = big;
    }
    dist[s] = d;
    idx[s] = j;
    if (flag) flag[s] = f;
    return true;
  }

  // push() for candidates that may already be present (NN-descent): refuses a duplicate index.
  bool push_unique(float d, int32_t j, uint8_t f) {
    if (!pair_less(d, j, dist[0], idx[0]) || contains(j)) return false;
    return push(d, j, f);
  }

  // Sorts the slots ascending (heap sort in place); the heap property is gone afterwards.
  void sort_ascending() {
    for (int end = k - 1; end > 0; end--) {
      swap_slots(0, end);
      // sift the new root down within [0, end)
      int s = 0;
      for (;;) {
        const int l = 2 * s + 1, r = l + 1;
        int big = s;
        if (l < end && pair_less(dist[big], idx[big], dist[l], idx[l])) big = l;
        if (r < end && pair_less(dist[big], idx[big], dist[r], idx[r])) big = r;
        if (big == s) break;
        swap_slots(s, big);
        s = big;
      }
    }
  }

 private:
  void swap_slots(int a, int b) {
    const float d = dist[a];
    dist[a] = dist[b];
    dist[b] = d;
    const int32_t i = idx[a];
    idx[a] = idx[b];
    idx[b] = i;
    if (flag) {
      const uint8_t f = flag[a];
      flag[a] = flag[b];
      flag[b] = f;
    }
  }
};

}  // namespace ak
