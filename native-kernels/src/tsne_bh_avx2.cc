// The Barnes-Hut interaction loop built for AVX2+FMA (this file is compiled with -mavx2 -mfma).
#define AK_ISA_NS avx2
#include "tsne_bh_impl.h"
