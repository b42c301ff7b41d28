// The int8 convolution (conv_s8.h) as im2col + the chosen path's int8 GEMM,
// parted and tiled like the fp32 one (conv/im2col.h): x is quantized once into
// scratch, each part walks its pixels in L2-sized tiles of uint8 im2col rows
// (padding taps hold the zero point, so they add exactly 0) and runs the GEMM
// on each tile. Pointwise convs (and dense layers, 1×1 over [M, 1, 1, K]) skip
// im2col: the quantized x is already the GEMM's A. Shapes with few input bytes
// per output step and few output channels run the direct kernel of lanes.h; a
// uint8 conv fused with a max pool of disjoint windows, one strided conv per window position.
#include "conv_s8.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "../conv/im2col.h"
#include "../dw_s8/dw_s8.h"
#include "../runtime/thread_pool.h"
#include "lanes.h"

namespace lite {
namespace {

using namespace im2col;

constexpr int64_t kQuantizeChunk = int64_t{1} << 16;  // floats per parallel quantization task

// Static quantization of all of x, split over the pool.
bool quantize_static_all(const float* x, int64_t n, float scale, int32_t zp, uint8_t* q) {
  const int64_t chunks = (n + kQuantizeChunk - 1) / kQuantizeChunk;
  std::vector<char> ok(static_cast<size_t>(chunks), 1);
  parallel_for(chunks, [&](int64_t c0, int64_t c1) {
    for (int64_t c = c0; c < c1; ++c) {
      const int64_t i = c * kQuantizeChunk, len = std::min(kQuantizeChunk, n - i);
      ok[c] = kernels().quantize_static_u8(x + i, len, scale, zp, q + i);
    }
  });
  return std::all_of(ok.begin(), ok.end(), [](char v) { return v != 0; });
}

// The direct kernel (lanes.h): x quantized (or copied) into the padded layout,
// the zero point in the padding, then the 16-pixel tiles split over the pool.
bool lanes_forward(const ConvS8Args& c, const lanes::Plan& plan) {
  const ConvShape& s = c.shape;
  const int64_t row = s.in_w * s.in_c, bytes = s.batch * plan.pad_h * plan.pad_w * s.in_c;
  uint8_t* const buffer = scratch_bytes(0, lanes::kFrontSlack + bytes + lanes::kBackSlack);
  uint8_t* const padded = buffer + lanes::kFrontSlack;
  std::memset(buffer, 0, lanes::kFrontSlack);
  std::memset(padded + bytes, 0, lanes::kBackSlack);
  if (plan.pad_h == s.in_h && plan.pad_w == s.in_w) {  // no padding: x's own layout
    if (c.xq)
      std::memcpy(padded, c.xq, static_cast<size_t>(bytes));
    else if (!quantize_static_all(c.x, bytes, c.input_scale, c.zero_point, padded))
      return false;
  } else {
    std::memset(padded, c.zero_point, static_cast<size_t>(bytes));
    for (int64_t r = 0; r < s.batch * s.in_h; ++r) {
      const int64_t b = r / s.in_h, x_r = r % s.in_h;
      uint8_t* dst = padded + ((b * plan.pad_h + x_r + s.pad_top) * plan.pad_w + s.pad_left) * s.in_c;
      if (c.xq)
        std::memcpy(dst, c.xq + r * row, static_cast<size_t>(row));
      else if (!kernels().quantize_static_u8(c.x + r * row, row, c.input_scale, c.zero_point, dst))
        return false;
    }
  }
#if defined(LITE_X86)
  const int64_t m = s.batch * plan.out_h * plan.out_w, tiles = (m + lanes::kLanes - 1) / lanes::kLanes;
  const int64_t parts = parts_for(tiles, double(m) * plan.phases * plan.quads * 4 * s.out_c);
  run_parts(parts, tiles, [&](int64_t t0, int64_t t1, int64_t) {
    lanes::run_avx512vbmi(c, padded, c.zero_point, plan, t0, t1);
  });
#endif
  return true;
}

// A pooled conv without the direct kernel: the conv into scratch, then the max pool.
bool pooled_forward(const ConvS8Args& c) {
  const ConvShape& s = c.shape;
  const bool u8 = c.output == s8::Output::Uint8;
  thread_local std::vector<float> unpooled;
  unpooled.resize(static_cast<size_t>(u8 ? (pixels(s) * s.out_c + 3) / 4 : pixels(s) * s.out_c));
  ConvS8Args whole = c;
  whole.pool = PoolWindow{};
  whole.y = unpooled.data();
  if (!conv2d_s8_forward(whole)) return false;
  const PoolWindow& p = c.pool;
  const PoolShape ps{s.batch, s.out_h, s.out_w, s.out_c, p.out(s.out_h, p.h, p.stride_h), p.out(s.out_w, p.w, p.stride_w),
                     p.h, p.w, p.stride_h, p.stride_w, 0, 0};
  if (u8)
    kernels().dw_s8->max_pool({ps, reinterpret_cast<const uint8_t*>(unpooled.data()), static_cast<uint8_t*>(c.y)});
  else
    kernels().max_pool(ps, unpooled.data(), static_cast<float*>(c.y));
  return true;
}

// A static conv with a uint8 y pooled by windows that do not overlap: one conv
// per window position (phase), strided by the pool and offset by its padding,
// straight into pooled pixels, max-ed into y. No unpooled y, and the pool is a
// contiguous byte max (the unpooled y's pool read runs of outC bytes: seedCnn's
// conv2 spent 54 µs of 0.55 ms pooling).
bool phased_forward(const ConvS8Args& c) {
  const ConvShape& s = c.shape;
  const PoolWindow& p = c.pool;
  ConvS8Args phase = c;
  phase.pool = PoolWindow{};
  phase.shape.out_h = p.out(s.out_h, p.h, p.stride_h);
  phase.shape.out_w = p.out(s.out_w, p.w, p.stride_w);
  phase.shape.stride_h = s.stride_h * p.stride_h;
  phase.shape.stride_w = s.stride_w * p.stride_w;
  thread_local std::vector<uint8_t> quantized, more;
  if (!c.xq) {  // quantize x once for every phase
    quantized.resize(static_cast<size_t>(s.batch * s.in_h * s.in_w * s.in_c));
    if (!quantize_static_all(c.x, static_cast<int64_t>(quantized.size()), c.input_scale, c.zero_point, quantized.data()))
      return false;
    phase.x = nullptr;
    phase.xq = quantized.data();
  }
  const int64_t n = pixels(phase.shape) * s.out_c;
  more.resize(static_cast<size_t>(n));
  uint8_t* __restrict const y = static_cast<uint8_t*>(c.y);
  const uint8_t* __restrict const phase_y = more.data();  // a local: the loop must not reach the thread_local
  for (int64_t dy = 0; dy < p.h; ++dy)
    for (int64_t dx = 0; dx < p.w; ++dx) {
      const bool first = dy == 0 && dx == 0;
      phase.shape.pad_top = s.pad_top - dy * s.stride_h;  // may go negative: the phase's windows start inside x
      phase.shape.pad_left = s.pad_left - dx * s.stride_w;
      phase.y = first ? c.y : const_cast<uint8_t*>(phase_y);
      if (!conv2d_s8_forward(phase)) return false;
      if (!first)
        for (int64_t i = 0; i < n; ++i) y[i] = phase_y[i] > y[i] ? phase_y[i] : y[i];
    }
  return true;
}

}  // namespace

bool conv2d_s8_forward(const ConvS8Args& c) {
  const ConvShape& s = c.shape;
  lanes::Plan plan;
  if (!c.dynamic && c.output == s8::Output::Uint8 && c.w.bits == 8 && lanes::runs(s, c.pool, &plan))
    return lanes_forward(c, plan);
  if (!c.pool.none() && !c.dynamic && c.output == s8::Output::Uint8 && c.pool.h <= c.pool.stride_h &&
      c.pool.w <= c.pool.stride_w)
    return phased_forward(c);
  if (!c.pool.none()) return pooled_forward(c);
  const int64_t in_pixels = s.batch * s.in_h * s.in_w;
  const int64_t m = pixels(s), k = filter_k(s), n = s.out_c;
  uint8_t* q = c.xq ? nullptr : scratch_bytes(0, in_pixels * s.in_c);
  float scale = c.input_scale, row_scale = c.row_scale;
  int32_t zp = c.zero_point;
  if (c.xq) {
    q = const_cast<uint8_t*>(c.xq);  // read only
  } else if (c.dynamic) {
    const s8::QuantizeArgs qa{in_pixels, s.in_c, c.x, false, q, &scale, &zp};
    if (!kernels().quantize_u8(qa)) return false;
    row_scale = scale;
  } else if (!quantize_static_all(c.x, in_pixels * s.in_c, scale, zp, q)) {
    return false;
  }

  s8::GemmArgs g{};
  g.m = m;
  g.n = n;
  g.k = k;
  g.a = q;
  g.lda = k;
  g.b = c.w;
  g.colsum = c.colsum;
  g.panels = c.panels;
  g.a_zero_point = &zp;
  g.row_scale = &row_scale;
  g.per_row = false;
  g.col_scale = c.col_scale;
  g.col_bias = c.col_bias;
  g.lo = c.lo;
  g.hi = c.hi;
  g.out_zero_point = c.out_zero_point;
  g.output = c.output;
  g.out = c.y;
  if (pointwise(s)) {
    kernels().gemm_s8(g);
    return true;
  }
  // im2col rows padded with zeros to whole quads: the GEMM reads them in place.
  const int64_t ld = c.w.k_padded;
  const int64_t out_bytes = c.output == s8::Output::Uint8 ? 1 : 4;
  const int64_t parts = parts_for(m, double(m) * k * n), tile = tile_pixels(parts, ld);
  uint8_t* const work = scratch_bytes(1, parts * std::min(tile, m) * ld);
  const uint8_t pad = static_cast<uint8_t>(zp);
  run_parts(parts, m, [&](int64_t m0, int64_t m1, int64_t part) {
    uint8_t* cols = work + part * std::min(tile, m) * ld;
    for (int64_t a = m0; a < m1; a += tile) {
      const int64_t b = std::min(m1, a + tile);
      im2col::im2col(s, q, a, b, cols, pad, ld);
      s8::GemmArgs t = g;
      t.m = b - a;
      t.a = cols;
      t.lda = ld;
      t.out = static_cast<uint8_t*>(c.y) + a * n * out_bytes;
      kernels().gemm_s8(t);
    }
  });
  return true;
}

}  // namespace lite
