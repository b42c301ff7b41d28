// Depthwise convolution, portable path (baseline x86-64 or any CPU): the shared loops compiled with this file's flags.
#include "depthwise_impl.h"

LITE_DEPTHWISE_PATH(ref)
