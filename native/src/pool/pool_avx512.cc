// Pooling, AVX-512 path: the shared loops on 16-lane vectors.
#include "pool_impl.h"

LITE_POOL_PATH(avx512, Simd512)
