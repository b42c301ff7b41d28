// uint8 activation kernels, avx2 path: the shared loops compiled with this file's flags.
#include "dw_s8_impl.h"

LITE_DW_S8_PATH(avx2)
