// The 8-lane AVX2 Ops of the sparse kernels (spmm_impl.h), shared by the AVX2
// path and the AVX-512 path's few-row tiles (a 16-row tile would be half empty
// at batch 8). Compiled with each including file's flags.
#pragma once
#include "spmm_impl.h"

namespace lite {
namespace {

struct Ops256 {
  using I = Simd256;
  static __m256i clamped(const uint8_t* idx, uint32_t lim) {
    const __m256i i = _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(idx)));
    return _mm256_min_epu32(i, _mm256_set1_epi32(static_cast<int32_t>(lim)));
  }
  static __m256 gather(const float* xs, const uint8_t* idx, uint32_t lim) {
    return _mm256_i32gather_ps(xs, clamped(idx, lim), 4);
  }
  static __m256 values(const float* v) { return _mm256_loadu_ps(v); }
  static __m256 values(const int8_t* q) {
    return _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(q))));
  }
  static void offsets(const uint8_t* idx, uint32_t lim, int32_t base, int32_t* out) {
    const __m256i row = _mm256_add_epi32(clamped(idx, lim), _mm256_set1_epi32(base));
    _mm256_store_si256(reinterpret_cast<__m256i*>(out), _mm256_slli_epi32(row, 3));
  }
  static void widen(const int8_t* q, float* out) { _mm256_store_ps(out, values(q)); }
};

}  // namespace
}  // namespace lite
