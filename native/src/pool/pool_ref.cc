// Pooling, portable path (baseline x86-64 or any CPU): the shared loops compiled with this file's flags.
#include "pool_impl.h"

LITE_POOL_PATH(ref)
