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

// y = the window's first maximum: strict >, from −∞, so NaN never wins (as tfjs).
inline void max_window(const PoolShape& s, const float* xb, const Window& win, int64_t c0, int64_t n,
                       float* __restrict best) {
  for (int64_t c = 0; c < n; ++c) best[c] = -std::numeric_limits<float>::infinity();
  for (int64_t r = win.r_lo; r < win.r_hi; ++r)
    for (int64_t col = win.c_lo; col < win.c_hi; ++col) {
      const float* __restrict xp = xb + (r * s.in_w + col) * s.channels + c0;
      for (int64_t c = 0; c < n; ++c) best[c] = xp[c] > best[c] ? xp[c] : best[c];
    }
}

// Threaded over output rows (b, y_r).
template <bool kMax>
void pool_forward(const PoolShape& s, const float* x, float* y) {
  const int64_t ch = s.channels;
  parallel_for(s.batch * s.out_h, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const float* xb = x + r / s.out_h * s.in_h * s.in_w * ch;
      for (int64_t y_c = 0; y_c < s.out_w; ++y_c) {
        const Window win(s, r % s.out_h, y_c);
        float* __restrict yp = y + (r * s.out_w + y_c) * ch;
        if (kMax) {
          max_window(s, xb, win, 0, ch, yp);
          continue;
        }
        for (int64_t c = 0; c < ch; ++c) yp[c] = 0.f;
        for (int64_t row = win.r_lo; row < win.r_hi; ++row)
          for (int64_t col = win.c_lo; col < win.c_hi; ++col) {
            const float* __restrict xp = xb + (row * s.in_w + col) * ch;
            for (int64_t c = 0; c < ch; ++c) yp[c] += xp[c];
          }
        const float n = static_cast<float>(win.count());
        for (int64_t c = 0; c < ch; ++c) yp[c] /= n;
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
      for (int64_t p = 0; p < pixels; ++p)
        for (int64_t c = 0; c < n; ++c) dxb[p * s.channels + c] = 0.f;
      fn(b, c0, n);
    }
  });
}

// Each window's dy goes to its first maximum: recompute the maximum, then walk
// the window in order and hand dy to the first element equal to it (none when
// the maximum is −∞, as tfjs, whose strict > then records no position).
void max_pool_backprop_impl(const PoolShape& s, const float* dy, const float* x, float* dx) {
  const int64_t ch = s.channels, image = s.in_h * s.in_w * ch;
  for_each_image_block(s, dx, [&](int64_t b, int64_t c0, int64_t n) {
    alignas(64) float best[kPoolBlock];
    alignas(64) int32_t open[kPoolBlock];
    const float* xb = x + b * image;
    float* dxb = dx + b * image + c0;
    for (int64_t y_r = 0; y_r < s.out_h; ++y_r)
      for (int64_t y_c = 0; y_c < s.out_w; ++y_c) {
        const Window win(s, y_r, y_c);
        const float* __restrict g = dy + ((b * s.out_h + y_r) * s.out_w + y_c) * ch + c0;
        max_window(s, xb, win, c0, n, best);
        for (int64_t c = 0; c < n; ++c) open[c] = best[c] > -std::numeric_limits<float>::infinity();
        for (int64_t r = win.r_lo; r < win.r_hi; ++r)
          for (int64_t col = win.c_lo; col < win.c_hi; ++col) {
            const float* __restrict xp = xb + (r * s.in_w + col) * ch + c0;
            float* __restrict dxp = dxb + (r * s.in_w + col) * ch;
            for (int64_t c = 0; c < n; ++c) {
              const int32_t hit = open[c] & (xp[c] == best[c]);
              dxp[c] += hit ? g[c] : 0.f;
              open[c] -= hit;
            }
          }
      }
  });
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
