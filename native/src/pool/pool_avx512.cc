// Pooling, AVX-512 path: the shared loops compiled with this file's flags.
#include "pool_impl.h"

LITE_POOL_PATH(avx512)
