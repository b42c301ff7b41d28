// Depthwise convolution (NHWC, filter [fh, fw, inC, mult]), shared by every
// instruction-set path: depthwise_<isa>.cc includes this file, compiled with its
// own flags, and the compiler vectorises the inner loops across the contiguous
// channel axis. Everything here has internal linkage (anonymous namespace) and
// uses no std:: templates, so no ISA's copy can be merged into another's.
#pragma once
#include <cstdint>
#include <cstdlib>

#include "../kernels.h"
#include "../runtime/thread_pool.h"

namespace lite {
namespace {

inline int64_t min_i64(int64_t a, int64_t b) { return a < b ? a : b; }

// Output channel d = c·mult + q reads input channel c and filter entry [tap, d].
// y[d] += x[c]·w[d]; mult 1 (the usual case) is a plain contiguous FMA loop.
inline void dw_madd(float* __restrict y, const float* __restrict x, const float* __restrict w, int64_t in_c,
                    int64_t mult) {
  if (mult == 1) {
    for (int64_t c = 0; c < in_c; ++c) y[c] += x[c] * w[c];
    return;
  }
  for (int64_t c = 0; c < in_c; ++c) {
    const float v = x[c];
    for (int64_t q = 0; q < mult; ++q) y[c * mult + q] += v * w[c * mult + q];
  }
}

// The input pixel under tap (w_r, w_c) of output (b, y_r, y_c), or -1 in the padding.
inline int64_t dw_input_pixel(const ConvShape& s, int64_t b, int64_t y_r, int64_t y_c, int64_t w_r, int64_t w_c) {
  const int64_t x_r = y_r * s.stride_h - s.pad_top + w_r * s.dilation_h;
  const int64_t x_c = y_c * s.stride_w - s.pad_left + w_c * s.dilation_w;
  if (x_r < 0 || x_r >= s.in_h || x_c < 0 || x_c >= s.in_w) return -1;
  return (b * s.in_h + x_r) * s.in_w + x_c;
}

// Threaded over output rows (b, y_r); each output pixel is bias + its taps.
void dw_forward(const ConvShape& s, const float* x, const float* w, const float* bias, Activation act, float* y) {
  const int64_t ch = s.out_c, mult = s.out_c / s.in_c;
  parallel_for(s.batch * s.out_h, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const int64_t b = r / s.out_h, y_r = r % s.out_h;
      for (int64_t y_c = 0; y_c < s.out_w; ++y_c) {
        float* __restrict yp = y + (r * s.out_w + y_c) * ch;
        for (int64_t d = 0; d < ch; ++d) yp[d] = bias ? bias[d] : 0.f;
        for (int64_t w_r = 0; w_r < s.filter_h; ++w_r)
          for (int64_t w_c = 0; w_c < s.filter_w; ++w_c) {
            const int64_t at = dw_input_pixel(s, b, y_r, y_c, w_r, w_c);
            if (at >= 0) dw_madd(yp, x + at * s.in_c, w + (w_r * s.filter_w + w_c) * ch, s.in_c, mult);
          }
        if (act == Activation::Relu)
          for (int64_t d = 0; d < ch; ++d) yp[d] = yp[d] > 0.f ? yp[d] : 0.f;
        else if (act == Activation::Relu6)
          for (int64_t d = 0; d < ch; ++d) yp[d] = yp[d] > 0.f ? (yp[d] < 6.f ? yp[d] : 6.f) : 0.f;
      }
    }
  });
}

