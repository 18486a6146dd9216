// The LayerNorm row loops built for AVX2+FMA (this file is compiled with -mavx2 -mfma).
#define AK_ISA_NS avx2
#include "layernorm_impl.h"
