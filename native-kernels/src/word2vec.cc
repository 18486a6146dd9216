// N-API side of Word2Vec / FastText training: word2vecTrain(buffers, options) trains one call's sentences on
// `parts` Hogwild workers (the pool's threads, lock-free updates of shared rows, as word2vec.c and gensim do), which
// take blocks of ~10,000 words in turn, and returns the loss, prediction and word counts. Loops in word2vec_impl.h, buffer shapes in word2vec_kernels.h.
#include <napi.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <vector>

#include "cpu.h"
#include "embeddings_register.h"
#include "named_args.h"
#include "threadpool.h"
#include "word2vec_kernels.h"

#define AK_ISA_NS portable
#include "word2vec_impl.h"
#undef AK_ISA_NS

namespace ak {
namespace {

// The sentence index where each of `parts` blocks starts, so that each gets about the same number of words:
// block p covers [cut[p], cut[p+1]).
std::vector<int64_t> part_cuts(const int32_t* starts, int64_t sentences, int64_t parts) {
  std::vector<int64_t> cut(static_cast<size_t>(parts + 1), sentences);
  cut[0] = 0;
  const int64_t total = starts[sentences] - starts[0];
  int64_t s = 0;
  for (int64_t p = 1; p < parts; p++) {
    const int64_t want = starts[0] + total * p / parts;
    while (s < sentences && starts[s] < want) s++;
    cut[static_cast<size_t>(p)] = s;
  }
  return cut;
}

// word2vecTrain(buffers, options) -> { loss, predictions, words, effective }
// buffers: syn0, syn1neg|null, syn1|null, words, starts, keep|null, aliasProb, alias, codes|null, points|null,
//          codeStarts|null, subStarts|null, subRows|null (see W2vBuffers)
// options: V, D, window, negative, sg, hs, cbowMean, alpha, minAlpha, wordsBefore, wordsTotal, seed, parts
Napi::Value Word2vecTrain(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  NamedArgs b(env, info[0], "word2vecTrain", "buffers");
  NamedArgs o(env, info[1], "word2vecTrain", "options");
  W2vBuffers buf{};
  buf.syn0 = b.f32("syn0");
  buf.syn1neg = b.f32("syn1neg", true);
  buf.syn1 = b.f32("syn1", true);
  buf.words = b.i32("words");
  buf.starts = b.i32("starts");
  buf.sentences = static_cast<int64_t>(b.length("starts")) - 1;
  buf.keep = b.f32("keep", true);
  buf.alias_prob = b.f32("aliasProb", true);
  buf.alias = b.i32("alias", true);
  buf.codes = b.u8("codes", true);
  buf.points = b.i32("points", true);
  buf.code_starts = b.i32("codeStarts", true);
  buf.sub_starts = b.i32("subStarts", true);
  buf.sub_rows = b.i32("subRows", true);
  W2vOptions opt{};
  opt.V = o.integer("V");
  opt.D = o.integer("D");
  opt.window = static_cast<int>(o.integer("window"));
  opt.negative = static_cast<int>(o.integer("negative"));
  opt.sg = o.boolean("sg");
  opt.hs = o.boolean("hs");
  opt.cbow_mean = o.boolean("cbowMean");
  opt.alpha = o.number("alpha");
  opt.min_alpha = o.number("minAlpha");
  opt.words_before = o.integer("wordsBefore");
  opt.words_total = o.integer("wordsTotal");
  const uint32_t seed = static_cast<uint32_t>(o.integer("seed"));
  const int64_t parts = o.integer("parts");
  if (!b.ok() || !o.ok()) return env.Undefined();
  if (buf.sentences < 0 || parts < 1) {
    Napi::RangeError::New(env, "word2vecTrain: starts needs at least one entry and parts must be >= 1.").ThrowAsJavaScriptException();
    return env.Undefined();
  }

  const auto train = use_avx2() ? avx2::w2v_train_part : portable::w2v_train_part;
  const int64_t words = buf.starts[buf.sentences] - buf.starts[0];
  const int64_t nblocks = std::max<int64_t>(1, (words + kBlockWords - 1) / kBlockWords);
  const std::vector<int64_t> cut = part_cuts(buf.starts, buf.sentences, nblocks);
  std::vector<W2vStats> stats(static_cast<size_t>(parts));
  std::atomic<int64_t> progress{0}, next{0};
  parallel_for(parts, 1, [&](int64_t p0, int64_t p1) {
    for (int64_t p = p0; p < p1; p++) train(buf, opt, cut.data(), nblocks, &next, seed, &progress, &stats[static_cast<size_t>(p)]);
  });
  W2vStats total;
  for (const W2vStats& s : stats) {
    total.loss += s.loss;
    total.predictions += s.predictions;
    total.words += s.words;
    total.effective += s.effective;
  }
  Napi::Object out = Napi::Object::New(env);
  out.Set("loss", total.loss);
  out.Set("predictions", static_cast<double>(total.predictions));
  out.Set("words", static_cast<double>(total.words));
  out.Set("effective", static_cast<double>(total.effective));
  return out;
}

}  // namespace

void register_word2vec(Napi::Env env, Napi::Object exports) {
  exports.Set("word2vecTrain", Napi::Function::New(env, Word2vecTrain, "word2vecTrain"));
}

}  // namespace ak
