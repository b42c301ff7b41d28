// Pooling, portable path (baseline x86-64 or any CPU): the shared loops on
// 4-lane vectors, up to 16 channels a pass; leftover channels as single lanes.
#include "pool_impl.h"

LITE_POOL_PATH(ref, SimdRefN<4>, SimdRefN<1>, 4)