// Gathers, per input row (b, x_r), every (output, tap) pair that read it, so
// threads own disjoint rows of dx and never race.
void dw_backprop_input(const ConvShape& s, const float* dy, const float* w, float* dx) {
  const int64_t ch = s.out_c, mult = s.out_c / s.in_c, in_c = s.in_c;
  parallel_for(s.batch * s.in_h, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const int64_t b = r / s.in_h, x_r = r % s.in_h;
      float* row = dx + r * s.in_w * in_c;
      for (int64_t i = 0; i < s.in_w * in_c; ++i) row[i] = 0.f;
      for (int64_t w_r = 0; w_r < s.filter_h; ++w_r) {
        const int64_t t = x_r + s.pad_top - w_r * s.dilation_h;
        if (t < 0 || t % s.stride_h != 0 || t / s.stride_h >= s.out_h) continue;
        const int64_t y_r = t / s.stride_h;
        for (int64_t y_c = 0; y_c < s.out_w; ++y_c) {
          const float* __restrict dyp = dy + ((b * s.out_h + y_r) * s.out_w + y_c) * ch;
          for (int64_t w_c = 0; w_c < s.filter_w; ++w_c) {
            const int64_t x_c = y_c * s.stride_w - s.pad_left + w_c * s.dilation_w;
            if (x_c < 0 || x_c >= s.in_w) continue;
            float* __restrict dxp = row + x_c * in_c;
            const float* __restrict wp = w + (w_r * s.filter_w + w_c) * ch;
            if (mult == 1) {
              for (int64_t c = 0; c < in_c; ++c) dxp[c] += dyp[c] * wp[c];
            } else {
              for (int64_t c = 0; c < in_c; ++c) {
                float sum = 0.f;
                for (int64_t q = 0; q < mult; ++q) sum += dyp[c * mult + q] * wp[c * mult + q];
                dxp[c] += sum;
              }
            }
          }
        }
      }
    }
  });
}

// Multiplier 1 (the usual case): sums dW over output rows [r0, r1) into out
// (overwritten). Per row and tap, the output columns whose tap lands inside the
// input are summed in chunks of W channels with fixed trip counts, so the sums
// stay in registers instead of costing a load and a store per multiply-add.
template <int W>
inline void dw_filter_chunk(const float* x_row, const float* dy_row, int64_t x_c0, int64_t stride, int64_t lo,
                            int64_t hi, int64_t ch, float* out) {
  float acc[W];
  for (int i = 0; i < W; ++i) acc[i] = 0.f;
  for (int64_t y_c = lo; y_c < hi; ++y_c) {
    const float* xp = x_row + (x_c0 + y_c * stride) * ch;
    const float* dyp = dy_row + y_c * ch;
    for (int i = 0; i < W; ++i) acc[i] += xp[i] * dyp[i];
  }
  for (int i = 0; i < W; ++i) out[i] += acc[i];
}

void dw_filter_rows_mult1(const ConvShape& s, const float* x, const float* dy, int64_t r0, int64_t r1, float* out) {
  const int64_t ch = s.in_c;
  for (int64_t i = 0; i < s.filter_h * s.filter_w * ch; ++i) out[i] = 0.f;
  for (int64_t r = r0; r < r1; ++r) {
    const int64_t b = r / s.out_h, y_r = r % s.out_h;
    const float* dy_row = dy + r * s.out_w * ch;
    for (int64_t w_r = 0; w_r < s.filter_h; ++w_r) {
      const int64_t x_r = y_r * s.stride_h - s.pad_top + w_r * s.dilation_h;
      if (x_r < 0 || x_r >= s.in_h) continue;
      const float* x_row = x + (b * s.in_h + x_r) * s.in_w * ch;
      for (int64_t w_c = 0; w_c < s.filter_w; ++w_c) {
        const int64_t x_c0 = w_c * s.dilation_w - s.pad_left;  // x column under this tap at output column 0
        int64_t lo = 0, hi = s.out_w;
        while (lo < hi && x_c0 + lo * s.stride_w < 0) ++lo;
        while (hi > lo && x_c0 + (hi - 1) * s.stride_w >= s.in_w) --hi;
        float* o = out + (w_r * s.filter_w + w_c) * ch;
        int64_t c = 0;
        for (; c + 16 <= ch; c += 16) dw_filter_chunk<16>(x_row + c, dy_row + c, x_c0, s.stride_w, lo, hi, ch, o + c);
        for (; c + 4 <= ch; c += 4) dw_filter_chunk<4>(x_row + c, dy_row + c, x_c0, s.stride_w, lo, hi, ch, o + c);
        for (; c < ch; ++c) dw_filter_chunk<1>(x_row + c, dy_row + c, x_c0, s.stride_w, lo, hi, ch, o + c);
      }
    }
  }
}

