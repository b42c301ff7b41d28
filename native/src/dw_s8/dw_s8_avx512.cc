// uint8 activation kernels, AVX-512 path: max pooling and add are the shared
// loops compiled with this file's flags; the depthwise convolution (multiplier
// 1, filters up to 64 taps) is written out: 32 channels per step, taps taken in
// pairs and interleaved per channel so one vpmaddwd sums both taps' x·w into
// int32 (padding taps read a row of zero points; zp·Σ w comes off once), then the
// int8 GEMM's epilogue on 16 channels at a time. Same arithmetic as the
// shared loop, so every path agrees exactly.
#include <immintrin.h>

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

// Sums 32 channels (lanes per `m`, a 32-bit mask over x's bytes) of the taps at
// src[0..taps) against the interleaved weights wp (one 64-lane pair per tap pair,
// `stride` int16 apart), into the interleaved int32 sums Σ x·w lo, hi (the zero
// point comes off at the end, zp·Σ w per channel). An odd last tap pairs with 0.
inline void dw_taps(const uint8_t* const* src, int64_t taps, int64_t c0, __mmask32 m, const int16_t* wp, int64_t stride,
                    __m512i* lo, __m512i* hi) {
  const auto load = [&](const uint8_t* p) { return _mm512_cvtepu8_epi16(_mm256_maskz_loadu_epi8(m, p + c0)); };
  int64_t t = 0;
  for (; t + 1 < taps; t += 2, wp += stride) {
    const __m512i x0 = load(src[t]), x1 = load(src[t + 1]);
    *lo = _mm512_add_epi32(*lo, _mm512_madd_epi16(_mm512_unpacklo_epi16(x0, x1), _mm512_loadu_si512(wp)));
    *hi = _mm512_add_epi32(*hi, _mm512_madd_epi16(_mm512_unpackhi_epi16(x0, x1), _mm512_loadu_si512(wp + 32)));
  }
  if (t < taps) {
    const __m512i x0 = load(src[t]), z = _mm512_setzero_si512();
    *lo = _mm512_add_epi32(*lo, _mm512_madd_epi16(_mm512_unpacklo_epi16(x0, z), _mm512_loadu_si512(wp)));
    *hi = _mm512_add_epi32(*hi, _mm512_madd_epi16(_mm512_unpackhi_epi16(x0, z), _mm512_loadu_si512(wp + 32)));
  }
}

// dw_taps for two pixels at once (their taps at a and b): the weights load once, two chains of sums.
inline void dw_taps2(const uint8_t* const* a, const uint8_t* const* b, int64_t taps, int64_t c0, __mmask32 m,
                     const int16_t* wp, int64_t stride, __m512i* sums) {
  const auto load = [&](const uint8_t* p) { return _mm512_cvtepu8_epi16(_mm256_maskz_loadu_epi8(m, p + c0)); };
  const __m512i z = _mm512_setzero_si512();
  for (int64_t t = 0; t < taps; t += 2, wp += stride) {
    const bool odd = t + 1 == taps;
    const __m512i wl = _mm512_loadu_si512(wp), wh = _mm512_loadu_si512(wp + 32);
    const __m512i a0 = load(a[t]), a1 = odd ? z : load(a[t + 1]);
    const __m512i b0 = load(b[t]), b1 = odd ? z : load(b[t + 1]);
    sums[0] = _mm512_add_epi32(sums[0], _mm512_madd_epi16(_mm512_unpacklo_epi16(a0, a1), wl));
    sums[1] = _mm512_add_epi32(sums[1], _mm512_madd_epi16(_mm512_unpackhi_epi16(a0, a1), wh));
    sums[2] = _mm512_add_epi32(sums[2], _mm512_madd_epi16(_mm512_unpacklo_epi16(b0, b1), wl));
    sums[3] = _mm512_add_epi32(sums[3], _mm512_madd_epi16(_mm512_unpackhi_epi16(b0, b1), wh));
  }
}

