// Pooling, AVX2+FMA path: the shared loops on 8-lane vectors.
#include "pool_impl.h"

LITE_POOL_PATH(avx2, Simd256)
