// Pooling, portable path (baseline x86-64 or any CPU): the shared loops on 4-lane vectors.
#include "pool_impl.h"

LITE_POOL_PATH(ref, SimdRef)
