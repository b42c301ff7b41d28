// The direct pixel-lane kernel's plan (lanes.h): plain C++, compiled for any
// CPU, so asking whether the kernel runs a shape never executes AVX-512.
#include "lanes.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "../runtime/cpu_features.h"

namespace lite::lanes {

bool available() {
  static const bool yes = std::strcmp(s8::kernel_name(), "avx512vnni") == 0 && cpu_features().avx512_vbmi;
  return yes;
}

bool runs(const ConvShape& s, const PoolWindow& pool, Plan* p) {
  // Negative padding (a pooled conv's phase, conv_s8.cc) would put x's first rows before the padded layout.
  if (!available() || s.out_c > kMaxChannels || s.pad_top < 0 || s.pad_left < 0) return false;
  p->pad_h = std::max(s.pad_top + s.in_h, (s.out_h - 1) * s.stride_h + (s.filter_h - 1) * s.dilation_h + 1);
  p->pad_w = std::max(s.pad_left + s.in_w, (s.out_w - 1) * s.stride_w + (s.filter_w - 1) * s.dilation_w + 1);
  p->out_h = pool.out(s.out_h, pool.h, pool.stride_h);
  p->out_w = pool.out(s.out_w, pool.w, pool.stride_w);
  p->image_step = p->pad_h * p->pad_w * s.in_c;
  p->row_step = pool.stride_h * s.stride_h * p->pad_w * s.in_c;
  p->lane_step = pool.stride_w * s.stride_w * s.in_c;
  p->phases = pool.h * pool.w;
  // Lane p's bytes sit p·lane_step after lane 0's: a source holds a quad's
  // bytes that lie within `limit` of its first one, for all 16 lanes.
  const int64_t limit = 63 - (kLanes - 1) * p->lane_step;
  if (limit < 3) return false;
  const int64_t k = s.filter_h * s.filter_w * s.in_c, row = s.filter_w * s.in_c;
  const auto offset = [&](int64_t kk) {  // tap kk's byte from the pixel's first, in the padded input
    return (kk / row) * s.dilation_h * p->pad_w * s.in_c + (kk % row / s.in_c) * s.dilation_w * s.in_c + kk % s.in_c;
  };
  p->quads = (k + 3) / 4;
  p->sources.assign(2 * p->quads + p->phases, 0);
  p->indices.assign(p->quads * 64, 0);
  int64_t* source_a = p->sources.data();
  int64_t* source_b = source_a + p->quads;
  int64_t* phase = source_b + p->quads;
  for (int64_t r = 0; r < pool.h; ++r)
    for (int64_t c = 0; c < pool.w; ++c) phase[r * pool.w + c] = (r * s.stride_h * p->pad_w + c * s.stride_w) * s.in_c;
  p->phase = phase;
  uint8_t* index = p->indices.data();
  for (int64_t q = 0; q < p->quads; ++q) {
    const int64_t a = offset(4 * q);
    int64_t b = -1;
    for (int64_t t = 0; t < 4 && 4 * q + t < k; ++t) {  // k past K: index 0 (its weights are 0)
      const int64_t o = offset(4 * q + t);
      int64_t d = o - a, source = 0;
      if (d < 0 || d > limit) {
        if (b < 0) b = o;
        d = o - b;
        source = 1;
        if (d < 0 || d > limit) return false;  // a third source
      }
      for (int lane = 0; lane < kLanes; ++lane)
        index[q * 64 + 4 * lane + t] = static_cast<uint8_t>(64 * source + lane * p->lane_step + d);
    }
    source_a[q] = a;
    source_b[q] = b < 0 ? a : b;
  }
  p->source_a = source_a;
  p->source_b = source_b;
  p->index = index;
  return true;
}

}  // namespace lite::lanes