// The input rows output row r + 1 reads and row r does not: at batch 256 they come
// from DRAM, and the hardware prefetcher leaves a stride-2 row waiting on them
// (3× slower per output than with the input in cache). Row r prefetches them,
// spread over its columns.
struct NextRows {
  const uint8_t* first;
  int64_t lines;  // 64-byte lines from first
};

inline NextRows next_rows(const dws8::DwArgs& a, int64_t r) {
  const ConvShape& s = a.shape;
  if (r + 1 >= s.batch * s.out_h) return {a.x, 0};
  const int64_t b = r / s.out_h, nb = (r + 1) / s.out_h, extent = (s.filter_h - 1) * s.dilation_h;
  int64_t first = ((r + 1) % s.out_h) * s.stride_h - s.pad_top, last = first + extent;
  if (nb == b) {
    const int64_t done = (r % s.out_h) * s.stride_h - s.pad_top + extent;  // row r's last input row
    first = first > done + 1 ? first : done + 1;
  }
  first = first > 0 ? first : 0;
  last = last < s.in_h - 1 ? last : s.in_h - 1;
  if (last < first) return {a.x, 0};
  const int64_t row = s.in_w * s.in_c;
  return {a.x + (nb * s.in_h + first) * row, ((last - first + 1) * row + 63) / 64};
}

inline __mmask16 low_mask16(int64_t n) { return n >= 16 ? __mmask16(0xffff) : __mmask16((1u << n) - 1); }

