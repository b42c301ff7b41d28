// AVX2 path of the sparse GEMM: 8-lane vectors (ops256.h), a chunk step is two
// of them; vpgatherdps for the few-rows kernel.
#include "ops256.h"

LITE_SPMM_PATH(avx2, Ops256, 4)
