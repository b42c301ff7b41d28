// Static uint8 quantization, ref path: the shared loop compiled with this file's flags.
#include "quantize_static_impl.h"

LITE_QUANTIZE_STATIC_PATH(ref)
