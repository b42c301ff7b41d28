// AVX-512 path of the sparse GEMM: a chunk step is one 16-lane vector;
// vgatherdps for the few-rows kernel; 8-row tiles (ops256.h) up to 8 rows,
// where a 16-row tile would be half empty.
#include "ops256.h"

namespace lite {
namespace {

struct Avx512Ops {
  using I = Simd512;
  static __m512i clamped(const uint16_t* idx, uint32_t kmax) {
    const __m512i i = _mm512_cvtepu16_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(idx)));
    return _mm512_min_epu32(i, _mm512_set1_epi32(static_cast<int32_t>(kmax)));
  }
  static __m512 gather(const float* x, const uint16_t* idx, uint32_t kmax) {
    return _mm512_i32gather_ps(clamped(idx, kmax), x, 4);
  }
  static __m512 values(const float* v) { return _mm512_loadu_ps(v); }
  static __m512 values(const int8_t* q) {
    return _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(q))));
  }
  static void offsets(const uint16_t* idx, uint32_t kmax, int32_t* out) {
    _mm512_store_si512(out, _mm512_slli_epi32(clamped(idx, kmax), 4));
  }
  static void widen(const int8_t* q, float* out) { _mm512_store_ps(out, values(q)); }
};

}  // namespace
}  // namespace lite

namespace lite {
void spmm_avx512(const sparse::SpmmArgs& a) {
  if (a.m <= 8)
    spmm_detail::Kernels<Ops256>::run(a, 4);
  else
    spmm_detail::Kernels<Avx512Ops>::run(a, 4);
}
}  // namespace lite
