// NHWC max/avg pooling, shared by every instruction-set path: pool_<isa>.cc
// includes this file, compiled with its own flags, and the compiler vectorises
// the inner loops across the contiguous channel axis. Everything here has
// internal linkage and uses no std:: templates, so no ISA's copy can be merged
// into another's. Windows are clipped to the input (padding never takes part);
// the binding guarantees every window holds at least one input element.
#pragma once
#include <cstdint>
#include <limits>

#include "../kernels.h"
#include "../runtime/thread_pool.h"

namespace lite {
namespace {

constexpr int64_t kPoolBlock = 64;  // channels per backprop task (and per stack buffer)

inline int64_t pool_min(int64_t a, int64_t b) { return a < b ? a : b; }
inline int64_t pool_max(int64_t a, int64_t b) { return a > b ? a : b; }

// The in-bounds rows [r_lo, r_hi) and columns [c_lo, c_hi) of window (y_r, y_c).
struct Window {
  int64_t r_lo, r_hi, c_lo, c_hi;
  Window(const PoolShape& s, int64_t y_r, int64_t y_c) {
    const int64_t r = y_r * s.stride_h - s.pad_top, c = y_c * s.stride_w - s.pad_left;
    r_lo = pool_max(r, 0);
    r_hi = pool_min(r + s.filter_h, s.in_h);
    c_lo = pool_max(c, 0);
    c_hi = pool_min(c + s.filter_w, s.in_w);
  }
  int64_t count() const { return (r_hi - r_lo) * (c_hi - c_lo); }
};

// y[0, n) = the window's first maximum: strict >, from −∞, so NaN never wins
// (as tfjs). A runtime-length loop over memory: GCC vectorises this select
// into vmaxps here, but not in a fixed-length register form.
inline void max_window(const PoolShape& s, const Window& win, const float* xb, int64_t n, float* __restrict y) {
  for (int64_t c = 0; c < n; ++c) y[c] = -std::numeric_limits<float>::infinity();
  for (int64_t r = win.r_lo; r < win.r_hi; ++r)
    for (int64_t col = win.c_lo; col < win.c_hi; ++col) {
      const float* __restrict xp = xb + (r * s.in_w + col) * s.channels;
      for (int64_t c = 0; c < n; ++c) y[c] = xp[c] > y[c] ? xp[c] : y[c];
    }
}

// y[0, W) = the mean of the window's in-bounds elements, W channels at a time
// with a fixed trip count so the sums stay in vector registers.
template <int W>
inline void mean_window(const PoolShape& s, const Window& win, const float* xb, float* y) {
  float acc[W];
  for (int c = 0; c < W; ++c) acc[c] = 0.f;
  for (int64_t r = win.r_lo; r < win.r_hi; ++r)
    for (int64_t col = win.c_lo; col < win.c_hi; ++col) {
      const float* xp = xb + (r * s.in_w + col) * s.channels;
      for (int c = 0; c < W; ++c) acc[c] += xp[c];
    }
  const float count = static_cast<float>(win.count());
  for (int c = 0; c < W; ++c) y[c] = acc[c] / count;
}

// Threaded over output rows (b, y_r); mean channels in chunks of 16, then 8, 4, 2, 1.
template <bool kMax>
void pool_forward(const PoolShape& s, const float* x, float* y) {
  const int64_t ch = s.channels;
  parallel_for(s.batch * s.out_h, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const float* xb = x + r / s.out_h * s.in_h * s.in_w * ch;
      for (int64_t y_c = 0; y_c < s.out_w; ++y_c) {
        const Window win(s, r % s.out_h, y_c);
        float* yp = y + (r * s.out_w + y_c) * ch;
        if (kMax) {
          max_window(s, win, xb, ch, yp);
          continue;
        }
        int64_t c = 0;
        for (; c + 16 <= ch; c += 16) mean_window<16>(s, win, xb + c, yp + c);
        if (c + 8 <= ch) mean_window<8>(s, win, xb + c, yp + c), c += 8;
        if (c + 4 <= ch) mean_window<4>(s, win, xb + c, yp + c), c += 4;
        if (c + 2 <= ch) mean_window<2>(s, win, xb + c, yp + c), c += 2;
        if (c < ch) mean_window<1>(s, win, xb + c, yp + c);
      }
    }
  });
}

// Overlapping windows scatter into the same dx, so each task owns one image and
// one block of channels: task = b · blocks + block. fn(b, c0, n) does the work.
template <class Fn>
void for_each_image_block(const PoolShape& s, float* dx, const Fn& fn) {
  const int64_t blocks = (s.channels + kPoolBlock - 1) / kPoolBlock, pixels = s.in_h * s.in_w;
  parallel_for(s.batch * blocks, [&](int64_t t0, int64_t t1) {
    for (int64_t t = t0; t < t1; ++t) {
      const int64_t b = t / blocks, c0 = t % blocks * kPoolBlock, n = pool_min(kPoolBlock, s.channels - c0);
      float* dxb = dx + b * pixels * s.channels + c0;
      if (n == s.channels) {
        for (int64_t i = 0; i < pixels * n; ++i) dxb[i] = 0.f;  // the whole image: one contiguous run
      } else {
        for (int64_t p = 0; p < pixels; ++p)
          for (int64_t c = 0; c < n; ++c) dxb[p * s.channels + c] = 0.f;
      }
      fn(b, c0, n);
    }
  });
}

