// The int8 convolution (conv_s8.h) as im2col + the chosen path's int8 GEMM,
// parted and tiled like the fp32 one (conv/im2col.h): x is quantized once into
// scratch, each part walks its pixels in L2-sized tiles of uint8 im2col rows
// (padding taps hold the zero point, so they add exactly 0) and runs the GEMM
// on each tile. Pointwise convs (and dense layers, 1×1 over [M, 1, 1, K]) skip
// im2col: the quantized x is already the GEMM's A.
#include "conv_s8.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "../conv/im2col.h"
#include "../runtime/thread_pool.h"

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

}  // namespace

bool conv2d_s8_forward(const ConvS8Args& c) {
  const ConvShape& s = c.shape;
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
