// Dynamic uint8 quantization of float32 rows (gemm_s8.h, QuantizeArgs), written
// once in plain C++ (vector types and loops the compiler vectorizes with each
// path's flags): quantize_<isa>.cc includes this and names its entry point.
// Every step is an exactly rounded IEEE operation, so all paths (and the
// TypeScript reference) agree bit for bit.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>

#include "gemm_s8.h"

namespace lite {
namespace {
namespace quantize_detail {

constexpr int kLanes = 16;
// 16 floats as one GCC/Clang vector: one zmm, two ymm or four xmm by the flags.
typedef float Lanes __attribute__((vector_size(kLanes * sizeof(float))));

struct Range {
  float lo, hi;
  bool finite;
};

// [min x, max x] of n values; finite is false when any is NaN or ±Infinity.
inline Range range(const float* x, int64_t n) {
  Lanes lo = {}, hi = {}, bad = {};
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    Lanes v;
    std::memcpy(&v, x + i, sizeof v);
    lo = v < lo ? v : lo;
    hi = v > hi ? v : hi;
    bad += v - v;  // NaN for NaN or ±Infinity, else 0
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

// Scalars by value and q restrict: a uint8 store may alias anything, so GCC
// would otherwise reload them per element and not vectorize.
inline void quantize(const float* __restrict x, int64_t n, float inv, int32_t zp, uint8_t* __restrict q) {
  const float lo = static_cast<float>(-zp), hi = static_cast<float>(255 - zp);
  for (int64_t i = 0; i < n; ++i) {
    float y = x[i] * inv;
    y = y > lo ? y : lo;
    y = y < hi ? y : hi;
    q[i] = static_cast<uint8_t>(static_cast<int32_t>(std::nearbyint(y)) + zp);
  }
}

inline bool quantize_u8(const s8::QuantizeArgs& a) {
  if (!a.per_row) {
    const Range r = range(a.x, a.m * a.k);
    if (!r.finite) return false;
    const Params p = params(r);
    a.scale[0] = p.scale;
    a.zero_point[0] = p.zp;
    quantize(a.x, a.m * a.k, p.inv, p.zp, a.q);
    return true;
  }
  for (int64_t i = 0; i < a.m; ++i) {
    const Range r = range(a.x + i * a.k, a.k);
    if (!r.finite) return false;
    const Params p = params(r);
    a.scale[i] = p.scale;
    a.zero_point[i] = p.zp;
    quantize(a.x + i * a.k, a.k, p.inv, p.zp, a.q + i * a.k);
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
