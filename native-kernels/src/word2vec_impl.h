// Word2Vec / FastText training loops, included once per instruction set (AK_ISA_NS = portable | avx2); declarations
// and buffer shapes in word2vec_kernels.h.
//
// One prediction (an input vector h predicting a target word) is computed in three passes instead of target by
// target: every score f_k = h . out_k first, then every sigmoid, gradient g_k = (label_k - sigmoid(f_k)) * alpha and
// loss at once (8 lanes), then one fused pass neu1e += g_k out_k ; out_k += g_k h over all targets. h does not change
// during a prediction, so this equals the original tool's target-by-target loop except when the same output row is
// drawn twice as a negative (there both updates see the row before either, instead of the second seeing the first).
// The sigmoid is exact (no 1000-entry table clipped at |f| = 6), so no update is skipped.
//
// Row tails (D = 100 is 12 x 8 + 4) use one 4-lane step and then single floats, never masked loads/stores: on AMD
// Zen vmaskmovps stores are microcoded and cost tens of cycles, and a prediction made seven of them.
//
// The rows a prediction touches are scattered over tables larger than L2, so the loop asks for them early: negatives
// come from their own random stream (seed ^ kNegativeStream), drawn kLookahead predictions before they are used and
// prefetched as they are drawn; the next context row and the next centre's output row are prefetched one step ahead.
// Because negatives have their own stream, drawing them early changes no number: the JS reference draws them when used.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "vecmath.h"
#include "word2vec_kernels.h"
#include "word2vec_rng.h"
#if defined(__AVX2__) && defined(__FMA__)
#include "vecmath_avx2.h"
#endif

#ifndef AK_ISA_NS
#error "define AK_ISA_NS before including word2vec_impl.h"
#endif

namespace ak {
namespace AK_ISA_NS {
namespace {

// A growable array for the trainer's scratch memory. Not std::vector: its out-of-line members (_M_default_append,
// _M_realloc_insert) would be weak global symbols compiled for this instruction set, which the linker may keep for
// the portable build too (test/unit/kernels/isa-isolation.test.ts). Defined in this anonymous namespace, every
// instance has internal linkage; calloc/realloc cannot throw, so no exception tables are emitted either.
template <typename T>
class Scratch {
 public:
  Scratch() = default;
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  ~Scratch() { std::free(data_); }
  // n zeroed elements
  void resize(size_t n) {
    reserve(n);
    std::memset(static_cast<void*>(data_), 0, n * sizeof(T));
    size_ = n;
  }
  void reserve(size_t n) {
    if (n <= cap_) return;
    T* grown = static_cast<T*>(std::realloc(static_cast<void*>(data_), n * sizeof(T)));
    if (grown == nullptr) std::abort();
    data_ = grown;
    cap_ = n;
  }
  void push_back(T v) {
    if (size_ == cap_) reserve(cap_ < 16 ? 16 : 2 * cap_);
    data_[size_++] = v;
  }
  void clear() { size_ = 0; }
  size_t size() const { return size_; }
  T* data() { return data_; }
  T* begin() { return data_; }
  T* end() { return data_ + size_; }
  const T* begin() const { return data_; }
  const T* end() const { return data_ + size_; }
  T& operator[](size_t i) { return data_[i]; }

 private:
  T* data_ = nullptr;
  size_t size_ = 0;
  size_t cap_ = 0;
};

// the vector primitives (dot, dots, gradients, update, add_to, axpy, scale), per instruction set
#include "word2vec_vec_impl.h"

inline void prefetch_row(const float* row, int64_t D) {
  const char* p = reinterpret_cast<const char*>(row);
  for (int64_t at = 0; at < D * 4; at += 64) __builtin_prefetch(p + at, 1, 3);
}

// Negatives are drawn this many predictions before they are used.
constexpr int kLookahead = 2;

double learning_rate(const W2vOptions& o, int64_t done) {
  const double a = o.alpha - (o.alpha - o.min_alpha) * static_cast<double>(done) / static_cast<double>(o.words_total);
  return std::max(a, o.min_alpha);
}

// One thread's working memory and the prediction step shared by every mode.
class Trainer {
 public:
  Trainer(const W2vBuffers& b, const W2vOptions& o) : b_(b), o_(o) {
    const size_t D = static_cast<size_t>(o.D);
    h_.resize(D);
    neu1e_.resize(D);
    acc_.resize(D);
    size_t most = static_cast<size_t>(o.negative) + 1;
    if (o.hs) {
      for (int64_t w = 0; w < o.V; w++) most = std::max(most, static_cast<size_t>(b.code_starts[w + 1] - b.code_starts[w]));
    }
    // whole 8-lane blocks: gradients() loads and stores them unmasked
    const size_t padded = (most + 7) / 8 * 8;
    f_.resize(padded);
    g_.resize(padded);
    label_.resize(padded);
    rows_.resize(most);
    if (o.negative > 0) ahead_.resize(static_cast<size_t>(o.negative) * (kLookahead + 1));
  }

