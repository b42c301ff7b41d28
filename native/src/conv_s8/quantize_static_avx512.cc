// Static uint8 quantization, avx512 path: the shared loop compiled with this file's flags.
#include "quantize_static_impl.h"

LITE_QUANTIZE_STATIC_PATH(avx512)
