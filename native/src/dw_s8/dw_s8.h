// uint8 activation kernels for statically quantized models, where activations
// stay uint8 between int8 layers: the int8 depthwise convolution (uint8 x with a
// zero point, int8 per-channel weights, int32 sums, the int8 GEMM's epilogue),
// max pooling on uint8 (max commutes with the monotone quantization) and the
// residual add of two (uint8 or float32) tensors into uint8 or float32.
#pragma once
#include <cstdint>

#include "../kernels.h"

namespace lite::dws8 {

// acc[p, d] = Σ_taps in the input (x[tap, c] − zero_point)·w[tap, d], d = c·mult + q,
// exact in int32 (padding taps hold the zero point: they add 0). Then, as the
// int8 GEMM's epilogue (gemm_s8.h, the binding folds the activation and output
// scale): y = clamp(fma(float(acc), col_scale[d], col_bias[d]), lo, hi) in
// float32 (min/max as max_ps/min_ps); a uint8 y gets round_half_even(y) + out_zero_point.
struct DwArgs {
  ConvShape shape;
  const uint8_t* x;        // batch·inH·inW·inC
  int32_t zero_point;      // x's, 0..255
  const int8_t* w;         // [filterH, filterW, inC, mult]
  const float* col_scale;  // outC: inputScale·scaleB[d] (float32 y) or folded with the output scale
  const float* col_bias;   // outC
  float lo, hi;
  int32_t out_zero_point;
  bool out_u8;
  void* y;  // batch·outH·outW·outC, float32 or uint8
};

// y = max over the window's in-bounds taps (NHWC, channels pooled independently).
struct PoolArgs {
  PoolShape shape;
  const uint8_t* x;
  uint8_t* y;
};

// y = (float(acc) · scale) / float(count) in float32 (two roundings), acc = Σ (x − zero_point)
// over the window's in-bounds taps (count of them; padding excluded, as avgPool's).
struct AvgPoolArgs {
  PoolShape shape;
  const uint8_t* x;
  int32_t zero_point;
  float scale;
  float* y;
};

// One operand of add: uint8 (q with its scale and zero point) or float32.
struct AddOperand {
  const void* data;
  bool u8;
  float scale;
  int32_t zero_point;
};

// With da = float(qa − za), db = float(qb − zb) (exact), all float32, one rounding each:
//   both uint8: s = fma(db, sb, float32(da·sa))
//   a uint8:    s = fma(da, sa, b);  b uint8: s = fma(db, sb, a);  both float: s = a + b
// then s = clamp(s, lo, hi) (the activation, as max_ps/min_ps) and y = s (float32) or
// y = clamp(round_half_even(float32(s · out_inverse)), −out_zero_point, 255 − out_zero_point) + out_zero_point,
// out_inverse = float32(1 / outScale) (a multiply: a division per element costs more than the rest).
struct AddArgs {
  int64_t n;
  AddOperand a, b;
  float lo, hi;
  bool out_u8;
  float out_inverse;
  int32_t out_zero_point;
  void* y;
};

// One table per instruction-set path (KernelTable::dw_s8).
struct Kernels {
  void (*depthwise)(const DwArgs&);
  void (*max_pool)(const PoolArgs&);
  void (*add)(const AddArgs&);
  void (*avg_pool)(const AvgPoolArgs&);
};

}  // namespace lite::dws8
