// Registration of the static-embedding kernel families (Word2Vec/FastText, GloVe, co-occurrence counting), kept out
// of napi_args.h so that issue 15's kernels touch addon.cc with one line.
#pragma once

#include <napi.h>

namespace ak {

void register_word2vec(Napi::Env env, Napi::Object exports);
void register_glove(Napi::Env env, Napi::Object exports);
void register_cooccur(Napi::Env env, Napi::Object exports);

inline void register_embeddings(Napi::Env env, Napi::Object exports) {
  register_word2vec(env, exports);
  register_glove(env, exports);
  register_cooccur(env, exports);
}

}  // namespace ak
