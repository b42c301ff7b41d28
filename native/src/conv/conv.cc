// NHWC convolutions. Stride-1 convs mostly run on the direct kernels
// (direct.h: pixels along the vector lanes, no im2col); the rest, and shapes
// those do worse, run as GEMMs. Output pixel m (batch-major) has an im2col row
// cols[m, (wR·fw + wC)·inC + c] = x[b, xR, xC, c] (zero where the tap is in
// the padding), so with K = fh·fw·inC and N = outC:
//   forward:          y[M,N]  = cols[M,K] · W[K,N]   (+bias, act in the GEMM epilogue)
//   backprop input:   dcols   = dy[M,N] · Wᵀ, scatter-added back by col2im
//   backprop filter:  dWᵀ[N,K] = dyᵀ · cols, transposed into dw at the end
// The pixels are split into one part per thread; each part walks its pixels in
// tiles small enough to stay in L2 and calls the GEMM serially, so im2col, GEMM
// and col2im all run in parallel with one barrier. With too few pixels to split,
// one part runs on the calling thread and the GEMM threads itself instead.
#include <algorithm>
#include <vector>

#include "../kernels.h"
#include "../runtime/thread_pool.h"
#include "direct.h"
#include "im2col.h"

namespace lite {
namespace {

using namespace im2col;

constexpr int64_t kMaxPartialFloats = int64_t{1} << 22;  // 16 MB of per-part filter gradients

// d[0, n) += v[0, n).
inline void add_run(float* __restrict d, const float* __restrict v, int64_t n) {
  for (int64_t i = 0; i < n; ++i) d[i] += v[i];
}

// dx += col2im(dcols) for pixels [m0, m1); the caller owns the images they touch.
void col2im_serial(const ConvShape& s, const float* dcols, int64_t m0, int64_t m1, float* dx) {
  const int64_t k = filter_k(s), run = s.filter_w * s.in_c;
  Pixel p(s, m0);
  for (int64_t m = m0; m < m1; ++m, p.next(s)) {
    const float* src = dcols + (m - m0) * k;
    if (row_is_run(s, p)) {
      const int64_t x_c0 = p.y_c * s.stride_w - s.pad_left;
      for (int64_t w_r = 0; w_r < s.filter_h; ++w_r, src += run) {
        const int64_t x_r = p.y_r * s.stride_h - s.pad_top + w_r * s.dilation_h;
        if (x_r >= 0 && x_r < s.in_h) add_run(dx + ((p.b * s.in_h + x_r) * s.in_w + x_c0) * s.in_c, src, run);
      }
      continue;
    }
    for_each_tap(s, p, [&](int64_t t, int64_t at) {
      if (at >= 0) add_run(dx + at * s.in_c, src + t * s.in_c, s.in_c);
    });
  }
}

// col2im split over the images that [m0, m1) touches (images never share dx).
void col2im(const ConvShape& s, const float* dcols, int64_t m0, int64_t m1, float* dx) {
  const int64_t per_image = s.out_h * s.out_w, b0 = m0 / per_image, b1 = (m1 - 1) / per_image + 1;
  parallel_for(b1 - b0, [&](int64_t a, int64_t b) {
    const int64_t lo = std::max(m0, (b0 + a) * per_image), hi = std::min(m1, (b0 + b) * per_image);
    col2im_serial(s, dcols + (lo - m0) * filter_k(s), lo, hi, dx);
  });
}

GemmArgs gemm_args(int64_t m, int64_t n, int64_t k, const float* a, const float* b, float* c) {
  GemmArgs g{};
  g.m = m;
  g.n = n;
  g.k = k;
  g.a = a;
  g.b = b;
  g.c = c;
  g.act = Activation::Linear;
  return g;
}

// Whether the direct kernels (direct.h) take this shape: small channel counts,
// where the GEMM's register tile would be mostly empty, and most stride-1 convs.
bool use_direct(const ConvShape& s, DirectOp op) { return !pointwise(s) && direct_conv().suits(s, op); }

// Runs a direct kernel with its workspace.
template <class Fn>
void run_direct(const ConvShape& s, DirectOp op, const Fn& fn) {
  fn(scratch(0, direct_conv().workspace(s, op)));
}

}  // namespace

void conv2d_forward(const ConvShape& s, const float* x, const float* w, const float* bias, Activation act,
                    float* y) {
  const int64_t m = pixels(s), k = filter_k(s), n = s.out_c;
  if (pointwise(s)) {
    GemmArgs g = gemm_args(m, n, k, x, w, y);
    g.bias = bias;
    g.act = act;
    kernels().gemm_f32(g);
    return;
  }
  if (use_direct(s, DirectOp::Forward))
    return run_direct(s, DirectOp::Forward, [&](float* work) { direct_conv().forward(s, x, w, bias, act, y, work); });
  const int64_t parts = parts_for(m, double(m) * k * n), tile = tile_pixels(parts, k * int64_t{sizeof(float)});
  float* const work = scratch(0, parts * std::min(tile, m) * k);
  run_parts(parts, m, [&](int64_t m0, int64_t m1, int64_t part) {
    float* cols = work + part * std::min(tile, m) * k;
    for (int64_t a = m0; a < m1; a += tile) {
      const int64_t b = std::min(m1, a + tile);
      im2col::im2col(s, x, a, b, cols, 0.f);
      GemmArgs g = gemm_args(b - a, n, k, cols, w, y + a * n);
      g.bias = bias;
      g.act = act;
      kernels().gemm_f32(g);
    }
  });
}

void conv2d_backprop_input(const ConvShape& s, const float* dy, const float* w, float* dx) {
  const int64_t m = pixels(s), k = filter_k(s), n = s.out_c;
  if (pointwise(s)) {
    GemmArgs g = gemm_args(m, k, n, dy, w, dx);
    g.trans_b = true;
    kernels().gemm_f32(g);
    return;
  }
  if (use_direct(s, DirectOp::BackpropInput))
    return run_direct(s, DirectOp::BackpropInput, [&](float* work) { direct_conv().backprop_input(s, dy, w, dx, work); });
  // Parts own whole images, so their col2im scatters never meet.
  const int64_t per_image = s.out_h * s.out_w, image_floats = s.in_h * s.in_w * s.in_c;
  const int64_t parts = parts_for(s.batch, double(m) * k * n), tile = tile_pixels(parts, k * int64_t{sizeof(float)});
  const int64_t part_tile = std::min(tile, parts > 1 ? (s.batch / parts + 1) * per_image : m);
  float* const work = scratch(0, parts * part_tile * k);
  run_parts(parts, s.batch, [&](int64_t b0, int64_t b1, int64_t part) {
    float* dcols = work + part * part_tile * k;
    if (parts > 1) std::fill(dx + b0 * image_floats, dx + b1 * image_floats, 0.f);
    else parallel_for(b1 - b0, [&](int64_t a, int64_t b) { std::fill(dx + a * image_floats, dx + b * image_floats, 0.f); });
    for (int64_t a = b0 * per_image; a < b1 * per_image; a += tile) {
      const int64_t b = std::min(b1 * per_image, a + tile);
      GemmArgs g = gemm_args(b - a, k, n, dy + a * n, w, dcols);
      g.trans_b = true;
      kernels().gemm_f32(g);
      col2im(s, dcols, a, b, dx);
    }
  });
}

void conv2d_backprop_filter(const ConvShape& s, const float* x, const float* dy, float* dw) {
  const int64_t m = pixels(s), k = filter_k(s), n = s.out_c;
  const bool direct = pointwise(s);
  if (use_direct(s, DirectOp::BackpropFilter))
    return run_direct(s, DirectOp::BackpropFilter, [&](float* work) { direct_conv().backprop_filter(s, x, dy, dw, work); });
  // Computed as dWᵀ[N,K] = dyᵀ·cols: cols, the large operand, is then the GEMM's
  // B, which it can stream in place when N is small instead of packing it.
  // Each part sums its pixels into its own dWᵀ; the parts are then added up
  // and transposed into dw. Too large a filter for that lets the GEMM thread.
  int64_t parts = parts_for(m, double(m) * k * n);
  if (parts * k * n > kMaxPartialFloats) parts = 1;
  const int64_t tile = tile_pixels(parts, k * int64_t{sizeof(float)}), part_tile = direct ? 0 : std::min(tile, m);
  float* const work = scratch(0, parts * part_tile * k);
  float* const sums = scratch(1, parts * k * n);
  run_parts(parts, m, [&](int64_t m0, int64_t m1, int64_t part) {
    float* out = sums + part * k * n;
    float* cols = work + part * part_tile * k;
    for (int64_t a = m0; a < m1; a += tile) {
      const int64_t b = std::min(m1, a + tile);
      const float* src = direct ? x + a * k : cols;
      if (!direct) im2col::im2col(s, x, a, b, cols, 0.f);
      GemmArgs g = gemm_args(n, k, b - a, dy + a * n, src, out);
      g.trans_a = true;
      g.accumulate = a != m0;
      kernels().gemm_f32(g);
    }
  });
  parallel_for(k, [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; ++i)
      for (int64_t j = 0; j < n; ++j) {
        float v = 0.f;
        for (int64_t p = 0; p < parts; ++p) v += sums[p * k * n + j * k + i];
        dw[i * n + j] = v;
      }
  });
}

}  // namespace lite
