// Static uint8 quantization (conv_s8.h), written once in plain C++ that the
// compiler vectorizes with each path's flags: quantize_static_<isa>.cc includes
// this and names its entry point. Division and rounding are exactly rounded
// IEEE operations, so every path (and the TypeScript reference) agrees bit for bit.
#pragma once
#include <cstdint>
#include <cstring>

namespace lite {
namespace {

// q = clamp(round_half_even(x / scale) + zp, 0, 255): x / scale is clamped to
// [−zp, 255 − zp] first (the same result, as the bounds are integers) and then
// rounded by adding and subtracting 1.5·2^23 (exact round-half-even for |y| < 2^22
// in the default rounding mode), which vectorizes without SSE4.1's roundps.
// Returns false when x holds NaN or ±Infinity (exponent bits all ones).
inline bool quantize_static_u8(const float* __restrict x, int64_t n, float scale, int32_t zp,
                               uint8_t* __restrict q) {
  const float lo = static_cast<float>(-zp), hi = static_cast<float>(255 - zp), magic = 0x1.8p23f;
  uint32_t bad = 0;
  for (int64_t i = 0; i < n; ++i) {
    uint32_t bits;
    std::memcpy(&bits, x + i, sizeof bits);
    bad |= (bits & 0x7f800000u) + 0x00800000u;  // sets bit 31 only for an all-ones exponent
    float y = x[i] / scale;
    y = y > lo ? y : lo;
    y = y < hi ? y : hi;
    y = (y + magic) - magic;
    q[i] = static_cast<uint8_t>(static_cast<int32_t>(y) + zp);
  }
  return (bad & 0x80000000u) == 0;
}

}  // namespace
}  // namespace lite

// Defines the path's entry point, lite::quantize_static_u8_<isa>.
#define LITE_QUANTIZE_STATIC_PATH(isa)                                                                  \
  namespace lite {                                                                                      \
  bool quantize_static_u8_##isa(const float* x, int64_t n, float scale, int32_t zp, uint8_t* q) {      \
    return quantize_static_u8(x, n, scale, zp, q);                                                      \
  }                                                                                                     \
  }
