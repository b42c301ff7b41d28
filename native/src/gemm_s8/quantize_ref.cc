// Dynamic uint8 quantization, ref path: the shared loops compiled with this file's flags.
#include "quantize_impl.h"

LITE_QUANTIZE_PATH(ref)
