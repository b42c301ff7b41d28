// packBits on AVX-512: 16 compares into a mask register per instruction.
#include <immintrin.h>

#include "pack_impl.h"

namespace lite {
namespace {

struct Avx512Pack {
  static uint32_t word(const float* x, bool nonzero) {
    const __m512 zero = _mm512_setzero_ps();
    const __m512 lo = _mm512_loadu_ps(x), hi = _mm512_loadu_ps(x + 16);
    const uint32_t a = nonzero ? _mm512_cmp_ps_mask(lo, zero, _CMP_NEQ_UQ) : _mm512_cmp_ps_mask(lo, zero, _CMP_LT_OQ);
    const uint32_t b = nonzero ? _mm512_cmp_ps_mask(hi, zero, _CMP_NEQ_UQ) : _mm512_cmp_ps_mask(hi, zero, _CMP_LT_OQ);
    return a | (b << 16);
  }
  static uint32_t word(const int8_t* x, bool nonzero) {
    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x));
    return nonzero ? _mm256_test_epi8_mask(v, v) : _mm256_movepi8_mask(v);
  }
};

}  // namespace

LITE_BPACK_ENTRIES(avx512, Avx512Pack)

}  // namespace lite
