// The uint8 activation kernels (dw_s8.h), written once in plain C++ that the
// compiler vectorizes over the contiguous channel axis with each path's flags:
// dw_s8_<isa>.cc includes this and names its table. Every float32 step is one
// exactly rounded operation (products, sums, fma, division), so every path (and
// the TypeScript reference) agrees bit for bit. Internal linkage throughout and
// no std:: templates or inline library functions (fma is __builtin_fmaf), so no
// ISA's copy can be merged into another's.
#pragma once
#include <cstdint>

#include "../runtime/thread_pool.h"
#include "dw_s8.h"

namespace lite {
namespace {
namespace dws8_impl {

using dws8::AddArgs;
using dws8::DwArgs;
using dws8::PoolArgs;

constexpr float kMagic = 0x1.8p23f;  // (y + magic) − magic rounds half to even for |y| < 2^22

// y = clamp(fma(float(acc), scale, bias), lo, hi), then the output type.
template <int W>
inline void dw_store(const DwArgs& a, const int32_t* acc, int64_t d0, int64_t at) {
  float y[W];
  for (int i = 0; i < W; ++i) {
    float v = __builtin_fmaf(static_cast<float>(acc[i]), a.col_scale[d0 + i], a.col_bias[d0 + i]);
    v = v > a.lo ? v : a.lo;
    y[i] = v < a.hi ? v : a.hi;
  }
  if (!a.out_u8) {
    float* out = static_cast<float*>(a.y) + at;
    for (int i = 0; i < W; ++i) out[i] = y[i];
    return;
  }
  uint8_t* out = static_cast<uint8_t*>(a.y) + at;
  const int32_t zo = a.out_zero_point;  // a local: uint8 stores may alias the arguments
  for (int i = 0; i < W; ++i) out[i] = static_cast<uint8_t>(static_cast<int32_t>((y[i] + kMagic) - kMagic) + zo);
}

// W channels [c0, c0 + W) of one output pixel, multiplier 1: the sums stay in registers.
template <int W>
inline void dw_block(const DwArgs& a, const int64_t* taps, const int64_t* tap_w, int n_taps, int64_t c0, int64_t at) {
  const int64_t ch = a.shape.in_c;
  const int16_t zp = static_cast<int16_t>(a.zero_point);
  int32_t acc[W];
  for (int i = 0; i < W; ++i) acc[i] = 0;
  for (int t = 0; t < n_taps; ++t) {
    const uint8_t* __restrict xp = a.x + taps[t] * ch + c0;
    const int8_t* __restrict wp = a.w + tap_w[t] * ch + c0;
    // |(x − zp)·w| ≤ 255·128 fits int16; the sum widens to int32.
    for (int i = 0; i < W; ++i)
      acc[i] += static_cast<int16_t>(static_cast<int16_t>(static_cast<int16_t>(xp[i]) - zp) * static_cast<int16_t>(wp[i]));
  }
  dw_store<W>(a, acc, c0, at + c0);
}

void depthwise(const DwArgs& a) {
  const ConvShape& s = a.shape;
  const int64_t ch = s.out_c, mult = s.out_c / s.in_c, n_filter = s.filter_h * s.filter_w;
  parallel_for(s.batch * s.out_h, [&](int64_t r0, int64_t r1) {
    int64_t taps[64], tap_w[64];  // in-bounds input pixels and their filter taps (filters up to 8×8 in the fast path)
    for (int64_t r = r0; r < r1; ++r) {
      const int64_t b = r / s.out_h, y_r = r % s.out_h;
      for (int64_t y_c = 0; y_c < s.out_w; ++y_c) {
        const int64_t at = (r * s.out_w + y_c) * ch;
        int n = 0;
        bool fits = n_filter <= 64;
        for (int64_t w_r = 0; w_r < s.filter_h && fits; ++w_r)
          for (int64_t w_c = 0; w_c < s.filter_w; ++w_c) {
            const int64_t x_r = y_r * s.stride_h - s.pad_top + w_r * s.dilation_h;
            const int64_t x_c = y_c * s.stride_w - s.pad_left + w_c * s.dilation_w;
            if (x_r < 0 || x_r >= s.in_h || x_c < 0 || x_c >= s.in_w) continue;
            taps[n] = (b * s.in_h + x_r) * s.in_w + x_c;
            tap_w[n++] = w_r * s.filter_w + w_c;
          }
        if (mult == 1 && fits) {
          int64_t c = 0;
          for (; c + 64 <= ch; c += 64) dw_block<64>(a, taps, tap_w, n, c, at);
          for (; c + 16 <= ch; c += 16) dw_block<16>(a, taps, tap_w, n, c, at);
          for (; c < ch; ++c) dw_block<1>(a, taps, tap_w, n, c, at);
          continue;
        }
        // Any multiplier or filter size: one channel at a time.
        for (int64_t d = 0; d < ch; ++d) {
          const int64_t c = d / mult;
          int32_t acc = 0;
          for (int64_t w_r = 0; w_r < s.filter_h; ++w_r)
            for (int64_t w_c = 0; w_c < s.filter_w; ++w_c) {
              const int64_t x_r = y_r * s.stride_h - s.pad_top + w_r * s.dilation_h;
              const int64_t x_c = y_c * s.stride_w - s.pad_left + w_c * s.dilation_w;
              if (x_r < 0 || x_r >= s.in_h || x_c < 0 || x_c >= s.in_w) continue;
              const int64_t p = (b * s.in_h + x_r) * s.in_w + x_c;
              acc += (static_cast<int32_t>(a.x[p * s.in_c + c]) - a.zero_point) *
                     static_cast<int32_t>(a.w[(w_r * s.filter_w + w_c) * ch + d]);
            }
          dw_store<1>(a, &acc, d, at + d);
        }
      }
    }
  });
}

// Calls fn(out, in, [h0, h1), [w0, w1), scratch) for every output pixel of a
// pooling window walk, threaded over output rows: out is the pixel's index
// (channels apart), in the index of its image's first input pixel, the ranges
// its window's in-bounds rows and columns; scratch holds `channels` int32 per thread.
template <class Fn>
void pool_windows(const PoolShape& s, Fn fn) {
  parallel_for(s.batch * s.out_h, [&](int64_t r0, int64_t r1) {
    int32_t* scratch = new int32_t[static_cast<size_t>(s.channels)];
    for (int64_t r = r0; r < r1; ++r) {
      const int64_t b = r / s.out_h, top = (r % s.out_h) * s.stride_h - s.pad_top;
      const int64_t h0 = top < 0 ? 0 : top, h1 = top + s.filter_h < s.in_h ? top + s.filter_h : s.in_h;
      for (int64_t y_c = 0; y_c < s.out_w; ++y_c) {
        const int64_t left = y_c * s.stride_w - s.pad_left;
        const int64_t w0 = left < 0 ? 0 : left, w1 = left + s.filter_w < s.in_w ? left + s.filter_w : s.in_w;
        fn(r * s.out_w + y_c, b * s.in_h * s.in_w, h0, h1, w0, w1, scratch);
      }
    }
    delete[] scratch;
  });
}

// Per output row: the max over the window's rows, along the whole input row
// (contiguous, vectorized), then per output pixel the max over its columns.
void max_pool(const PoolArgs& a) {
  const PoolShape& s = a.shape;
  const int64_t ch = s.channels, row = s.in_w * ch;
  parallel_for(s.batch * s.out_h, [&](int64_t r0, int64_t r1) {
    uint8_t* cols = new uint8_t[static_cast<size_t>(row)];
    for (int64_t r = r0; r < r1; ++r) {
      const int64_t b = r / s.out_h, top = (r % s.out_h) * s.stride_h - s.pad_top;
      const int64_t h0 = top < 0 ? 0 : top, h1 = top + s.filter_h < s.in_h ? top + s.filter_h : s.in_h;
      const uint8_t* __restrict first = a.x + (b * s.in_h + h0) * row;
      for (int64_t i = 0; i < row; ++i) cols[i] = first[i];
      for (int64_t h = h0 + 1; h < h1; ++h) {
        const uint8_t* __restrict xp = a.x + (b * s.in_h + h) * row;
        for (int64_t i = 0; i < row; ++i) cols[i] = xp[i] > cols[i] ? xp[i] : cols[i];
      }
      for (int64_t y_c = 0; y_c < s.out_w; ++y_c) {
        const int64_t left = y_c * s.stride_w - s.pad_left;
        const int64_t w0 = left < 0 ? 0 : left, w1 = left + s.filter_w < s.in_w ? left + s.filter_w : s.in_w;
        uint8_t* __restrict yp = a.y + (r * s.out_w + y_c) * ch;
        const uint8_t* __restrict c0 = cols + w0 * ch;
        for (int64_t c = 0; c < ch; ++c) yp[c] = c0[c];
        for (int64_t w = w0 + 1; w < w1; ++w) {
          const uint8_t* __restrict cp = cols + w * ch;
          for (int64_t c = 0; c < ch; ++c) yp[c] = cp[c] > yp[c] ? cp[c] : yp[c];
        }
      }
    }
    delete[] cols;
  });
}

void avg_pool(const dws8::AvgPoolArgs& a) {
  const PoolShape& s = a.shape;
  const int64_t ch = s.channels;
  pool_windows(s, [&](int64_t out, int64_t in, int64_t h0, int64_t h1, int64_t w0, int64_t w1, int32_t* scratch) {
    int32_t* __restrict acc = scratch;
    for (int64_t c = 0; c < ch; ++c) acc[c] = 0;
    for (int64_t h = h0; h < h1; ++h)
      for (int64_t w = w0; w < w1; ++w) {
        const uint8_t* __restrict xp = a.x + (in + h * s.in_w + w) * ch;
        for (int64_t c = 0; c < ch; ++c) acc[c] += static_cast<int32_t>(xp[c]) - a.zero_point;
      }
    const float count = static_cast<float>((h1 - h0) * (w1 - w0));
    float* __restrict yp = a.y + out * ch;
    for (int64_t c = 0; c < ch; ++c) yp[c] = (static_cast<float>(acc[c]) * a.scale) / count;
  });
}

// y may be a or b itself (in place): each chunk of 64 is read into a local
// buffer first, so both loops vectorize without restrict.
template <bool AU8, bool BU8, bool OU8>
void add_range(const AddArgs& a, int64_t i0, int64_t i1) {
  const float sa = a.a.scale, sb = a.b.scale, lo = a.lo, hi = a.hi, inv = a.out_inverse;
  const float za = static_cast<float>(a.a.zero_point), zb = static_cast<float>(a.b.zero_point);
  const float qlo = static_cast<float>(-a.out_zero_point), qhi = static_cast<float>(255 - a.out_zero_point);
  const int32_t zo = a.out_zero_point;  // a local: uint8 stores may alias the arguments
  const auto* au = static_cast<const uint8_t*>(a.a.data);
  const auto* af = static_cast<const float*>(a.a.data);
  const auto* bu = static_cast<const uint8_t*>(a.b.data);
  const auto* bf = static_cast<const float*>(a.b.data);
  constexpr int64_t kBlock = 64;
  for (int64_t c = i0; c < i1; c += kBlock) {
    const int64_t n = i1 - c < kBlock ? i1 - c : kBlock;
    float v[kBlock];
    // q − zp is exact in float32; a uint8 operand's term enters the sum through
    // one fma (contraction-proof: the spec has no separate multiply-add).
    for (int64_t k = 0; k < n; ++k) {
      const int64_t i = c + k;
      float s;
      if (AU8 && BU8) s = __builtin_fmaf(static_cast<float>(bu[i]) - zb, sb, (static_cast<float>(au[i]) - za) * sa);
      else if (AU8) s = __builtin_fmaf(static_cast<float>(au[i]) - za, sa, bf[i]);
      else if (BU8) s = __builtin_fmaf(static_cast<float>(bu[i]) - zb, sb, af[i]);
      else s = af[i] + bf[i];
      s = s > lo ? s : lo;
      v[k] = s < hi ? s : hi;
    }
    if (OU8) {
      uint8_t* yu = static_cast<uint8_t*>(a.y) + c;
      for (int64_t k = 0; k < n; ++k) {
        float q = v[k] * inv;
        q = q > qlo ? q : qlo;
        q = q < qhi ? q : qhi;
        yu[k] = static_cast<uint8_t>(static_cast<int32_t>((q + kMagic) - kMagic) + zo);
      }
    } else {
      float* yf = static_cast<float*>(a.y) + c;
      for (int64_t k = 0; k < n; ++k) yf[k] = v[k];
    }
  }
}

template <bool AU8, bool BU8>
void add_typed(const AddArgs& a, int64_t i0, int64_t i1) {
  if (a.out_u8) add_range<AU8, BU8, true>(a, i0, i1);
  else add_range<AU8, BU8, false>(a, i0, i1);
}

void add(const AddArgs& a) {
  constexpr int64_t kChunk = int64_t{1} << 16;
  parallel_for((a.n + kChunk - 1) / kChunk, [&](int64_t c0, int64_t c1) {
    const int64_t i0 = c0 * kChunk, i1 = c1 * kChunk < a.n ? c1 * kChunk : a.n;
    if (a.a.u8 && a.b.u8) add_typed<true, true>(a, i0, i1);
    else if (a.a.u8) add_typed<true, false>(a, i0, i1);
    else if (a.b.u8) add_typed<false, true>(a, i0, i1);
    else add_typed<false, false>(a, i0, i1);
  });
}

}  // namespace dws8_impl
}  // namespace
}  // namespace lite

// Defines the path's table, lite::dw_s8_kernels_<isa>, with `dw` as its depthwise kernel.
#define LITE_DW_S8_TABLE(isa, dw)                                                                  \
  namespace lite {                                                                                 \
  extern const dws8::Kernels dw_s8_kernels_##isa;                                                  \
  const dws8::Kernels dw_s8_kernels_##isa = {dw, dws8_impl::max_pool, dws8_impl::add, dws8_impl::avg_pool}; \
  }
#define LITE_DW_S8_PATH(isa) LITE_DW_S8_TABLE(isa, dws8_impl::depthwise)
