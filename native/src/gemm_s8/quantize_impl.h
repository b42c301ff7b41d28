// Dynamic uint8 quantization of float32 rows (gemm_s8.h, QuantizeArgs), written
// once in plain C++ with fixed-width lane loops that the compiler vectorizes with
// each path's flags: quantize_<isa>.cc includes this and names its entry point.
// Every step is an exactly rounded IEEE operation, so all paths (and the
// TypeScript reference) agree bit for bit.
#pragma once
#include <cmath>
#include <cstdint>

#include "gemm_s8.h"

namespace lite {
namespace {
namespace quantize_detail {

constexpr int kLanes = 16;

struct Range {
  float lo, hi;
  bool finite;
};

// [min x, max x] of n values; finite is false when any is NaN or ±Infinity.
inline Range range(const float* x, int64_t n) {
  float lo[kLanes], hi[kLanes], bad[kLanes];
  for (int l = 0; l < kLanes; ++l) lo[l] = hi[l] = bad[l] = 0.f;
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int l = 0; l < kLanes; ++l) {
      const float v = x[i + l];
      lo[l] = v < lo[l] ? v : lo[l];
      hi[l] = v > hi[l] ? v : hi[l];
      bad[l] += v - v;  // NaN for NaN or ±Infinity, else 0
    }
  Range r{0.f, 0.f, true};
  for (; i < n; ++i) {
    const float v = x[i];
    r.lo = v < r.lo ? v : r.lo;
    r.hi = v > r.hi ? v : r.hi;
    if (!std::isfinite(v)) r.finite = false;
  }
  for (int l = 0; l < kLanes; ++l) {
    r.lo = lo[l] < r.lo ? lo[l] : r.lo;
    r.hi = hi[l] > r.hi ? hi[l] : r.hi;
    if (bad[l] != 0.f) r.finite = false;  // NaN compares unequal
  }
  return r;
}

struct Params {
  float scale, inv;
  int32_t zp;
};

// Range (which includes 0) → scale and zero point. A range too narrow for a
// normal float32 step (all zero, or all but) gets scale 1.
inline Params params(Range r) {
  float scale = static_cast<float>((static_cast<double>(r.hi) - static_cast<double>(r.lo)) / 255.0);
  if (!(scale >= 0x1p-126f)) scale = 1.f;
  const double zp = std::nearbyint(-static_cast<double>(r.lo) / static_cast<double>(scale));
  Params p;
  p.scale = scale;
  p.inv = static_cast<float>(1.0 / static_cast<double>(scale));
  p.zp = static_cast<int32_t>(zp < 0 ? 0 : zp > 255 ? 255 : zp);
  return p;
}

inline void quantize(const float* x, int64_t n, const Params& p, uint8_t* q) {
  const float lo = static_cast<float>(-p.zp), hi = static_cast<float>(255 - p.zp);
  for (int64_t i = 0; i < n; ++i) {
    float y = x[i] * p.inv;
    y = y > lo ? y : lo;
    y = y < hi ? y : hi;
    q[i] = static_cast<uint8_t>(static_cast<int32_t>(std::nearbyint(y)) + p.zp);
  }
}

inline bool quantize_u8(const s8::QuantizeArgs& a) {
  if (!a.per_row) {
    const Range r = range(a.x, a.m * a.k);
    if (!r.finite) return false;
    const Params p = params(r);
    a.scale[0] = p.scale;
    a.zero_point[0] = p.zp;
    quantize(a.x, a.m * a.k, p, a.q);
    return true;
  }
  for (int64_t i = 0; i < a.m; ++i) {
    const Range r = range(a.x + i * a.k, a.k);
    if (!r.finite) return false;
    const Params p = params(r);
    a.scale[i] = p.scale;
    a.zero_point[i] = p.zp;
    quantize(a.x + i * a.k, a.k, p, a.q + i * a.k);
  }
  return true;
}

}  // namespace quantize_detail
}  // namespace
}  // namespace lite

// Defines the path's entry point, lite::quantize_u8_<isa>.
#define LITE_QUANTIZE_PATH(isa) \
  namespace lite {              \
  bool quantize_u8_##isa(const s8::QuantizeArgs& a) { return quantize_detail::quantize_u8(a); } \
  }
