// uint8 activation kernels, AVX-512 path: max pooling and add are the shared
// loops compiled with this file's flags; the depthwise convolution (multiplier
// 1, filters up to 64 taps) is written out: 32 channels per step, taps taken in
// pairs and interleaved per channel so one vpmaddwd sums both taps'
// (x − zp)·w into int32 (padding taps read a row of zero points), then the
// int8 GEMM's epilogue on 16 channels at a time. Same arithmetic as the
// shared loop, so every path agrees exactly.
#include <immintrin.h>

#include <vector>

#include "dw_s8_impl.h"

namespace lite {
namespace {

// Channels [0, 16) of a 32-channel step from the two interleaved sums: lane L of
// lo holds channels 8L..8L+3, of hi 8L+4..8L+7.
const __m512i kFirst = _mm512_setr_epi32(0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23);
const __m512i kSecond = _mm512_setr_epi32(8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31);

inline void store16(const dws8::DwArgs& a, __m512i acc, int64_t d, int64_t at, __mmask16 mask) {
  __m512 y = _mm512_fmadd_ps(_mm512_cvtepi32_ps(acc), _mm512_maskz_loadu_ps(mask, a.col_scale + d),
                             _mm512_maskz_loadu_ps(mask, a.col_bias + d));
  y = _mm512_min_ps(_mm512_max_ps(y, _mm512_set1_ps(a.lo)), _mm512_set1_ps(a.hi));
  if (!a.out_u8) {
    _mm512_mask_storeu_ps(static_cast<float*>(a.y) + at + d, mask, y);
    return;
  }
  const __m512i q = _mm512_add_epi32(_mm512_cvtps_epi32(y), _mm512_set1_epi32(a.out_zero_point));
  _mm_mask_storeu_epi8(static_cast<uint8_t*>(a.y) + at + d, mask, _mm512_cvtepi32_epi8(q));
}

void depthwise_avx512(const dws8::DwArgs& a) {
  const ConvShape& s = a.shape;
  const int64_t ch = s.in_c, taps = s.filter_h * s.filter_w;
  if (s.out_c != s.in_c || taps > 64) return dws8_impl::depthwise(a);
  const int64_t blocks = (ch + 31) / 32, pairs = (taps + 1) / 2;
  // Weights widened to int16 and interleaved per tap pair: w_lo/w_hi match unpacklo/hi of (x[t0], x[t1]).
  std::vector<int16_t> w(static_cast<size_t>(pairs * blocks * 2 * 32));
  for (int64_t p = 0; p < pairs; ++p)
    for (int64_t j = 0; j < blocks; ++j) {
      const int64_t c0 = j * 32;
      const __mmask32 m = ch - c0 >= 32 ? ~__mmask32{0} : (__mmask32{1} << (ch - c0)) - 1;
      const __m512i w0 = _mm512_cvtepi8_epi16(_mm256_maskz_loadu_epi8(m, a.w + 2 * p * ch + c0));
      const __m512i w1 = 2 * p + 1 < taps ? _mm512_cvtepi8_epi16(_mm256_maskz_loadu_epi8(m, a.w + (2 * p + 1) * ch + c0))
                                          : _mm512_setzero_si512();
      _mm512_storeu_si512(w.data() + (p * blocks + j) * 64, _mm512_unpacklo_epi16(w0, w1));
      _mm512_storeu_si512(w.data() + (p * blocks + j) * 64 + 32, _mm512_unpackhi_epi16(w0, w1));
    }
  std::vector<uint8_t> zp_row(static_cast<size_t>(blocks * 32), static_cast<uint8_t>(a.zero_point));
  const __m512i zp = _mm512_set1_epi16(static_cast<int16_t>(a.zero_point));
  parallel_for(s.batch * s.out_h, [&](int64_t r0, int64_t r1) {
    const uint8_t* src[66];
    for (int64_t r = r0; r < r1; ++r) {
      const int64_t b = r / s.out_h, y_r = r % s.out_h;
      for (int64_t y_c = 0; y_c < s.out_w; ++y_c) {
        for (int64_t w_r = 0, t = 0; w_r < s.filter_h; ++w_r)
          for (int64_t w_c = 0; w_c < s.filter_w; ++w_c, ++t) {
            const int64_t x_r = y_r * s.stride_h - s.pad_top + w_r * s.dilation_h;
            const int64_t x_c = y_c * s.stride_w - s.pad_left + w_c * s.dilation_w;
            const bool in = x_r >= 0 && x_r < s.in_h && x_c >= 0 && x_c < s.in_w;
            src[t] = in ? a.x + ((b * s.in_h + x_r) * s.in_w + x_c) * ch : zp_row.data();
          }
        src[taps] = zp_row.data();
        const int64_t at = (r * s.out_w + y_c) * ch;
        for (int64_t j = 0; j < blocks; ++j) {
          const int64_t c0 = j * 32;
          const __mmask32 m = ch - c0 >= 32 ? ~__mmask32{0} : (__mmask32{1} << (ch - c0)) - 1;
          __m512i lo = _mm512_setzero_si512(), hi = _mm512_setzero_si512();
          const int16_t* wp = w.data() + j * 64;
          for (int64_t p = 0; p < pairs; ++p, wp += blocks * 64) {
            const __m512i x0 = _mm512_sub_epi16(_mm512_cvtepu8_epi16(_mm256_maskz_loadu_epi8(m, src[2 * p] + c0)), zp);
            const __m512i x1 = _mm512_sub_epi16(_mm512_cvtepu8_epi16(_mm256_maskz_loadu_epi8(m, src[2 * p + 1] + c0)), zp);
            lo = _mm512_add_epi32(lo, _mm512_madd_epi16(_mm512_unpacklo_epi16(x0, x1), _mm512_loadu_si512(wp)));
            hi = _mm512_add_epi32(hi, _mm512_madd_epi16(_mm512_unpackhi_epi16(x0, x1), _mm512_loadu_si512(wp + 32)));
          }
          const int64_t left = ch - c0;
          const __mmask16 m0 = left >= 16 ? __mmask16(0xffff) : __mmask16((1u << left) - 1);
          store16(a, _mm512_permutex2var_epi32(lo, kFirst, hi), c0, at, m0);
          if (left > 16) {
            const __mmask16 m1 = left >= 32 ? __mmask16(0xffff) : __mmask16((1u << (left - 16)) - 1);
            store16(a, _mm512_permutex2var_epi32(lo, kSecond, hi), c0 + 16, at, m1);
          }
        }
      }
    }
  });
}

}  // namespace
}  // namespace lite

LITE_DW_S8_TABLE(avx512, depthwise_avx512)