  void run(const int64_t* cuts, int64_t nblocks, std::atomic<int64_t>* next, uint32_t seed,
           std::atomic<int64_t>* progress, W2vStats* stats) {
    float alpha = static_cast<float>(learning_rate(o_, o_.words_before + progress->load(std::memory_order_relaxed)));
    int64_t pending = 0;
    for (;;) {
     const int64_t blk = next->fetch_add(1, std::memory_order_relaxed);
     if (blk >= nblocks) break;
     start_block(seed + static_cast<uint32_t>(blk) * 0x9e3779b9u);
     for (int64_t s = cuts[blk]; s < cuts[blk + 1]; s++) {
      const int32_t* w = b_.words + b_.starts[s];
      const int64_t n = b_.starts[s + 1] - b_.starts[s];
      sen_.clear();
      for (int64_t i = 0; i < n; i++) {
        const float keep = b_.keep == nullptr ? 1.0f : b_.keep[w[i]];
        if (keep >= 1.0f || w2v_uniform(rng_) < static_cast<double>(keep)) sen_.push_back(w[i]);
      }
      stats->words += n;
      stats->effective += static_cast<int64_t>(sen_.size());
      sentence(alpha);
      pending += n;
      if (pending >= kProgressWords) {
        const int64_t done = progress->fetch_add(pending, std::memory_order_relaxed) + pending;
        pending = 0;
        alpha = static_cast<float>(learning_rate(o_, o_.words_before + done));
      }
     }
    }
    progress->fetch_add(pending, std::memory_order_relaxed);
    stats->loss += loss_;
    stats->predictions += predictions_;
  }

 private:
  // A block's own random streams, and its first kLookahead predictions' negatives drawn.
  void start_block(uint32_t seed) {
    rng_ = w2v_rng_seed(seed);
    neg_rng_ = w2v_rng_seed(seed ^ kNegativeStream);
    ring_ = 0;
    if (o_.negative > 0) {
      for (int p = 0; p < kLookahead; p++) draw_negatives(p);
    }
  }

  float* in_row(int32_t r) const { return b_.syn0 + static_cast<int64_t>(r) * o_.D; }

  // h predicts `target`: neu1e receives the gradient for h (zeroed here), the output rows are updated.
  void predict(const float* h, int32_t target, float alpha) {
    const int64_t D = o_.D;
    std::fill(neu1e_.begin(), neu1e_.end(), 0.0f);
    if (o_.hs) {
      const int32_t c0 = b_.code_starts[target], c1 = b_.code_starts[target + 1];
      const int n = c1 - c0;
      for (int k = 0; k < n; k++) {
        rows_[k] = b_.syn1 + static_cast<int64_t>(b_.points[c0 + k]) * D;
        label_[k] = 1.0f - static_cast<float>(b_.codes[c0 + k]);
      }
      apply(h, n, alpha);
    }
    if (o_.negative > 0) {
      // this prediction's negatives were drawn kLookahead predictions ago; draw those of prediction + kLookahead now
      const int64_t slot = ring_ % (kLookahead + 1);
      draw_negatives((ring_ + kLookahead) % (kLookahead + 1));
      const int32_t* negs = ahead_.data() + slot * o_.negative;
      int n = 0;
      rows_[n] = b_.syn1neg + static_cast<int64_t>(target) * D;
      label_[n++] = 1.0f;
      for (int d = 0; d < o_.negative; d++) {
        const int32_t t = negs[d];
        if (t == target) continue;
        rows_[n] = b_.syn1neg + static_cast<int64_t>(t) * D;
        label_[n++] = 0.0f;
      }
      apply(h, n, alpha);
    }
    predictions_++;
    ring_++;
  }

  // Fills slot `slot` of the ring with the next `negative` draws of the negatives' stream and prefetches their rows.
  void draw_negatives(int64_t slot) {
    int32_t* negs = ahead_.data() + slot * o_.negative;
    for (int d = 0; d < o_.negative; d++) {
      negs[d] = w2v_negative(neg_rng_, b_.alias_prob, b_.alias, o_.V);
      prefetch_row(b_.syn1neg + static_cast<int64_t>(negs[d]) * o_.D, o_.D);
    }
  }

  void apply(const float* h, int n, float alpha) {
    dots(f_.data(), h, rows_.data(), n, o_.D);
    loss_ += gradients(f_.data(), label_.data(), g_.data(), n, alpha);
    update(h, neu1e_.data(), rows_.data(), g_.data(), n, o_.D);
  }

  // The input rows of word w: its own row (Word2Vec) or its subword rows (FastText).
  void inputs(int32_t w, const int32_t** first, int64_t* count) const {
    if (b_.sub_rows == nullptr) {
      *first = nullptr;
      *count = 1;
    } else {
      *first = b_.sub_rows + b_.sub_starts[w];
      *count = b_.sub_starts[w + 1] - b_.sub_starts[w];
    }
  }
  int32_t input_row(int32_t w, const int32_t* first, int64_t k) const { return first == nullptr ? w : first[k]; }

