// uint8 activation kernels, ref path: the shared loops compiled with this file's flags.
#include "dw_s8_impl.h"

LITE_DW_S8_PATH(ref)