// Any multiplier: sums dW over output rows [r0, r1) into out (overwritten).
void dw_filter_rows(const ConvShape& s, const float* x, const float* dy, int64_t r0, int64_t r1, float* out) {
  const int64_t ch = s.out_c, mult = s.out_c / s.in_c;
  for (int64_t i = 0; i < s.filter_h * s.filter_w * ch; ++i) out[i] = 0.f;
  for (int64_t r = r0; r < r1; ++r) {
    const int64_t b = r / s.out_h, y_r = r % s.out_h;
    for (int64_t y_c = 0; y_c < s.out_w; ++y_c) {
      const float* dyp = dy + (r * s.out_w + y_c) * ch;
      for (int64_t w_r = 0; w_r < s.filter_h; ++w_r)
        for (int64_t w_c = 0; w_c < s.filter_w; ++w_c) {
          const int64_t at = dw_input_pixel(s, b, y_r, y_c, w_r, w_c);
          if (at >= 0) dw_madd(out + (w_r * s.filter_w + w_c) * ch, x + at * s.in_c, dyp, s.in_c, mult);
        }
    }
  }
}

// Each thread sums its output rows into its own dW (the first straight into
// dw), then the partial sums are added up. dW is small (fh·fw·outC).
void dw_backprop_filter(const ConvShape& s, const float* x, const float* dy, float* dw) {
  const int64_t rows = s.batch * s.out_h, size = s.filter_h * s.filter_w * s.out_c;
  const double macs = static_cast<double>(rows) * s.out_w * size;
  int64_t parts = macs < 65536.0 ? 1 : min_i64(num_threads(), rows);
  float* partials = nullptr;
  if (parts > 1) {
    partials = static_cast<float*>(std::malloc(static_cast<size_t>((parts - 1) * size) * sizeof(float)));
    if (partials == nullptr) parts = 1;  // no room: one thread, no partials
  }
  parallel_for(parts, [&](int64_t p0, int64_t p1) {
    for (int64_t p = p0; p < p1; ++p)
      (s.out_c == s.in_c ? dw_filter_rows_mult1 : dw_filter_rows)(s, x, dy, rows * p / parts, rows * (p + 1) / parts,
                                                                  p == 0 ? dw : partials + (p - 1) * size);
  });
  for (int64_t p = 1; p < parts; ++p) {
    const float* src = partials + (p - 1) * size;
    for (int64_t i = 0; i < size; ++i) dw[i] += src[i];
  }
  std::free(partials);
}

}  // namespace
}  // namespace lite

// Defines the path's three entry points, e.g. LITE_DEPTHWISE_PATH(avx2).
#define LITE_DEPTHWISE_PATH(isa)                                                                       \
  namespace lite {                                                                                     \
  void depthwise_forward_##isa(const ConvShape& s, const float* x, const float* w, const float* bias, \
                               Activation act, float* y) {                                            \
    dw_forward(s, x, w, bias, act, y);                                                                 \
  }                                                                                                    \
  void depthwise_backprop_input_##isa(const ConvShape& s, const float* dy, const float* w, float* dx) { \
    dw_backprop_input(s, dy, w, dx);                                                                   \
  }                                                                                                    \
  void depthwise_backprop_filter_##isa(const ConvShape& s, const float* x, const float* dy, float* dw) { \
    dw_backprop_filter(s, x, dy, dw);                                                                  \
  }                                                                                                    \
  }
