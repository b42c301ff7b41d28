// NHWC max/avg pooling, shared by every instruction-set path: pool_<isa>.cc
// includes this file with its simd.h vector type and compiles it with its own
// flags. Each output pixel works on whole vectors of its contiguous channels,
// masked at the end (10 or 20 channels are one or two vectors, not 8+2 or
// 16+4 passes). Everything here has internal linkage and uses no std::
// templates, so no ISA's copy can be merged into another's. Windows are
// clipped to the input (padding never takes part); the binding guarantees
// every window holds at least one input element.
#pragma once
#include <cstdint>
#include <cstring>
#include <limits>

#include "../conv/simd.h"
#include "../kernels.h"
#include "../runtime/thread_pool.h"

namespace lite {
namespace {

// Input floats below which a call runs on one thread: these loops take
// microseconds, less than waking a worker costs.
constexpr int64_t kPoolParallelFloats = int64_t{1} << 20;

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

// Runs fn(begin, end) over [0, tasks), across the pool only for large inputs.
template <class Fn>
void pool_tasks(const PoolShape& s, int64_t tasks, const Fn& fn) {
  if (s.batch * s.in_h * s.in_w * s.channels < kPoolParallelFloats) {
    fn(int64_t{0}, tasks);
    return;
  }
  parallel_for(tasks, [&](int64_t t0, int64_t t1) { fn(t0, t1); });
}

// Windows that never overlap each other: each input element is in at most one.
bool disjoint(const PoolShape& s) { return s.stride_h >= s.filter_h && s.stride_w >= s.filter_w; }

// Calls gap(lo, hi) for each run of input indices [lo, hi) along an axis that
// no window covers (disjoint windows, in increasing order).
template <class Fn>
void for_each_gap(int64_t in, int64_t stride, int64_t pad, int64_t filter, int64_t out, const Fn& gap) {
  int64_t next = 0;  // first index not yet accounted for
  for (int64_t o = 0; o < out && next < in; ++o) {
    const int64_t lo = pool_max(o * stride - pad, 0), hi = pool_min(o * stride - pad + filter, in);
    if (lo > next) gap(next, pool_min(lo, in));
    next = pool_max(next, hi);
  }
  if (next < in) gap(next, in);
}

// Zeroes dx of one image: everything when windows overlap (they then add into
// it), else only what no window covers (the windows write the rest).
void zero_for_backprop(const PoolShape& s, float* dxb) {
  const int64_t ch = s.channels, row = s.in_w * ch;
  const auto zero = [](float* p, int64_t n) { std::memset(p, 0, static_cast<size_t>(n) * sizeof(float)); };
  if (!disjoint(s)) return zero(dxb, s.in_h * row);
  for_each_gap(s.in_h, s.stride_h, s.pad_top, s.filter_h, s.out_h,
               [&](int64_t lo, int64_t hi) { zero(dxb + lo * row, (hi - lo) * row); });
  for_each_gap(s.in_w, s.stride_w, s.pad_left, s.filter_w, s.out_w, [&](int64_t lo, int64_t hi) {
    for (int64_t r = 0; r < s.in_h; ++r) zero(dxb + r * row + lo * ch, (hi - lo) * ch);
  });
}

// Threaded over output rows (b, y_r). Max: the first maximum, strict >, from
// −∞, so NaN never wins (as tfjs). Avg: the mean of the in-bounds elements.
template <class I, bool kMax>
void pool_forward(const PoolShape& s, const float* x, float* y) {
  using V = typename I::V;
  constexpr int L = I::L;
  const int64_t ch = s.channels;
  const float start = kMax ? -std::numeric_limits<float>::infinity() : 0.f;
  pool_tasks(s, s.batch * s.out_h, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const float* xb = x + r / s.out_h * s.in_h * s.in_w * ch;
      for (int64_t y_c = 0; y_c < s.out_w; ++y_c) {
        const Window win(s, r % s.out_h, y_c);
        float* yp = y + (r * s.out_w + y_c) * ch;
        for (int64_t c0 = 0; c0 < ch; c0 += L) {
          const typename I::M m = I::lanes(0, ch - c0);
          V acc = I::bcast(&start);
          for (int64_t row = win.r_lo; row < win.r_hi; ++row)
            for (int64_t col = win.c_lo; col < win.c_hi; ++col) {
              const V v = I::load_m(xb + (row * s.in_w + col) * ch + c0, m);
              acc = kMax ? I::max(v, acc) : I::add(acc, v);
            }
          if (!kMax) {
            const float count = static_cast<float>(win.count());
            acc = I::div(acc, I::bcast(&count));
          }
          I::store_m(yp + c0, acc, m);
        }
      }
    }
  });
}

