// NHWC max/avg pooling, shared by every instruction-set path: pool_<isa>.cc
// includes this file with its simd.h vector types and compiles it with its own
// flags. A window is visited once per chunk of up to four vectors of its
// contiguous channels, the channels left over in one masked vector or as single
// lanes (10 channels on AVX-512 are one pass of one vector, not 8 then 2).
// Everything here has internal linkage and instantiates no std:: function
// templates, so no ISA's copy can be merged into another's. Windows are
// clipped to the input (padding never takes part); the binding guarantees
// every window holds at least one input element.
#pragma once
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#include "../simd/simd.h"
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

// U vectors of T holding the channels [c0, c0 + U·L) of a pixel, the last
// vector only its first `last` lanes (masked; whole vectors load plainly).
template <class T, int U>
struct Chunk {
  using Traits = T;
  using V = typename T::V;
  static constexpr int kVectors = U;
  typename T::M mask;
  bool partial;
  int64_t count;  // channels in the chunk
  explicit Chunk(int64_t last) : mask(T::lanes(0, last)), partial(last < T::L), count((U - 1) * T::L + last) {}
  V load(const float* p, int u) const {
    return partial && u == U - 1 ? T::load_m(p + u * T::L, mask) : T::load(p + u * T::L);
  }
  void store(float* p, int u, V v) const {
    if (partial && u == U - 1) T::store_m(p + u * T::L, v, mask);
    else T::store(p + u * T::L, v);
  }
};

// Calls fn(c0, Chunk<T, R>) for the r (≤ R) channels from c0 on, one per
// lane of R single-lane vectors: one pass over the window for all of them.
template <class T, int R, class Fn>
inline void lanes_chunk(int64_t r, int64_t c0, const Fn& fn) {
  if constexpr (R >= 1) {
    if (r != R) return lanes_chunk<T, R - 1>(r, c0, fn);
    fn(c0, Chunk<T, R>(T::L));
  }
}

// Calls fn(c0, chunk) over a pixel's channels from c0 on: chunks of U vectors
// of I (one pass over the window for U·L channels), then of U/2, ... 1
// vectors (U a power of 2), then the rest in one pass as vectors of Tail: I
// itself, masked, where masked loads are cheap; single lanes on the portable
// path, whose masked loads branch per lane.
template <class I, class Tail, int U, class Fn>
inline void for_chunks(int64_t ch, const Fn& fn, int64_t c0 = 0) {
  static_assert(Tail::L == I::L || Tail::L == 1, "leftover channels go in one masked vector or single lanes");
  for (; c0 + U * I::L <= ch; c0 += U * I::L) fn(c0, Chunk<I, U>(I::L));
  if constexpr (U > 1) {
    for_chunks<I, Tail, U / 2>(ch, fn, c0);
  } else if (c0 < ch) {
    if constexpr (Tail::L == I::L) fn(c0, Chunk<I, 1>(ch - c0));
    else lanes_chunk<Tail, I::L - 1>(ch - c0, c0, fn);
  }
}

// Calls fn(y_c) for the output columns of a row. When windows overlap, every
// k-th column first (k windows to a filter width), so that the windows one
// after another are disjoint and a window's read-modify-write of dx never
// waits on the stores of the window just before it.
template <class Fn>
inline void for_columns(const PoolShape& s, bool overlap, const Fn& fn) {
  const int64_t k = overlap ? (s.filter_w + s.stride_w - 1) / s.stride_w : 1;
  for (int64_t phase = 0; phase < k; ++phase)
    for (int64_t y_c = phase; y_c < s.out_w; y_c += k) fn(y_c);
}

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
template <class I, class Tail, int U, bool kMax>
void pool_forward(const PoolShape& s, const float* x, float* y) {
  const int64_t ch = s.channels;
  const float start = kMax ? -std::numeric_limits<float>::infinity() : 0.f;
  pool_tasks(s, s.batch * s.out_h, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const float* xb = x + r / s.out_h * s.in_h * s.in_w * ch;
      float* yr = y + r * s.out_w * ch;
      // Each chunk of channels along the whole output row.
      for_chunks<I, Tail, U>(ch, [&](int64_t c0, const auto& m) {
        using C = std::decay_t<decltype(m)>;
        using T = typename C::Traits;
        for (int64_t y_c = 0; y_c < s.out_w; ++y_c) {
          const Window win(s, r % s.out_h, y_c);
          typename T::V acc[C::kVectors];
          for (int u = 0; u < C::kVectors; ++u) acc[u] = T::bcast(&start);
          for (int64_t row = win.r_lo; row < win.r_hi; ++row)
            for (int64_t col = win.c_lo; col < win.c_hi; ++col) {
              const float* xp = xb + (row * s.in_w + col) * ch + c0;
              for (int u = 0; u < C::kVectors; ++u) {
                const typename T::V v = m.load(xp, u);
                acc[u] = kMax ? T::max(v, acc[u]) : T::add(acc[u], v);
              }
            }
          const float count = static_cast<float>(win.count());
          for (int u = 0; u < C::kVectors; ++u)
            m.store(yr + y_c * ch + c0, u, kMax ? acc[u] : T::div(acc[u], T::bcast(&count)));
        }
      });
    }
  });
}

