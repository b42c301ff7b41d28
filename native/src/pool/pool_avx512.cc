// Pooling, AVX-512 path: the shared loops on 16-lane vectors, up to 64
// channels a pass; leftover channels in one masked vector.
#include "pool_impl.h"

LITE_POOL_PATH(avx512, Simd512, Simd512, 4)
