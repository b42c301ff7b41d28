// Each path's BinaryKernels. The avx512 path needs VPOPCNTDQ for its product
// (cpu_features); an AVX-512 CPU without it runs the AVX2 product.
#include "../runtime/cpu_features.h"
#include "bconv.h"

namespace lite {

#define LITE_BCONV_DECLARE(isa)                                                                      \
  void bpack_f32_##isa(const float*, int64_t, int64_t, int64_t, bool, uint32_t*);                    \
  void bpack_s8_##isa(const int8_t*, int64_t, int64_t, int64_t, bool, uint32_t*);

LITE_BCONV_DECLARE(ref)
void bconv_ref(const bconv::Args&);
extern const BinaryKernels binary_kernels_ref = {bpack_f32_ref, bpack_s8_ref, bconv_ref};

#if defined(LITE_X86)
LITE_BCONV_DECLARE(avx2)
LITE_BCONV_DECLARE(avx512)
void bconv_avx2(const bconv::Args&);
void bconv_avx512vpopcnt(const bconv::Args&);

namespace {
void bconv_avx512(const bconv::Args& args) {
  static void (*const fn)(const bconv::Args&) = cpu_features().avx512_vpopcntdq ? bconv_avx512vpopcnt : bconv_avx2;
  fn(args);
}
}  // namespace

extern const BinaryKernels binary_kernels_avx2 = {bpack_f32_avx2, bpack_s8_avx2, bconv_avx2};
extern const BinaryKernels binary_kernels_avx512 = {bpack_f32_avx512, bpack_s8_avx512, bconv_avx512};
#endif

#undef LITE_BCONV_DECLARE

}  // namespace lite