// Each window's dy goes to its first maximum. One pass over the window keeps,
// per lane, the maximum so far and the pixel that holds it (strict >: the
// first maximum wins, NaN never does, and a window of only −∞ keeps −1 and
// gets no gradient, as tfjs); pixels are floats, exact below 2²⁴ per image.
// Disjoint windows then write dy or zero to each of their elements.
// Overlapping ones add dy to the maximum's pixel lane by lane: a vector
// read-modify-write of elements the window before just stored would wait for
// those stores (masked ones are never forwarded).
template <class C>
inline void max_backprop_window(const PoolShape& s, const Window& win, const float* xb, const float* g, float* dxb,
                                const C& m, bool add) {
  using T = typename C::Traits;
  using V = typename T::V;
  constexpr int U = C::kVectors, L = T::L;
  const int64_t ch = s.channels;
  const float neg_inf = -std::numeric_limits<float>::infinity(), none = -1.f, one = 1.f;
  const float first = static_cast<float>(win.r_lo * s.in_w + win.c_lo);
  const float skip = static_cast<float>(s.in_w - (win.c_hi - win.c_lo));  // from a row's end to the next's start
  const V step = T::bcast(&one), next_row = T::bcast(&skip);
  V best[U], at[U], gv[U], pos = T::bcast(&first);
  for (int u = 0; u < U; ++u) {
    best[u] = T::bcast(&neg_inf);
    at[u] = T::bcast(&none);
    gv[u] = m.load(g, u);
  }
  for (int64_t r = win.r_lo; r < win.r_hi; ++r, pos = T::add(pos, next_row))
    for (int64_t c = win.c_lo; c < win.c_hi; ++c, pos = T::add(pos, step)) {
      const float* xp = xb + (r * s.in_w + c) * ch;
      for (int u = 0; u < U; ++u) {
        const V v = m.load(xp, u);
        const typename T::M more = T::gt(v, best[u]);
        best[u] = T::select(more, v, best[u]);
        at[u] = T::select(more, pos, at[u]);
      }
    }
  if (add) {
    float where[U * L], grad[U * L];
    for (int u = 0; u < U; ++u) {
      T::store(where + u * L, at[u]);
      T::store(grad + u * L, gv[u]);
    }
    for (int64_t i = 0; i < m.count; ++i)
      if (where[i] >= 0.f) dxb[static_cast<int64_t>(where[i]) * ch + i] += grad[i];
    return;
  }
  pos = T::bcast(&first);
  for (int64_t r = win.r_lo; r < win.r_hi; ++r, pos = T::add(pos, next_row))
    for (int64_t c = win.c_lo; c < win.c_hi; ++c, pos = T::add(pos, step)) {
      float* dxp = dxb + (r * s.in_w + c) * ch;
      for (int u = 0; u < U; ++u) m.store(dxp, u, T::select(T::eq(at[u], pos), gv[u], T::zero()));
    }
}