// Each window's dy goes to its first maximum. One pass over the window keeps,
// per channel, the maximum so far and the pixel that holds it (strict >: the
// first maximum wins, NaN never does, and a window of only −∞ keeps −1 and gets
// no gradient, as tfjs); then dy is scattered. W channels at a time (16, then
// 8, 4, 2, 1) with a fixed trip count, so the running values stay in registers.
template <int W, class Index>
inline void max_scatter(const PoolShape& s, const Window& win, const float* xb, const float* g, float* dxb) {
  float best[W];
  Index at[W];
  for (int c = 0; c < W; ++c) {
    best[c] = -std::numeric_limits<float>::infinity();
    at[c] = -1;
  }
  for (int64_t r = win.r_lo; r < win.r_hi; ++r)
    for (int64_t col = win.c_lo; col < win.c_hi; ++col) {
      const Index pixel = static_cast<Index>(r * s.in_w + col);
      const float* xp = xb + pixel * s.channels;
      for (int c = 0; c < W; ++c) {
        const bool more = xp[c] > best[c];
        best[c] = more ? xp[c] : best[c];
        at[c] = more ? pixel : at[c];
      }
    }
  for (int c = 0; c < W; ++c)
    if (at[c] >= 0) dxb[at[c] * s.channels + c] += g[c];
}

// Index is int32 (the lane width of float, so it vectorises well) unless an
// image has 2³¹ pixels or more.
template <class Index>
void max_pool_backprop_indexed(const PoolShape& s, const float* dy, const float* x, float* dx) {
  const int64_t ch = s.channels, image = s.in_h * s.in_w * ch;
  for_each_image_block(s, dx, [&](int64_t b, int64_t c0, int64_t n) {
    for (int64_t y_r = 0; y_r < s.out_h; ++y_r)
      for (int64_t y_c = 0; y_c < s.out_w; ++y_c) {
        const Window win(s, y_r, y_c);
        const float* g = dy + ((b * s.out_h + y_r) * s.out_w + y_c) * ch;
        int64_t c = c0;
        const float* xb = x + b * image;
        float* dxb = dx + b * image;
        for (; c + 16 <= c0 + n; c += 16) max_scatter<16, Index>(s, win, xb + c, g + c, dxb + c);
        if (c + 8 <= c0 + n) max_scatter<8, Index>(s, win, xb + c, g + c, dxb + c), c += 8;
        if (c + 4 <= c0 + n) max_scatter<4, Index>(s, win, xb + c, g + c, dxb + c), c += 4;
        if (c + 2 <= c0 + n) max_scatter<2, Index>(s, win, xb + c, g + c, dxb + c), c += 2;
        if (c < c0 + n) max_scatter<1, Index>(s, win, xb + c, g + c, dxb + c);
      }
  });
}

void max_pool_backprop_impl(const PoolShape& s, const float* dy, const float* x, float* dx) {
  if (s.in_h * s.in_w < (int64_t{1} << 31))
    max_pool_backprop_indexed<int32_t>(s, dy, x, dx);
  else
    max_pool_backprop_indexed<int64_t>(s, dy, x, dx);
}

// The true gradient of avg_pool: dy / (in-bounds count) to each window element.
void avg_pool_backprop_impl(const PoolShape& s, const float* dy, float* dx) {
  const int64_t ch = s.channels, image = s.in_h * s.in_w * ch;
  for_each_image_block(s, dx, [&](int64_t b, int64_t c0, int64_t n) {
    alignas(64) float share[kPoolBlock];
    float* dxb = dx + b * image + c0;
    for (int64_t y_r = 0; y_r < s.out_h; ++y_r)
      for (int64_t y_c = 0; y_c < s.out_w; ++y_c) {
        const Window win(s, y_r, y_c);
        const float* __restrict g = dy + ((b * s.out_h + y_r) * s.out_w + y_c) * ch + c0;
        const float count = static_cast<float>(win.count());
        for (int64_t c = 0; c < n; ++c) share[c] = g[c] / count;
        for (int64_t r = win.r_lo; r < win.r_hi; ++r)
          for (int64_t col = win.c_lo; col < win.c_hi; ++col) {
            float* __restrict dxp = dxb + (r * s.in_w + col) * ch;
            for (int64_t c = 0; c < n; ++c) dxp[c] += share[c];
          }
      }
  });
}

}  // namespace
}  // namespace lite

// Defines the path's four entry points, e.g. LITE_POOL_PATH(avx2).
#define LITE_POOL_PATH(isa)                                                                             \
  namespace lite {                                                                                      \
  void max_pool_##isa(const PoolShape& s, const float* x, float* y) { pool_forward<true>(s, x, y); }   \
  void max_pool_backprop_##isa(const PoolShape& s, const float* dy, const float* x, float* dx) {        \
    max_pool_backprop_impl(s, dy, x, dx);                                                               \
  }                                                                                                     \
  void avg_pool_##isa(const PoolShape& s, const float* x, float* y) { pool_forward<false>(s, x, y); }  \
  void avg_pool_backprop_##isa(const PoolShape& s, const float* dy, float* dx) {                        \
    avg_pool_backprop_impl(s, dy, dx);                                                                  \
  }                                                                                                     \
  }
