// Depthwise convolution, AVX-512 path: the shared loops compiled with this file's flags.
#include "depthwise_impl.h"

LITE_DEPTHWISE_PATH(avx512)
