// The epilogue of the 256-bit int8 kernels (AVX2 and AVX-VNNI): one row's sums
// for 8 columns → x = Σ A·B − zpA·colsum − row correction → the output type.
// Follows gemm_s8.h's spec exactly (one fma rounding; max/min as max_ps/min_ps).
#pragma once
#include <immintrin.h>

#include "gemm_s8_driver.h"

namespace lite {
namespace {
namespace s8_avx2 {

// Lanes [0, cols) of 8 (the columns of C that exist).
inline __m256i lane_mask(int cols) {
  const __m256i index = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(cols), index);
}

// Row r of the tile, its columns [c0, c0 + 8) (c0 relative to t.j).
template <class Tile>
inline void store8(const Tile& t, int r, int c0, __m256i acc) {
  const s8::GemmArgs& g = *t.g;
  const int cols = t.cols - c0;
  if (cols <= 0) return;
  const int64_t j = t.j + c0, at = (t.i + r) * g.n + j;
  const __m256i colsum = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(g.colsum + j));
  const __m256i x = _mm256_sub_epi32(_mm256_sub_epi32(acc, _mm256_mullo_epi32(_mm256_set1_epi32(t.row_zp[r]), colsum)),
                                     _mm256_set1_epi32(t.row_corr[r]));
  const __m256i mask = lane_mask(cols);
  if (g.output == s8::Output::Int32) {
    _mm256_maskstore_epi32(static_cast<int32_t*>(g.out) + at, mask, x);
    return;
  }
  const __m256 m = _mm256_mul_ps(_mm256_set1_ps(t.row_scale[r]), _mm256_loadu_ps(g.col_scale + j));
  __m256 y = _mm256_fmadd_ps(_mm256_cvtepi32_ps(x), m, _mm256_loadu_ps(g.col_bias + j));
  y = _mm256_min_ps(_mm256_max_ps(y, _mm256_set1_ps(g.lo)), _mm256_set1_ps(g.hi));
  if (g.output == s8::Output::Float32) {
    _mm256_maskstore_ps(static_cast<float*>(g.out) + at, mask, y);
    return;
  }
  // y is clamped to the output's range, so each int32's low byte is the value.
  alignas(32) int32_t q[8];
  _mm256_store_si256(reinterpret_cast<__m256i*>(q),
                     _mm256_add_epi32(_mm256_cvtps_epi32(y), _mm256_set1_epi32(g.out_zero_point)));
  uint8_t* dst = static_cast<uint8_t*>(g.out) + at;
  const int n = cols < 8 ? cols : 8;
  for (int c = 0; c < n; ++c) dst[c] = static_cast<uint8_t>(q[c]);
}

}  // namespace s8_avx2
}  // namespace
}  // namespace lite
