// Depthwise convolution, AVX2+FMA path: the shared loops compiled with this file's flags.
#include "depthwise_impl.h"

LITE_DEPTHWISE_PATH(avx2)