// The same, one channel at a time, for images too large for float pixel indices.
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
// Leftover channels go in one masked vector on every path (measured best here).
template <class I, int U>
void max_pool_backprop_impl(const PoolShape& s, const float* dy, const float* x, float* dx) {
  const int64_t ch = s.channels, image = s.in_h * s.in_w * ch;
  const bool add = !disjoint(s), huge = s.in_h * s.in_w >= (int64_t{1} << 24);
  pool_tasks(s, s.batch, [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; ++b) {
      const float* xb = x + b * image;
      float* dxb = dx + b * image;
      if (huge) std::memset(dxb, 0, static_cast<size_t>(image) * sizeof(float));
      else zero_for_backprop(s, dxb);
      for (int64_t y_r = 0; y_r < s.out_h; ++y_r)
        for_columns(s, add, [&](int64_t y_c) {
          const Window win(s, y_r, y_c);
          const float* g = dy + ((b * s.out_h + y_r) * s.out_w + y_c) * ch;
          if (huge) return max_backprop_window_scalar(s, win, xb, g, dxb, ch);
          for_chunks<I, I, U>(ch, [&](int64_t c0, const auto& m) {
            max_backprop_window(s, win, xb + c0, g + c0, dxb + c0, m, add);
          });
        });
    }
  });
}

// The true gradient of avg_pool: dy / (in-bounds count) to each window element,
// for image b. Overlapping windows add into dx: Tail then has to be single
// lanes, whose stores (unlike masked ones) are forwarded to the next load.
template <class I, class Tail, int U>
void avg_backprop_image(const PoolShape& s, const float* dy, float* dx, int64_t b, bool add) {
  const int64_t ch = s.channels;
  float* dxb = dx + b * s.in_h * s.in_w * ch;
  zero_for_backprop(s, dxb);
  for (int64_t y_r = 0; y_r < s.out_h; ++y_r)
    for_columns(s, add, [&](int64_t y_c) {
      const Window win(s, y_r, y_c);
      const float* g = dy + ((b * s.out_h + y_r) * s.out_w + y_c) * ch;
      const float count = static_cast<float>(win.count());
      for_chunks<I, Tail, U>(ch, [&](int64_t c0, const auto& m) {
        using C = std::decay_t<decltype(m)>;
        using T = typename C::Traits;
        typename T::V share[C::kVectors];
        for (int u = 0; u < C::kVectors; ++u) share[u] = T::div(m.load(g + c0, u), T::bcast(&count));
        for (int64_t r = win.r_lo; r < win.r_hi; ++r)
          for (int64_t col = win.c_lo; col < win.c_hi; ++col) {
            float* dxp = dxb + (r * s.in_w + col) * ch + c0;
            for (int u = 0; u < C::kVectors; ++u) m.store(dxp, u, add ? T::add(m.load(dxp, u), share[u]) : share[u]);
          }
      });
    });
}

template <class I, class Tail, int U>
void avg_pool_backprop_impl(const PoolShape& s, const float* dy, float* dx) {
  const bool add = !disjoint(s);
  pool_tasks(s, s.batch, [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; ++b) {
      if (add) avg_backprop_image<I, SimdRefN<1>, U>(s, dy, dx, b, true);
      else avg_backprop_image<I, Tail, U>(s, dy, dx, b, false);
    }
  });
}

}  // namespace
}  // namespace lite

// Defines the path's four entry points, e.g. LITE_POOL_PATH(avx512, Simd512, Simd512, 4):
// the vector type, the type for the channels left over (itself, masked, or
// SimdRefN<1>, single lanes; max backprop always masks), and vectors per pass.
#define LITE_POOL_PATH(isa, simd, tail, vectors)                                                         \
  namespace lite {                                                                                       \
  void max_pool_##isa(const PoolShape& s, const float* x, float* y) {                                     \
    pool_forward<simd, tail, vectors, true>(s, x, y);                                                    \
  }                                                                                                      \
  void max_pool_backprop_##isa(const PoolShape& s, const float* dy, const float* x, float* dx) {         \
    max_pool_backprop_impl<simd, vectors>(s, dy, x, dx);                                                 \
  }                                                                                                      \
  void avg_pool_##isa(const PoolShape& s, const float* x, float* y) {                                     \
    pool_forward<simd, tail, vectors, false>(s, x, y);                                                   \
  }                                                                                                      \
  void avg_pool_backprop_##isa(const PoolShape& s, const float* dy, float* dx) {                         \
    avg_pool_backprop_impl<simd, tail, vectors>(s, dy, dx);                                              \
  }                                                                                                      \
  }
