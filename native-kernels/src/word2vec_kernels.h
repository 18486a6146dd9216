// Word2Vec / FastText training (skip-gram, CBOW; negative sampling and hierarchical softmax) shared by word2vec.cc
// (N-API side, threads) and its per-ISA loops in word2vec_impl.h. The JS reference is native-kernels/js/word2vec.ts.
#pragma once

#include <atomic>
#include <cstdint>

namespace ak {

// Views of the JS buffers one training call reads and updates (V = vocabulary, D = dimension). Rows are row-major.
struct W2vBuffers {
  float* syn0;                // (R, D) input vectors: Word2Vec R = V; FastText R = V + n-gram rows
  float* syn1neg;             // (V, D) output vectors of negative sampling, or null when negative == 0
  float* syn1;                // (V - 1, D) inner nodes of the Huffman tree, or null without hierarchical softmax
  const int32_t* words;       // word ids of the call's sentences, back to back (out-of-vocabulary words already gone)
  const int32_t* starts;      // (S + 1) sentence s is words[starts[s], starts[s+1])
  int64_t sentences;          // S
  const float* keep;          // (V) probability of keeping each occurrence (frequent-word subsampling), or null
  const float* alias_prob;    // (V) Walker alias table of unigram^0.75 for negatives: column i keeps i with this
  const int32_t* alias;       //     probability, else gives alias[i]
  const uint8_t* codes;       // Huffman codes (0/1) of every word, back to back, or null without hierarchical softmax
  const int32_t* points;      // the inner nodes on each word's path, aligned with codes
  const int32_t* code_starts; // (V + 1) word w's path is [code_starts[w], code_starts[w+1])
  const int32_t* sub_starts;  // FastText: (V + 1) word w's input rows are sub_rows[sub_starts[w], sub_starts[w+1]),
  const int32_t* sub_rows;    //   its own row first, then its n-gram rows; null for Word2Vec (input row = word id)
};

struct W2vOptions {
  int64_t V, D;
  int window;          // maximum distance; each position draws its own effective window in [1, window]
  int negative;        // negatives per prediction (0 = none)
  bool sg;             // skip-gram (else CBOW)
  bool hs;             // hierarchical softmax
  bool cbow_mean;      // CBOW input = mean of the context rows (else their sum)
  double alpha, min_alpha;             // learning rate falls linearly from alpha to min_alpha over words_total
  int64_t words_before, words_total;   // words trained before this call, and in the whole training
};

// What one thread saw: loss summed over predictions (-log sigma of the true label, summed over the positive and
// negatives, or over the nodes of a Huffman path), the number of predictions, words read and words kept.
struct W2vStats {
  double loss = 0;
  int64_t predictions = 0;
  int64_t words = 0;
  int64_t effective = 0;
};

// The learning rate is refreshed from the shared progress counter after every kProgressWords words a thread reads,
// as the original tool does (word2vec.c every 10,000 words).
constexpr int64_t kProgressWords = 10000;

// Sentences are cut into blocks of about kBlockWords words, which the workers claim in order from a shared counter
// (as gensim's workers take 10,000-word jobs from a queue): the workers stay within a block or two of each other in
// the text (two halves trained side by side would see the corpus in another order, which measurably changes what is
// learnt on a small corpus; tested against gensim in test/integration/embeddings-gensim.test.ts), and a worker whose
// core is taken by another process holds up nobody at the end of a call. Block k's random streams are seeded with
// seed + k * 0x9e3779b9, so its draws do not depend on which worker trains it.
constexpr int64_t kBlockWords = 10000;

// Claims blocks [cuts[k], cuts[k+1]) (sentence indices) from *next until all nblocks are taken.
namespace portable {
void w2v_train_part(const W2vBuffers& b, const W2vOptions& o, const int64_t* cuts, int64_t nblocks,
                    std::atomic<int64_t>* next, uint32_t seed, std::atomic<int64_t>* progress, W2vStats* stats);
}
namespace avx2 {
void w2v_train_part(const W2vBuffers& b, const W2vOptions& o, const int64_t* cuts, int64_t nblocks,
                    std::atomic<int64_t>* next, uint32_t seed, std::atomic<int64_t>* progress, W2vStats* stats);
}

}  // namespace ak
