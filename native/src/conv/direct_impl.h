// The direct convolutions of direct.h, shared by every instruction-set path:
// direct_<isa>.cc includes this file with a traits struct I (a simd.h vector
// plus its register-tile sizes) and compiles it with its own flags. Internal
// linkage and no std:: templates, so no ISA's copy can be merged into another's.
//
// Traits beyond simd.h: kRows (most output channels per register tile), kAcc
// (accumulators a tile may hold), kMaxNV (most vectors of pixels per tile),
// kGradRows × kGradCols (the filter-gradient tile: output channels × taps).
#pragma once
#include <cstdint>
#include <cstring>

#include "../kernels.h"
#include "../runtime/thread_pool.h"
#include "direct.h"
#include "../simd/simd.h"

namespace lite {
namespace {

// Floats of one band's shifted planes (forward, filter gradient) or of its
// per-tap products (backprop input): small enough to stay in L2 while the
// band's tiles sweep over it.
constexpr int64_t kBandFloats = int64_t{1} << 16;
// Floats of the bands whose filter-gradient tiles run together (the partial
// sums are loaded and stored once per group).
constexpr int64_t kGroupFloats = int64_t{1} << 16;
constexpr int64_t kMaxGroup = 64;
// Most out_c·taps for the filter gradient (its partial sums take L times that).
constexpr int64_t kMaxGradientTaps = 10240;
// Least multiply-adds worth a thread: these kernels run near peak (~100 GMAC/s),
// so ~4M take about as long as waking a worker.
constexpr double kMinPartMacs = double(int64_t{1} << 22);

inline int64_t dc_min(int64_t a, int64_t b) { return a < b ? a : b; }
inline int64_t dc_max(int64_t a, int64_t b) { return a > b ? a : b; }
inline int64_t dc_clamp(int64_t v, int64_t lo, int64_t hi) { return dc_min(dc_max(v, lo), hi); }
inline int64_t round_up(int64_t v, int64_t m) { return (v + m - 1) / m * m; }

// Index of filter weight (wR, wC, c, d) in HWIO.
inline int64_t filter_at(const ConvShape& s, int64_t w_r, int64_t w_c, int64_t c, int64_t d) {
  return ((w_r * s.filter_w + w_c) * s.in_c + c) * s.out_c + d;
}

// Output rows per band: all of them unless a band's working set outgrows
// kBandFloats: its shifted planes (forward, filter gradient: in_c·fw planes of
// band + fh − 1 rows) and its products (forward: out_c rows; backprop input:
// in_c·fh·fw rows). Below 1 when not even one row fits.
int64_t fitting_rows(const ConvShape& s, DirectOp op) {
  if (op == DirectOp::BackpropInput) return dc_min(s.out_h, kBandFloats / (s.in_c * s.filter_h * s.filter_w * s.out_w));
  int64_t rows = kBandFloats / (s.in_c * s.filter_w * s.out_w) - (s.filter_h - 1);
  if (op == DirectOp::Forward) rows = dc_min(rows, kBandFloats / (s.out_c * s.out_w));
  return dc_min(s.out_h, rows);
}
int64_t band_rows(const ConvShape& s, DirectOp op) { return dc_max(1, fitting_rows(s, op)); }

// A unit of work is one band of output rows of one image. Bands of an image
// touch overlapping input rows, so backprop input keeps them on one thread.
struct Bands {
  int64_t rows, per_image;
  Bands(const ConvShape& s, DirectOp op) : rows(band_rows(s, op)), per_image((s.out_h + rows - 1) / rows) {}
};

// How many threads share the work: a part below kMinPartMacs takes less time
// than waking a worker (tens of µs) saves; bands of one image stay together
// for backprop input.
int64_t parts_for(const ConvShape& s, DirectOp op) {
  const int64_t units = op == DirectOp::BackpropInput ? s.batch : s.batch * Bands(s, op).per_image;
  const double macs = double(s.batch) * s.out_h * s.out_w * s.in_c * s.filter_h * s.filter_w * s.out_c;
  const double parts = macs / kMinPartMacs;
  return parts < 2 ? 1 : dc_min(dc_min(num_threads(), units), parts > 256 ? 256 : static_cast<int64_t>(parts));
}

// Workspace layout: the packed filter (shared), then one slice per part.
template <class I>
struct Layout {
  int64_t band;         // output rows per band
  int64_t planar_ld;    // planar copy of a band's input rows (channels > 1)
  int64_t planar;
  int64_t plane;        // one shifted plane: (band + fh − 1)·out_w
  int64_t shifted;      // all shifted planes of a band, and slack
  int64_t t_ld, out_t;  // a band's products T[rows][t_ld]
  int64_t d_ld, out_d;  // a band's dyᵀ[out_c][d_ld], and slack
  int64_t acc_ld, acc;  // an image's planar dx (backprop input, in_c > 1)
  int64_t group;        // bands per filter-gradient group
  int64_t partials;     // filter-gradient partial sums
  int64_t taps;         // in_c·fh·fw
  int64_t shared, per_part;