// Multiplier 1, up to 64 taps: each output row's tap rows are found once; inside
// the row only the tap pointers move. Channels go 32 at a time; a tail of at most
// 16 channels is done for two pixels at once (A in lanes 0–15, B in 16–31).
void depthwise_avx512(const dws8::DwArgs& a) {
  const ConvShape& s = a.shape;
  const int64_t ch = s.in_c, taps = s.filter_h * s.filter_w;
  if (s.out_c != s.in_c || taps > 64) return dws8_impl::depthwise(a);
  const int64_t full = ch / 32, tail = ch - full * 32, blocks = full + (tail ? 1 : 0), pairs = (taps + 1) / 2;
  const bool pair_tail = tail > 0 && tail <= 16;
  // Weights widened to int16 and interleaved per tap pair (unpacklo/hi of (w[t0], w[t1])), per 32-channel block;
  // for a paired tail, the tail's weights repeated in both halves.
  const int64_t stride = (blocks + 1) * 64;
  // Raw arrays, not std::vector: a template instantiated with AVX-512 flags could serve every path.
  int16_t* const w = new int16_t[static_cast<size_t>(pairs * stride)];
  const auto weights = [&](int64_t t, int64_t c0, bool twice) {
    if (t >= taps) return _mm512_setzero_si512();
    if (!twice) {
      const __mmask32 m = ch - c0 >= 32 ? ~__mmask32{0} : (__mmask32{1} << (ch - c0)) - 1;
      return _mm512_cvtepi8_epi16(_mm256_maskz_loadu_epi8(m, a.w + t * ch + c0));
    }
    const __m128i v = _mm_maskz_loadu_epi8(low_mask16(ch - c0), a.w + t * ch + c0);
    return _mm512_cvtepi8_epi16(_mm256_inserti128_si256(_mm256_castsi128_si256(v), v, 1));
  };
  for (int64_t p = 0; p < pairs; ++p)
    for (int64_t j = 0; j <= blocks; ++j) {
      const bool twice = j == blocks;
      if (twice && !pair_tail) continue;
      const int64_t c0 = twice ? full * 32 : j * 32;
      const __m512i w0 = weights(2 * p, c0, twice), w1 = weights(2 * p + 1, c0, twice);
      _mm512_storeu_si512(w + p * stride + j * 64, _mm512_unpacklo_epi16(w0, w1));
      _mm512_storeu_si512(w + p * stride + j * 64 + 32, _mm512_unpackhi_epi16(w0, w1));
    }
  uint8_t* const zp_row = new uint8_t[static_cast<size_t>(blocks * 32)];
  for (int64_t i = 0; i < blocks * 32; ++i) zp_row[i] = static_cast<uint8_t>(a.zero_point);
  // Σ (x − zp)·w = Σ x·w − zp·Σ w over every tap (padding taps read zp: they add 0 either way).
  int32_t* const corr = new int32_t[static_cast<size_t>(blocks * 32)]();
  for (int64_t t = 0; t < taps; ++t)
    for (int64_t c = 0; c < ch; ++c) corr[c] += a.zero_point * static_cast<int32_t>(a.w[t * ch + c]);
  const uint8_t* const pad = zp_row;
  const auto less = [&](__m512i acc, int64_t c0, __mmask16 m) { return _mm512_sub_epi32(acc, _mm512_maskz_loadu_epi32(m, corr + c0)); };
  parallel_for(s.batch * s.out_h, [&](int64_t r0, int64_t r1) {
    const uint8_t* src[64];
    const uint8_t* src_b[64];
    const uint8_t* rows[64];
    // Columns whose every tap column lies inside the input: [c_lo, c_hi).
    const int64_t c_lo = (s.pad_left + s.stride_w - 1) / s.stride_w;
    const int64_t c_hi = (s.in_w - 1 + s.pad_left - (s.filter_w - 1) * s.dilation_w) / s.stride_w + 1;
    int64_t offset[64];  // of an interior column's tap at y_c = 0 in x (integers: the pointer exists only once inside)
    bool inside[64];     // the tap's row is inside the input
    // The taps of output column y_c (padding taps read the zero-point row).
    const auto taps_of = [&](int64_t y_c, const uint8_t** out) {
      if (y_c >= c_lo && y_c < c_hi) {
        const int64_t shift = y_c * s.stride_w * ch;
        for (int64_t t = 0; t < taps; ++t) out[t] = inside[t] ? a.x + (offset[t] + shift) : pad;
        return;
      }
      for (int64_t w_r = 0, t = 0; w_r < s.filter_h; ++w_r)
        for (int64_t w_c = 0; w_c < s.filter_w; ++w_c, ++t) {
          const int64_t x_c = y_c * s.stride_w - s.pad_left + w_c * s.dilation_w;
          out[t] = rows[w_r] && x_c >= 0 && x_c < s.in_w ? rows[w_r] + x_c * ch : pad;
        }
    };
    // The int8 GEMM's epilogue for the 32 channels [c0, c0 + 32) ∩ [0, ch) of the pixel at `at`.
    const auto store32 = [&](__m512i lo, __m512i hi, int64_t c0, int64_t at) {
      const int64_t left = ch - c0;
      store16(a, less(_mm512_permutex2var_epi32(lo, kFirst, hi), c0, low_mask16(left)), c0, at, low_mask16(left));
      if (left > 16)
        store16(a, less(_mm512_permutex2var_epi32(lo, kSecond, hi), c0 + 16, low_mask16(left - 16)), c0 + 16, at, low_mask16(left - 16));
    };
    for (int64_t r = r0; r < r1; ++r) {
      const int64_t b = r / s.out_h, y_r = r % s.out_h;
      const NextRows next = next_rows(a, r);
      const int64_t steps = (s.out_w + 1) / 2, per_step = (next.lines + steps - 1) / steps;
      for (int64_t w_r = 0; w_r < s.filter_h; ++w_r) {
        const int64_t x_r = y_r * s.stride_h - s.pad_top + w_r * s.dilation_h;
        rows[w_r] = x_r >= 0 && x_r < s.in_h ? a.x + (b * s.in_h + x_r) * s.in_w * ch : nullptr;
        for (int64_t w_c = 0; w_c < s.filter_w; ++w_c) {
          const int64_t t = w_r * s.filter_w + w_c;
          inside[t] = rows[w_r] != nullptr;
          offset[t] = ((b * s.in_h + x_r) * s.in_w + w_c * s.dilation_w - s.pad_left) * ch;
        }
      }
      for (int64_t y_c = 0; y_c < s.out_w; y_c += 2) {
        const bool two = y_c + 1 < s.out_w;
        const int64_t at = (r * s.out_w + y_c) * ch;
        for (int64_t l = y_c / 2 * per_step, end = l + per_step < next.lines ? l + per_step : next.lines; l < end; ++l)
          _mm_prefetch(reinterpret_cast<const char*>(next.first + 64 * l), _MM_HINT_T0);
        taps_of(y_c, src);
        if (two) taps_of(y_c + 1, src_b);
        for (int64_t j = 0; j < blocks; ++j) {
          if (j == full && pair_tail) break;
          const __mmask32 m = j < full ? ~__mmask32{0} : (__mmask32{1} << tail) - 1;
          if (two) {
            __m512i sums[4] = {_mm512_setzero_si512(), _mm512_setzero_si512(), _mm512_setzero_si512(), _mm512_setzero_si512()};
            dw_taps2(src, src_b, taps, j * 32, m, w + j * 64, stride, sums);
            store32(sums[0], sums[1], j * 32, at);
            store32(sums[2], sums[3], j * 32, at + ch);
          } else {
            __m512i lo = _mm512_setzero_si512(), hi = _mm512_setzero_si512();
            dw_taps(src, taps, j * 32, m, w + j * 64, stride, &lo, &hi);
            store32(lo, hi, j * 32, at);
          }
        }
        if (!pair_tail) continue;
        // The tail of pixel A in lanes 0–15 and of pixel B (or A again) in 16–31.
        const int64_t c0 = full * 32;
        const __mmask16 m16 = low_mask16(tail);
        const uint8_t* const* sb = two ? src_b : src;
        __m512i lo = _mm512_setzero_si512(), hi = _mm512_setzero_si512();
        const int16_t* wp = w + blocks * 64;
        const auto load = [&](const uint8_t* pa, const uint8_t* pb) {
          const __m256i v = _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_maskz_loadu_epi8(m16, pa + c0)),
                                                    _mm_maskz_loadu_epi8(m16, pb + c0), 1);
          return _mm512_cvtepu8_epi16(v);
        };
        int64_t t = 0;
        for (; t + 1 < taps; t += 2, wp += stride) {
          const __m512i x0 = load(src[t], sb[t]), x1 = load(src[t + 1], sb[t + 1]);
          lo = _mm512_add_epi32(lo, _mm512_madd_epi16(_mm512_unpacklo_epi16(x0, x1), _mm512_loadu_si512(wp)));
          hi = _mm512_add_epi32(hi, _mm512_madd_epi16(_mm512_unpackhi_epi16(x0, x1), _mm512_loadu_si512(wp + 32)));
        }
        if (t < taps) {
          const __m512i x0 = load(src[t], sb[t]), z = _mm512_setzero_si512();
          lo = _mm512_add_epi32(lo, _mm512_madd_epi16(_mm512_unpacklo_epi16(x0, z), _mm512_loadu_si512(wp)));
          hi = _mm512_add_epi32(hi, _mm512_madd_epi16(_mm512_unpackhi_epi16(x0, z), _mm512_loadu_si512(wp + 32)));
        }
        store16(a, less(_mm512_permutex2var_epi32(lo, kFirst, hi), c0, m16), c0, at, m16);
        if (two) store16(a, less(_mm512_permutex2var_epi32(lo, kSecond, hi), c0, m16), c0, at + ch, m16);
      }
    }
  });
  delete[] w;
  delete[] zp_row;
  delete[] corr;
}

}  // namespace
}  // namespace lite

LITE_DW_S8_TABLE(avx512, depthwise_avx512)
