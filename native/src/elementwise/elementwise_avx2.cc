// Elementwise kernels, avx2 path: the shared loops compiled with this file's flags.
#include "elementwise_impl.h"

LITE_ELEMENTWISE_PATH(avx2)