  Layout(const ConvShape& s, DirectOp op) {
    constexpr int64_t L = I::L, kSlack = I::kMaxNV * I::L;  // a band's last tile may read and write past it
    band = band_rows(s, op);
    const int64_t pixels = band * s.out_w;
    planar_ld = round_up((band + s.filter_h - 1) * s.in_w, L);
    planar = s.in_c > 1 ? s.in_c * planar_ld : 0;
    plane = (band + s.filter_h - 1) * s.out_w;
    shifted = s.in_c * s.filter_w * plane + kSlack;
    t_ld = round_up(pixels, L) + kSlack;
    d_ld = round_up(pixels, L);
    out_d = s.out_c * d_ld + kSlack;
    acc_ld = round_up(s.in_h * s.in_w, L);
    acc = 0;
    group = 1;
    partials = 0;
    taps = s.in_c * s.filter_h * s.filter_w;
    if (op == DirectOp::Forward) {
      out_t = s.out_c * t_ld;
      shared = taps * s.out_c;
      per_part = planar + shifted + out_t;
    } else if (op == DirectOp::BackpropInput) {
      out_t = taps * t_ld;
      acc = s.in_c > 1 ? s.in_c * acc_ld : 0;
      shared = taps * s.out_c;
      per_part = out_d + out_t + acc;
    } else {
      out_t = 0;
      group = dc_clamp(kGroupFloats / (shifted + out_d), 1, kMaxGroup);
      partials = s.out_c * taps * L;
      shared = 0;
      per_part = planar + group * (shifted + out_d) + partials;
    }
  }
  int64_t total(int64_t parts) const { return shared + parts * per_part; }
};

// ---------------------------------------------------------------- layout changes

template <class I>
inline typename I::V activate(typename I::V v, Activation act) {
  if (act == Activation::Linear) return v;
  v = I::max(v, I::zero());
  if (act == Activation::Relu6) {
    const float six = 6.f;
    v = I::min(v, I::bcast(&six));
  }
  return v;
}

// dst[c·ld + p] = src[p·ch + c] for p < n, c < ch; lanes from n up to the next
// multiple of L are zero.
template <class I>
void to_planar(const float* src, int64_t n, int64_t ch, float* dst, int64_t ld) {
  using V = typename I::V;
  constexpr int L = I::L;
  if (ch == 1) {
    std::memcpy(dst, src, static_cast<size_t>(n) * sizeof(float));
    for (int64_t p = n; p < round_up(n, L); ++p) dst[p] = 0.f;
    return;
  }
  for (int64_t p0 = 0; p0 < n; p0 += L) {
    const int64_t np = dc_min(L, n - p0);
    for (int64_t c0 = 0; c0 < ch; c0 += L) {
      const int64_t cw = dc_min(L, ch - c0);
      V r[L];
      for (int p = 0; p < L; ++p) r[p] = p < np ? load_n<I>(src + (p0 + p) * ch + c0, cw) : I::zero();
      I::transpose(r);
      for (int64_t c = 0; c < cw; ++c) I::store(dst + (c0 + c) * ld + p0, r[c]);
    }
  }
}

// dst[p·ch + c] = act(src[c·ld + p] + bias[c]) for p < n, c < ch (src rows hold
// whole vectors up to the next multiple of L).
template <class I>
void from_planar(const float* src, int64_t ld, int64_t n, int64_t ch, float* dst, const float* bias,
                 Activation act) {
  using V = typename I::V;
  constexpr int L = I::L;
  if (ch == 1) {
    const V b = bias ? I::bcast(bias) : I::zero();
    for (int64_t p0 = 0; p0 < n; p0 += L)
      store_n<I>(dst + p0, activate<I>(I::add(I::load(src + p0), b), act), dc_min(L, n - p0));
    return;
  }
  for (int64_t p0 = 0; p0 < n; p0 += L) {
    const int64_t np = dc_min(L, n - p0);
    for (int64_t c0 = 0; c0 < ch; c0 += L) {
      const int64_t cw = dc_min(L, ch - c0);
      V r[L];
      for (int c = 0; c < L; ++c) r[c] = c < cw ? I::load(src + (c0 + c) * ld + p0) : I::zero();
      I::transpose(r);
      const V b = bias ? load_n<I>(bias + c0, cw) : I::zero();
      for (int64_t p = 0; p < np; ++p) store_n<I>(dst + (p0 + p) * ch + c0, activate<I>(I::add(r[p], b), act), cw);
    }
  }
}

// The shifted planes of output rows [y0, y0 + rows) of image x_b:
// s[((c·fw + wC)·(band + fh − 1) + r)·out_w + yC] = x_b(y0 + r − pad_top,
// yC + wC − pad_left, c), zero outside the image. planar is scratch.
template <class I>
void build_shifted(const ConvShape& g, const Layout<I>& lay, const float* x_b, int64_t y0, int64_t rows,
                   float* planar, float* s) {
  constexpr int L = I::L;
  const int64_t r0 = dc_max(0, y0 - g.pad_top), r1 = dc_min(g.in_h, y0 + rows + g.filter_h - 1 - g.pad_top);
  const float* pl = x_b + r0 * g.in_w;  // channel c's row r at pl + c·ld + (r − r0)·in_w
  int64_t ld = 0;
  if (g.in_c > 1 && r0 < r1) {
    to_planar<I>(x_b + r0 * g.in_w * g.in_c, (r1 - r0) * g.in_w, g.in_c, planar, lay.planar_ld);
    pl = planar;
    ld = lay.planar_ld;
  }
  // Plane rows [0, z0) and [z1, all) lie in the padding (or past the rows needed).
  const int64_t all = g.filter_h - 1 + rows, stride = lay.plane / g.out_w;
  const int64_t z0 = dc_clamp(r0 - (y0 - g.pad_top), 0, all), z1 = dc_clamp(r1 - (y0 - g.pad_top), z0, all);
  for (int64_t c = 0; c < g.in_c; ++c)
    for (int64_t w_c = 0; w_c < g.filter_w; ++w_c) {
      // Output column yC reads input column yC + shift: inside the image for yC in [lo, hi).
      const int64_t shift = w_c - g.pad_left;
      const int64_t lo = dc_clamp(-shift, 0, g.out_w), hi = dc_clamp(g.in_w - shift, lo, g.out_w);
      float* plane = s + (c * g.filter_w + w_c) * stride * g.out_w;
      const float* from = pl + c * ld + (z0 + y0 - g.pad_top - r0) * g.in_w + shift;
      for (int64_t i = 0; i < g.out_w; i += L) {
        const typename I::M take = I::lanes(lo - i, hi - i), put = I::lanes(0, g.out_w - i);
        float* d = plane + i;
        for (int64_t r = 0; r < z0; ++r) I::store_m(d + r * g.out_w, I::zero(), put);
        for (int64_t r = z0; r < z1; ++r)
          I::store_m(d + r * g.out_w, I::load_m(from + (r - z0) * g.in_w + i, take), put);
        for (int64_t r = z1; r < all; ++r) I::store_m(d + r * g.out_w, I::zero(), put);
      }
    }
  float* slack = s + g.in_c * g.filter_w * lay.plane;
  for (int64_t i = 0; i < I::kMaxNV; ++i) I::store(slack + i * L, I::zero());
}

// ---------------------------------------------------------------- register tiles

// Where tap k of a tile's pixels lies in its source: source + (k / inner)·outer_stride
// + (k % inner)·inner_stride, for k < outer·inner.
struct Walk {
  int64_t outer, outer_stride, inner, inner_stride;
};

// Pixel vectors per tile for R output rows.
template <class I>
constexpr int vectors_for(int rows) {
  return I::kAcc / rows < 1 ? 1 : I::kAcc / rows > I::kMaxNV ? I::kMaxNV : I::kAcc / rows;
}

// t[r·ld + n] = Σ_k a[k·R + r] · src[tap k + n] for R rows and the NV·L pixels n.
template <class I, int R, int NV>
void product_tile(const Walk& walk, const float* a, const float* src, float* t, int64_t ld) {
  using V = typename I::V;
  constexpr int L = I::L;
  V acc[R][NV];
#pragma GCC unroll 16
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 8
    for (int v = 0; v < NV; ++v) acc[r][v] = I::zero();
  for (int64_t q = 0; q < walk.outer; ++q, src += walk.outer_stride) {
    const float* b = src;
    for (int64_t i = 0; i < walk.inner; ++i, b += walk.inner_stride, a += R) {
      V bv[NV];
#pragma GCC unroll 8
      for (int v = 0; v < NV; ++v) bv[v] = I::load(b + v * L);
#pragma GCC unroll 16
      for (int r = 0; r < R; ++r) {
        const V av = I::bcast(a + r);
#pragma GCC unroll 8
        for (int v = 0; v < NV; ++v) acc[r][v] = I::fma(av, bv[v], acc[r][v]);
      }
    }
  }
#pragma GCC unroll 16
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 8
    for (int v = 0; v < NV; ++v) I::store(t + r * ld + v * L, acc[r][v]);
}

// All pixel tiles of a band for `rows` (≤ R) output rows.
template <class I, int R>
void product_rows(int rows, const Walk& walk, const float* a, const float* src, int64_t pixels, float* t,
                  int64_t ld) {
  if constexpr (R >= 1) {
    if (rows != R) return product_rows<I, R - 1>(rows, walk, a, src, pixels, t, ld);
    constexpr int NV = vectors_for<I>(R);
    for (int64_t n0 = 0; n0 < pixels; n0 += NV * I::L) product_tile<I, R, NV>(walk, a, src + n0, t + n0, ld);
  }
}

// Splits `total` into the fewest blocks of at most `most`, as even as possible.
struct Blocks {
  int64_t count, total;
  Blocks(int64_t total_, int64_t most) : count((total_ + most - 1) / most), total(total_) {}
  int64_t start(int64_t i) const { return total / count * i + dc_min(i, total % count); }
  int64_t size(int64_t i) const { return start(i + 1) - start(i); }
};

// T[r][n] = Σ_k A[k][r] · src[tap k + n] for every row, pixels n < `pixels`. The
// filter is packed per block of rows starting at r0: a[r0·K + k·size + r].
template <class I>
void product(const Blocks& blocks, const Walk& walk, const float* a, const float* src, int64_t pixels, float* t,
             int64_t ld) {
  const int64_t k = walk.outer * walk.inner;
  for (int64_t i = 0; i < blocks.count; ++i) {
    const int64_t r0 = blocks.start(i);
    product_rows<I, I::kRows>(static_cast<int>(blocks.size(i)), walk, a + r0 * k, src, pixels, t + r0 * ld, ld);
  }
}

// The filter packed for product() on the shifted planes: rows are output
// channels, taps k = (c·fw + wC)·fh + wR; a[r0·K + k·size + r] (loops, not index
// arithmetic: divisions would cost more than the copy).
void pack_forward(const ConvShape& s, const Blocks& blocks, const float* w, float* a) {
  for (int64_t i = 0; i < blocks.count; ++i) {
    const int64_t r0 = blocks.start(i), rows = blocks.size(i);
    for (int64_t c = 0; c < s.in_c; ++c)
      for (int64_t w_c = 0; w_c < s.filter_w; ++w_c)
        for (int64_t w_r = 0; w_r < s.filter_h; ++w_r) {
          const float* from = w + filter_at(s, w_r, w_c, c, r0);
          for (int64_t r = 0; r < rows; ++r) *a++ = from[r];
        }
  }
}

// The filter packed for product() on dyᵀ (backprop input): rows are taps
// (c·fh + wR)·fw + wC, the sum runs over output channels d; a[r0·out_c + d·size + r].
template <int kMaxRows>
void pack_backprop_input(const ConvShape& s, const Blocks& blocks, const float* w, float* a) {
  for (int64_t i = 0; i < blocks.count; ++i) {
    const int64_t r0 = blocks.start(i), rows = blocks.size(i);
    int64_t at[kMaxRows];  // where each row's weights start
    for (int64_t r = 0; r < rows; ++r) {
      const int64_t e = r0 + r, taps = s.filter_h * s.filter_w;
      at[r] = filter_at(s, e % taps / s.filter_w, e % s.filter_w, e / taps, 0);
    }
    for (int64_t d = 0; d < s.out_c; ++d)
      for (int64_t r = 0; r < rows; ++r) *a++ = w[at[r] + d];
  }
}

// Runs fn(unit_begin, unit_end, part) over `parts` slices of the units.
template <class Fn>
void for_parts(int64_t parts, int64_t units, const Fn& fn) {
  if (parts <= 1) {
    fn(int64_t{0}, units, int64_t{0});
    return;
  }
  parallel_for(parts, [&](int64_t p0, int64_t p1) {
    for (int64_t p = p0; p < p1; ++p) fn(units * p / parts, units * (p + 1) / parts, p);
  });
}

// ---------------------------------------------------------------- forward

// Taps k = (c·fw + wC)·fh + wR of the shifted planes.
Walk shifted_walk(const ConvShape& s, int64_t plane) { return {s.in_c * s.filter_w, plane, s.filter_h, s.out_w}; }

template <class I>
void forward(const ConvShape& s, const float* x, const float* w, const float* bias, Activation act, float* y,
             float* work) {
  const Layout<I> lay(s, DirectOp::Forward);
  const Bands bands(s, DirectOp::Forward);
  const Blocks blocks(s.out_c, I::kRows);
  const Walk walk = shifted_walk(s, lay.plane);
  float* const a = work;
  pack_forward(s, blocks, w, a);
  for_parts(parts_for(s, DirectOp::Forward), s.batch * bands.per_image, [&](int64_t u0, int64_t u1, int64_t part) {
    float* planar = work + lay.shared + part * lay.per_part;
    float* sh = planar + lay.planar;
    float* t = sh + lay.shifted;
    for (int64_t u = u0; u < u1; ++u) {
      const int64_t b = u / bands.per_image, y0 = u % bands.per_image * bands.rows;
      const int64_t rows = dc_min(bands.rows, s.out_h - y0), pixels = rows * s.out_w;
      build_shifted<I>(s, lay, x + b * s.in_h * s.in_w * s.in_c, y0, rows, planar, sh);
      product<I>(blocks, walk, a, sh, pixels, t, lay.t_ld);
      from_planar<I>(t, lay.t_ld, pixels, s.out_c, y + (b * s.out_h + y0) * s.out_w * s.out_c, bias, act);
    }
  });
}

// ---------------------------------------------------------------- backprop input

// Input rows [x_r0, x_r1) that the taps of band rows [y0, y0 + rows) reach.
struct Reach {
  int64_t x_r0, x_r1;
  Reach(const ConvShape& s, int64_t y0, int64_t rows)
      : x_r0(dc_max(0, y0 - s.pad_top)), x_r1(dc_min(s.in_h, y0 + rows + s.filter_h - 1 - s.pad_top)) {}
};

// acc[c][xR][xC] (+)= T[(c·fh + wR)·fw + wC][n] for the band's pixels n = yR·out_w
// + yC (output row y0 + yR) whose tap (wR, wC) is input pixel (xR, xC): rows
// below `fresh` add to acc, the others are written. Each vector of acc sums
// its taps in registers before one store: adding tap by tap would reload what
// the previous, overlapping store just wrote, and loads that overlap recent
// stores wait for them.
// FW > 0 is the filter width known at compile time (the column loop unrolls and
// its masks stay in registers); FW = 0 takes any width, 16 columns at a time.
template <class I, int FW>
void col2im(const ConvShape& s, const float* t, int64_t t_ld, int64_t y0, int64_t rows, int64_t fresh, float* acc,
            int64_t acc_ld) {
  using V = typename I::V;
  constexpr int L = I::L;
  constexpr int64_t kChunk = FW > 0 ? FW : 16;  // filter columns whose masks are computed up front
  const Reach reach(s, y0, rows);
  for (int64_t x_c = 0; x_c < s.in_w; x_c += L)
    for (int64_t c0 = 0; c0 < s.filter_w; c0 += kChunk) {
      const int64_t cols = FW > 0 ? FW : dc_min(kChunk, s.filter_w - c0);
      // Lane j is input column x_c + j, read from output column x_c + j − shift.
      typename I::M take[kChunk];
      for (int64_t j = 0; j < cols; ++j) {
        const int64_t shift = c0 + j - s.pad_left;
        take[j] = I::lanes(shift - x_c, dc_min(s.out_w + shift, s.in_w) - x_c);
      }
      const typename I::M put = I::lanes(0, s.in_w - x_c);
      const int64_t row_step = s.filter_w * t_ld - s.out_w;  // from tap row wR to wR + 1
      for (int64_t c = 0; c < s.in_c; ++c) {
        const float* base = t + (c * s.filter_h * s.filter_w + c0) * t_ld + x_c + s.pad_left - c0;
        for (int64_t x_r = reach.x_r0; x_r < reach.x_r1; ++x_r) {
          float* to = acc + c * acc_ld + x_r * s.in_w + x_c;
          // Tap row wR of band row top − wR reaches x_r; those rows lie in [0, rows).
          const int64_t top = x_r + s.pad_top - y0;
          const int64_t w_r0 = dc_max(0, top - rows + 1), w_r1 = dc_min(s.filter_h, top + 1);
          // Four sums, rotated after each filter row, so the adds do not wait on each other.
          V sum[4] = {x_r < fresh || c0 > 0 ? I::load_m(to, put) : I::zero(), I::zero(), I::zero(), I::zero()};
          const float* row = base + top * s.out_w + w_r0 * row_step;
          for (int64_t w_r = w_r0; w_r < w_r1; ++w_r, row += row_step) {
            if constexpr (FW > 0) {
#pragma GCC unroll 8
              for (int j = 0; j < FW; ++j) sum[j % 4] = I::add(sum[j % 4], I::load_m(row + j * (t_ld - 1), take[j]));
            } else {
              const float* from = row;
              int64_t j = 0;
              for (; j + 4 <= cols; j += 4, from += 4 * (t_ld - 1))
#pragma GCC unroll 4
                for (int q = 0; q < 4; ++q) sum[q] = I::add(sum[q], I::load_m(from + q * (t_ld - 1), take[j + q]));
              for (; j < cols; ++j, from += t_ld - 1) sum[0] = I::add(sum[0], I::load_m(from, take[j]));
            }
            const V first = sum[0];
            sum[0] = sum[1];
            sum[1] = sum[2];
            sum[2] = sum[3];
            sum[3] = first;
          }
          I::store_m(to, I::add(I::add(sum[0], sum[1]), I::add(sum[2], sum[3])), put);
        }
      }
    }
}

// col2im for the filter width fw: widths up to 7 are compiled for.
template <class I, int FW = 7>
void col2im_for(int64_t fw, const ConvShape& s, const float* t, int64_t t_ld, int64_t y0, int64_t rows,
                int64_t fresh, float* acc, int64_t acc_ld) {
  if constexpr (FW == 0) {
    col2im<I, 0>(s, t, t_ld, y0, rows, fresh, acc, acc_ld);
  } else {
    if (fw == FW) return col2im<I, FW>(s, t, t_ld, y0, rows, fresh, acc, acc_ld);
    col2im_for<I, FW - 1>(fw, s, t, t_ld, y0, rows, fresh, acc, acc_ld);
  }
}

// dx = Σ over taps of the filter times dy, scattered: per band, T[(c, wR, wC)][n]
// = Σ_d W[wR][wC][c][d] · dyᵀ[d][n], then col2im adds T into dx. Parts own whole
// images, whose bands overlap in dx.
template <class I>
void backprop_input(const ConvShape& s, const float* dy, const float* w, float* dx, float* work) {
  const Layout<I> lay(s, DirectOp::BackpropInput);
  const Bands bands(s, DirectOp::BackpropInput);
  const int64_t image = s.in_h * s.in_w;
  const Blocks blocks(lay.taps, I::kRows);
  const Walk walk{s.out_c, lay.d_ld, 1, 0};
  float* const a = work;
  pack_backprop_input<I::kRows>(s, blocks, w, a);
  for_parts(parts_for(s, DirectOp::BackpropInput), s.batch, [&](int64_t b0, int64_t b1, int64_t part) {
    float* d = work + lay.shared + part * lay.per_part;
    float* t = d + lay.out_d;
    float* scratch = t + lay.out_t;
    for (int64_t b = b0; b < b1; ++b) {
      float* dx_b = dx + b * image * s.in_c;
      // One channel: planar is NHWC, so accumulate in place.
      float* acc = s.in_c == 1 ? dx_b : scratch;
      const int64_t acc_ld = s.in_c == 1 ? image : lay.acc_ld;
      // The bands reach input rows [first, fresh): zero the others, and let
      // each band write (not add) the rows no earlier band reached.
      const int64_t first = Reach(s, 0, 1).x_r0;
      int64_t fresh = first;
      for (int64_t y0 = 0; y0 < s.out_h; y0 += bands.rows) {
        const int64_t rows = dc_min(bands.rows, s.out_h - y0), pixels = rows * s.out_w;
        to_planar<I>(dy + (b * s.out_h + y0) * s.out_w * s.out_c, pixels, s.out_c, d, lay.d_ld);
        product<I>(blocks, walk, a, d, pixels, t, lay.t_ld);
        col2im_for<I>(s.filter_w, s, t, lay.t_ld, y0, rows, fresh, acc, acc_ld);
        fresh = Reach(s, y0, rows).x_r1;
      }
      for (int64_t c = 0; c < s.in_c; ++c) {
        float* plane = acc + c * acc_ld;
        for (int64_t i = 0; i < first * s.in_w; ++i) plane[i] = 0.f;
        for (int64_t i = fresh * s.in_w; i < image; ++i) plane[i] = 0.f;
      }
      if (s.in_c > 1) from_planar<I>(acc, lay.acc_ld, image, s.in_c, dx_b, nullptr, Activation::Linear);
    }
  });
}

// ---------------------------------------------------------------- backprop filter

// A group of bands whose shifted planes and dyᵀ sit at fixed strides.
struct Group {
  const float* s;  // shifted planes of band j at s + j·s_stride
  const float* d;  // dyᵀ [out_c][d_ld] of band j at d + j·d_stride
  int64_t s_stride, d_stride, d_ld, count;
  const int64_t* pixels;  // per band
};

// p[((d0 + i)·K + k0 + j)·L ...] += Σ over the group's pixels n of dyᵀ[d0 + i][n] ·
// s[tap k0 + j + n], as per-lane partial sums: RO channels × RK taps.
template <class I, int RO, int RK>
void filter_tile(const Walk& walk, const Group& grp, int64_t d0, int64_t k0, float* p) {
  using V = typename I::V;
  constexpr int L = I::L;
  const int64_t k = walk.outer * walk.inner;
  V acc[RO][RK];
#pragma GCC unroll 8
  for (int i = 0; i < RO; ++i)
#pragma GCC unroll 8
    for (int j = 0; j < RK; ++j) acc[i][j] = I::load(p + ((d0 + i) * k + k0 + j) * L);
  int64_t off[RK];  // of tap k0 + j = q·inner + i, stepping (q, i) rather than dividing each
  for (int64_t j = 0, q = k0 / walk.inner, i = k0 % walk.inner; j < RK; ++j) {
    off[j] = q * walk.outer_stride + i * walk.inner_stride;
    if (++i == walk.inner) i = 0, ++q;
  }
  for (int64_t u = 0; u < grp.count; ++u) {
    const float* s = grp.s + u * grp.s_stride;
    const float* d = grp.d + u * grp.d_stride + d0 * grp.d_ld;
    const int64_t pixels = grp.pixels[u];
    for (int64_t n = 0; n < pixels; n += L) {
      // The last, partial vector reads zeros past the band: dyᵀ is zero there,
      // but 0·∞ of a neighbouring input value would not be.
      const int64_t lanes = dc_min(L, pixels - n);
      V xv[RK];
#pragma GCC unroll 8
      for (int j = 0; j < RK; ++j) xv[j] = lanes == L ? I::load(s + off[j] + n) : load_n<I>(s + off[j] + n, lanes);
#pragma GCC unroll 8
      for (int i = 0; i < RO; ++i) {
        const V dv = I::load(d + i * grp.d_ld + n);
#pragma GCC unroll 8
        for (int j = 0; j < RK; ++j) acc[i][j] = I::fma(dv, xv[j], acc[i][j]);
      }
    }
  }
#pragma GCC unroll 8
  for (int i = 0; i < RO; ++i)
#pragma GCC unroll 8
    for (int j = 0; j < RK; ++j) I::store(p + ((d0 + i) * k + k0 + j) * L, acc[i][j]);
}

template <class I, int RO, int RK>
void filter_cols(int cols, const Walk& walk, const Group& grp, int64_t d0, int64_t k0, float* p) {
  if constexpr (RK >= 1) {
    if (cols != RK) return filter_cols<I, RO, RK - 1>(cols, walk, grp, d0, k0, p);
    filter_tile<I, RO, RK>(walk, grp, d0, k0, p);
  }
}

template <class I, int RO>
void filter_rows(int rows, int cols, const Walk& walk, const Group& grp, int64_t d0, int64_t k0, float* p) {
  if constexpr (RO >= 1) {
    if (rows != RO) return filter_rows<I, RO - 1>(rows, cols, walk, grp, d0, k0, p);
    filter_cols<I, RO, I::kGradCols>(cols, walk, grp, d0, k0, p);
  }
}

// dW[k][d] = Σ over pixels of the shifted planes times dyᵀ, in groups of bands;
// each part keeps per-lane partial sums, added up at the end.
template <class I>
void backprop_filter(const ConvShape& s, const float* x, const float* dy, float* dw, float* work) {
  const Layout<I> lay(s, DirectOp::BackpropFilter);
  const Bands bands(s, DirectOp::BackpropFilter);
  const Walk walk = shifted_walk(s, lay.plane);
  const int64_t taps = walk.outer * walk.inner, units = s.batch * bands.per_image;
  const Blocks rows(s.out_c, I::kGradRows), cols(taps, I::kGradCols);
  const int64_t parts = parts_for(s, DirectOp::BackpropFilter);
  for_parts(parts, units, [&](int64_t u0, int64_t u1, int64_t part) {
    float* planar = work + part * lay.per_part;
    float* sh = planar + lay.planar;
    float* d = sh + lay.group * lay.shifted;
    float* p = d + lay.group * lay.out_d;
    for (int64_t i = 0; i < lay.partials; ++i) p[i] = 0.f;
    int64_t pixels[kMaxGroup];
    for (int64_t ub = u0; ub < u1; ub += lay.group) {
      const int64_t count = dc_min(lay.group, u1 - ub);
      for (int64_t j = 0; j < count; ++j) {
        const int64_t u = ub + j, b = u / bands.per_image, y0 = u % bands.per_image * bands.rows;
        const int64_t n = dc_min(bands.rows, s.out_h - y0);
        pixels[j] = n * s.out_w;
        build_shifted<I>(s, lay, x + b * s.in_h * s.in_w * s.in_c, y0, n, planar, sh + j * lay.shifted);
        to_planar<I>(dy + (b * s.out_h + y0) * s.out_w * s.out_c, pixels[j], s.out_c, d + j * lay.out_d, lay.d_ld);
      }
      const Group grp{sh, d, lay.shifted, lay.out_d, lay.d_ld, count, pixels};
      for (int64_t bi = 0; bi < rows.count; ++bi)
        for (int64_t bj = 0; bj < cols.count; ++bj)
          filter_rows<I, I::kGradRows>(static_cast<int>(rows.size(bi)), static_cast<int>(cols.size(bj)), walk, grp,
                                       rows.start(bi), cols.start(bj), p);
    }
  });
  // dw[wR][wC][c][d]: the lanes of every part's partial sum for (d, k = (c·fw + wC)·fh + wR).
  const int64_t p_offset = lay.planar + lay.group * (lay.shifted + lay.out_d);
  for (int64_t k = 0; k < taps; ++k) {
    const int64_t q = k / s.filter_h;
    float* out = dw + filter_at(s, k % s.filter_h, q % s.filter_w, q / s.filter_w, 0);
    for (int64_t dd = 0; dd < s.out_c; ++dd) {
      float v = 0.f;
      for (int64_t part = 0; part < parts; ++part)
        v += I::hsum(I::load(work + part * lay.per_part + p_offset + (dd * taps + k) * I::L));
      out[dd] = v;
    }
  }
}

// ---------------------------------------------------------------- entry points

// Stride 1 and dilation 1, bands of at least a few vectors of pixels (very
// many channels leave room for only thin bands, or none), and what the GEMM does
// no better (measured): forward up to 128 output channels (beyond, its tiles
// are full); backprop input unless input channels outnumber output channels
// 4:1 (col2im then costs more than the product, and the GEMM's col2im runs
// along contiguous channels); filter gradient while its per-lane partial sums
// fit in L2.
template <class I>
bool suits(const ConvShape& s, DirectOp op) {
  if (s.stride_h != 1 || s.stride_w != 1 || s.dilation_h != 1 || s.dilation_w != 1) return false;
  const int64_t taps = s.in_c * s.filter_h * s.filter_w;
  if (op == DirectOp::Forward && s.out_c > 128) return false;
  if (op == DirectOp::BackpropInput && s.in_c > 4 * s.out_c) return false;
  if (op == DirectOp::BackpropFilter && s.out_c * taps > kMaxGradientTaps) return false;
  const int64_t rows = fitting_rows(s, op);
  return rows >= 1 && rows * s.out_w >= dc_min(s.out_h * s.out_w, 4 * I::L);
}

template <class I>
int64_t workspace(const ConvShape& s, DirectOp op) {
  return Layout<I>(s, op).total(parts_for(s, op));
}

}  // namespace
}  // namespace lite

// Defines the path's table, e.g. LITE_DIRECT_PATH(avx2, Avx2Direct).
#define LITE_DIRECT_PATH(isa, traits)                                                                  \
  namespace lite {                                                                                     \
  extern const DirectConv direct_conv_##isa = {suits<traits>, workspace<traits>, forward<traits>,     \
                                               backprop_input<traits>, backprop_filter<traits>};       \
  }
