// The squared euclidean distance built for AVX2+FMA (this file is compiled with -mavx2 -mfma).
#define AK_ISA_NS avx2
#include "distance_impl.h"