// Each window's dy goes to its first maximum. One pass over the window keeps,
// per lane, the maximum so far and its position in the window (strict >: the
// first maximum wins, NaN never does, and a window of only −∞ keeps −1 and gets
// no gradient, as tfjs); a second pass hands dy to that position. Positions
// are floats, exact below 2²⁴ elements per window.
template <class I>
void max_backprop_window(const PoolShape& s, const Window& win, const float* xb, const float* g, float* dxb,
                         typename I::M m, bool add) {
  using V = typename I::V;
  const int64_t ch = s.channels;
  const float neg_inf = -std::numeric_limits<float>::infinity(), none = -1.f, one = 1.f;
  V best = I::bcast(&neg_inf), at = I::bcast(&none), pos = I::zero();
  const V step = I::bcast(&one), gv = I::load_m(g, m);
  for (int64_t r = win.r_lo; r < win.r_hi; ++r)
    for (int64_t c = win.c_lo; c < win.c_hi; ++c, pos = I::add(pos, step)) {
      const V v = I::load_m(xb + (r * s.in_w + c) * ch, m);
      const typename I::M more = I::gt(v, best);
      best = I::select(more, v, best);
      at = I::select(more, pos, at);
    }
  pos = I::zero();
  for (int64_t r = win.r_lo; r < win.r_hi; ++r)
    for (int64_t c = win.c_lo; c < win.c_hi; ++c, pos = I::add(pos, step)) {
      float* dxp = dxb + (r * s.in_w + c) * ch;
      const V share = I::select(I::eq(at, pos), gv, I::zero());
      I::store_m(dxp, add ? I::add(I::load_m(dxp, m), share) : share, m);
    }
}

// The same, one channel at a time, for windows too large for float positions.
void max_backprop_window_scalar(const PoolShape& s, const Window& win, const float* xb, const float* g,
                                float* dxb, int64_t n) {
  for (int64_t c = 0; c < n; ++c) {
    float best = -std::numeric_limits<float>::infinity();
    int64_t at = -1;
    for (int64_t r = win.r_lo; r < win.r_hi; ++r)
      for (int64_t col = win.c_lo; col < win.c_hi; ++col) {
        const int64_t p = r * s.in_w + col;
        if (xb[p * s.channels + c] > best) best = xb[p * s.channels + c], at = p;
      }
    if (at >= 0) dxb[at * s.channels + c] += g[c];
  }
}

// One task per image: windows of an image may overlap, images never do.
template <class I>
void max_pool_backprop_impl(const PoolShape& s, const float* dy, const float* x, float* dx) {
  constexpr int L = I::L;
  const int64_t ch = s.channels, image = s.in_h * s.in_w * ch;
  const bool add = !disjoint(s), huge = s.filter_h * s.filter_w >= (int64_t{1} << 24);
  pool_tasks(s, s.batch, [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; ++b) {
      const float* xb = x + b * image;
      float* dxb = dx + b * image;
      if (huge) std::memset(dxb, 0, static_cast<size_t>(image) * sizeof(float));
      else zero_for_backprop(s, dxb);
      for (int64_t y_r = 0; y_r < s.out_h; ++y_r)
        for (int64_t y_c = 0; y_c < s.out_w; ++y_c) {
          const Window win(s, y_r, y_c);
          const float* g = dy + ((b * s.out_h + y_r) * s.out_w + y_c) * ch;
          if (huge) {
            max_backprop_window_scalar(s, win, xb, g, dxb, ch);
            continue;
          }
          for (int64_t c0 = 0; c0 < ch; c0 += L)
            max_backprop_window<I>(s, win, xb + c0, g + c0, dxb + c0, I::lanes(0, ch - c0), add);
        }
    }
  });
}

// The true gradient of avg_pool: dy / (in-bounds count) to each window element.
template <class I>
void avg_pool_backprop_impl(const PoolShape& s, const float* dy, float* dx) {
  using V = typename I::V;
  constexpr int L = I::L;
  const int64_t ch = s.channels, image = s.in_h * s.in_w * ch;
  const bool add = !disjoint(s);
  pool_tasks(s, s.batch, [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; ++b) {
      float* dxb = dx + b * image;
      zero_for_backprop(s, dxb);
      for (int64_t y_r = 0; y_r < s.out_h; ++y_r)
        for (int64_t y_c = 0; y_c < s.out_w; ++y_c) {
          const Window win(s, y_r, y_c);
          const float* g = dy + ((b * s.out_h + y_r) * s.out_w + y_c) * ch;
          const float count = static_cast<float>(win.count());
          for (int64_t c0 = 0; c0 < ch; c0 += L) {
            const typename I::M m = I::lanes(0, ch - c0);
            const V share = I::div(I::load_m(g + c0, m), I::bcast(&count));
            for (int64_t r = win.r_lo; r < win.r_hi; ++r)
              for (int64_t col = win.c_lo; col < win.c_hi; ++col) {
                float* dxp = dxb + (r * s.in_w + col) * ch + c0;
                I::store_m(dxp, add ? I::add(I::load_m(dxp, m), share) : share, m);
              }
          }
        }
    }
  });
}

}  // namespace
}  // namespace lite

// Defines the path's four entry points, e.g. LITE_POOL_PATH(avx2, Simd256).
#define LITE_POOL_PATH(isa, simd)                                                                        \
  namespace lite {                                                                                       \
  void max_pool_##isa(const PoolShape& s, const float* x, float* y) { pool_forward<simd, true>(s, x, y); } \
  void max_pool_backprop_##isa(const PoolShape& s, const float* dy, const float* x, float* dx) {         \
    max_pool_backprop_impl<simd>(s, dy, x, dx);                                                          \
  }                                                                                                      \
  void avg_pool_##isa(const PoolShape& s, const float* x, float* y) { pool_forward<simd, false>(s, x, y); } \
  void avg_pool_backprop_##isa(const PoolShape& s, const float* dy, float* dx) {                         \
    avg_pool_backprop_impl<simd>(s, dy, dx);                                                             \
  }                                                                                                      \
  }
