// Elementwise kernels, ref path: the shared loops compiled with this file's flags.
#include "elementwise_impl.h"

LITE_ELEMENTWISE_PATH(ref)
