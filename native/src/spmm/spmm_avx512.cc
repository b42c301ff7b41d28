// AVX-512 path of the sparse GEMM: a chunk step is one 16-lane vector.
// Batch 1-3: the permute kernel below (a 64-row segment of each x row held in
// four zmm, each step's 16 activations picked with two vpermt2ps and a blend,
// about 4 cycles less than a vgatherdps per step on Zen). Batch 4-8: 8-row
// tiles (ops256.h), where a 16-row tile would be half empty; more: 16-row tiles,
// up to 4 of them per pass over a chunk's steps (spmm_impl.h, tile_group).
#include "ops256.h"

namespace lite {
namespace {

struct Avx512Ops {
  using I = Simd512;
  static __m512i clamped(const uint8_t* idx, uint32_t lim) {
    const __m512i i = _mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(idx)));
    return _mm512_min_epu32(i, _mm512_set1_epi32(static_cast<int32_t>(lim)));
  }
  static __m512 gather(const float* xs, const uint8_t* idx, uint32_t lim) {
    return _mm512_i32gather_ps(clamped(idx, lim), xs, 4);
  }
  static __m512 values(const float* v) { return _mm512_loadu_ps(v); }
  static __m512 values(const int8_t* q) {
    return _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(q))));
  }
  static void offsets(const uint8_t* idx, uint32_t lim, int32_t base, int32_t* out) {
    const __m512i row = _mm512_add_epi32(clamped(idx, lim), _mm512_set1_epi32(base));
    _mm512_store_si512(out, _mm512_slli_epi32(row, 4));
  }
  static void widen(const int8_t* q, float* out) { _mm512_store_ps(out, values(q)); }
};

using K512 = spmm_detail::Kernels<Avx512Ops>;
using sparse::kChunk;
using sparse::kSegment;
using sparse::SpmmArgs;

// Rows [i0, i0 + R) × chunks [b0, b1): lanes are a chunk's 16 columns, and a
// segment's x values come from registers (rows past k load as 0; an offset
// past the segment picks a value of the segment, never memory).
template <class T, int R>
void permute_rows(const SpmmArgs& a, int64_t i0, int64_t b0, int64_t b1) {
  const T* values = static_cast<const T*>(a.values);
  const int64_t k = a.w.k, segments = a.w.segments();
  const __m512i bit5 = _mm512_set1_epi32(32);
  for (int64_t b = b0; b < b1; ++b) {
    __m512 acc0[R], acc1[R];
    for (int r = 0; r < R; ++r) acc0[r] = acc1[r] = _mm512_setzero_ps();
    const uint8_t* counts = a.seg_steps + b * segments;
    int64_t s = a.chunk_start[b];
    for (int64_t g = 0; g < segments; ++g) {
      const int64_t count = counts[g];
      if (count == 0) continue;
      const int64_t base = g * kSegment, rows = std::min<int64_t>(kSegment, k - base);
      __m512 t[R][4];
      for (int q = 0; q < 4; ++q) {
        const int64_t left = rows - 16 * q;
        const __mmask16 mask = left >= 16 ? 0xFFFF : left > 0 ? static_cast<__mmask16>((1u << left) - 1) : 0;
        for (int r = 0; r < R; ++r) t[r][q] = _mm512_maskz_loadu_ps(mask, a.x + (i0 + r) * k + base + 16 * q);
      }
      auto step = [&](int64_t at, __m512* acc) {
        const __m512i idx = _mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a.indices + at * kChunk)));
        const __mmask16 hi = _mm512_test_epi32_mask(idx, bit5);
        const __m512 v = Avx512Ops::values(values + at * kChunk);
        for (int r = 0; r < R; ++r) {
          const __m512 lo = _mm512_permutex2var_ps(t[r][0], idx, t[r][1]);
          const __m512 up = _mm512_permutex2var_ps(t[r][2], idx, t[r][3]);
          acc[r] = _mm512_fmadd_ps(_mm512_mask_blend_ps(hi, lo, up), v, acc[r]);
        }
      };
      const int64_t end = s + count;
      for (; s + 2 <= end; s += 2) {
        step(s, acc0);
        step(s + 1, acc1);
      }
      if (s < end) step(s++, acc0);
    }
    const int64_t j = b * kChunk, cols = std::min<int64_t>(kChunk, a.w.n - j);
    for (int r = 0; r < R; ++r)
      store_n<Simd512>(a.y + (i0 + r) * a.w.n + j, K512::finish(_mm512_add_ps(acc0[r], acc1[r]), a, j, cols), cols);
  }
}

template <class T>
void permute_all(const SpmmArgs& a) {
  K512::over_chunks(a, [&](int64_t b0, int64_t b1) {
    switch (a.m) {
      case 3: permute_rows<T, 3>(a, 0, b0, b1); break;
      case 2: permute_rows<T, 2>(a, 0, b0, b1); break;
      default: permute_rows<T, 1>(a, 0, b0, b1); break;
    }
  });
}

}  // namespace
}  // namespace lite

namespace lite {
void spmm_avx512(const sparse::SpmmArgs& a) {
  if (a.m == 0 || a.w.n == 0) return;
  if (a.m < 4) {
    if (a.w.value_bits == 8)
      permute_all<int8_t>(a);
    else
      permute_all<float>(a);
  } else if (a.m <= 8) {
    spmm_detail::Kernels<Ops256>::run(a, 4);
  } else {
    K512::run(a, 4);
  }
}
}  // namespace lite