  // h = the sum of the rows listed in ctx_ divided by `divisor` (1 = the plain sum).
  void average(float divisor) {
    const int64_t D = o_.D;
    std::fill(h_.begin(), h_.end(), 0.0f);
    for (const int32_t r : ctx_) add_to(h_.data(), in_row(r), D);
    if (divisor != 1.0f) scale(h_.data(), 1.0f / divisor, D);
  }

  void sentence(float alpha) {
    const int64_t L = static_cast<int64_t>(sen_.size());
    const int64_t D = o_.D;
    const bool fasttext = b_.sub_rows != nullptr;
    for (int64_t i = 0; i < L; i++) {
      const int64_t reach = o_.window - static_cast<int64_t>(w2v_next(rng_) % static_cast<uint32_t>(o_.window));
      const int64_t j0 = std::max<int64_t>(0, i - reach), j1 = std::min<int64_t>(L, i + reach + 1);
      if (o_.sg && !fasttext) {
        // word2vec.c's skip-gram: each context word's row predicts the centre word.
        if (o_.negative > 0 && i + 1 < L) prefetch_row(b_.syn1neg + static_cast<int64_t>(sen_[i + 1]) * D, D);
        for (int64_t j = j0; j < j1; j++) {
          if (j == i) continue;
          if (j + 1 < j1) prefetch_row(in_row(sen_[j + 1]), D);
          float* l1 = in_row(sen_[j]);
          predict(l1, sen_[i], alpha);
          add_to(l1, neu1e_.data(), D);
        }
      } else if (o_.sg) {
        // fastText's skip-gram: the centre word's rows predict each context word. Their sum is divided by the number
        // of n-grams (the rows but the word's own), as gensim does; Facebook's fastText divides by all the rows.
        ctx_.clear();
        const int32_t* first;
        int64_t count;
        inputs(sen_[i], &first, &count);
        for (int64_t k = 0; k < count; k++) ctx_.push_back(input_row(sen_[i], first, k));
        //
        // Every context of one centre reads the same rows, and a step adds neu1e to each of the `count` row entries;
        // a row listed m times (two n-grams in one bucket) gets m neu1e and is summed m times, so the sum grows by
        // (sum over entries of their row's multiplicity) * neu1e: h is kept up to date with h += grow * neu1e and the
        // rows get the summed neu1e once, after the last context. On one thread this is the per-context recomputation and
        // update of the reference tools to float rounding (no other prediction reads these rows meanwhile), at a
        // third of the memory traffic (js/word2vec.ts keeps the plain version, and the tests compare the two).
        const float divisor = count > 1 ? static_cast<float>(count - 1) : 1.0f;
        int64_t weight = 0;
        for (const int32_t r : ctx_) weight += std::count(ctx_.begin(), ctx_.end(), r);
        const float grow = static_cast<float>(weight) / divisor;
        average(divisor);
        std::fill(acc_.begin(), acc_.end(), 0.0f);
        bool any = false;
        for (int64_t j = j0; j < j1; j++) {
          if (j == i) continue;
          predict(h_.data(), sen_[j], alpha);
          axpy(h_.data(), grow, neu1e_.data(), D);
          add_to(acc_.data(), neu1e_.data(), D);
          any = true;
        }
        if (any) for (const int32_t r : ctx_) add_to(in_row(r), acc_.data(), D);
      } else {
        // CBOW: the context rows (every subword row of every context word for FastText) predict the centre word.
        ctx_.clear();
        int64_t words = 0;
        for (int64_t j = j0; j < j1; j++) {
          if (j == i) continue;
          const int32_t* first;
          int64_t count;
          inputs(sen_[j], &first, &count);
          for (int64_t k = 0; k < count; k++) ctx_.push_back(input_row(sen_[j], first, k));
          words++;
        }
        if (words == 0) continue;
        const bool mean = o_.cbow_mean || fasttext;
        average(mean ? static_cast<float>(ctx_.size()) : 1.0f);
        predict(h_.data(), sen_[i], alpha);
        // gensim divides the error over a summed window by the number of context words (cbow_mean = 0)
        if (!mean) scale(neu1e_.data(), 1.0f / static_cast<float>(words), D);
        for (const int32_t r : ctx_) add_to(in_row(r), neu1e_.data(), D);
      }
    }
  }

  const W2vBuffers& b_;
  const W2vOptions& o_;
  W2vRng rng_, neg_rng_;
  Scratch<int32_t> ahead_;  // (kLookahead + 1) slots of `negative` drawn negatives, a ring
  Scratch<int32_t> sen_, ctx_;
  Scratch<float> h_, neu1e_, acc_, f_, g_, label_;
  Scratch<float*> rows_;
  double loss_ = 0;
  int64_t predictions_ = 0;
  int64_t ring_ = 0;  // predictions since the block started: the lookahead ring's position
};

}  // namespace

void w2v_train_part(const W2vBuffers& b, const W2vOptions& o, const int64_t* cuts, int64_t nblocks,
                    std::atomic<int64_t>* next, uint32_t seed, std::atomic<int64_t>* progress, W2vStats* stats) {
  Trainer t(b, o);
  t.run(cuts, nblocks, next, seed, progress, stats);
}

}  // namespace AK_ISA_NS
}  // namespace ak
