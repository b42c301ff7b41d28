// Dynamic uint8 quantization, AVX2 path: the shared loops compiled with this file's flags.
#include "quantize_impl.h"

LITE_QUANTIZE_PATH(avx2)
