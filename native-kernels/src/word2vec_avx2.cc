// The Word2Vec / FastText loops built for AVX2+FMA (this file is compiled with -mavx2 -mfma).
#define AK_ISA_NS avx2
#include "word2vec_impl.h"
