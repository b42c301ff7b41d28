// Pooling, AVX2+FMA path: the shared loops on 8-lane vectors, up to 32
// channels a pass; leftover channels as single lanes (AVX2's masked stores
// are slow on some CPUs).
#include "pool_impl.h"

LITE_POOL_PATH(avx2, Simd256, SimdRefN<1>, 4)
