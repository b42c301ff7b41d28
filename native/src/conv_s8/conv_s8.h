// The int8 convolution: float32 NHWC input quantized to uint8 (static scale and
// zero point, or dynamic per tensor), im2col in uint8, and the chosen path's
// int8 GEMM on packed HWIO weights with the float32 epilogue:
//   y = act(fma(float(Σ (q − zp)·w), inputScale·scaleB[j], bias[j]))
#pragma once
#include <cstdint>

#include "../gemm_s8/gemm_s8.h"
#include "../kernels.h"

namespace lite {

struct ConvS8Args {
  ConvShape shape;
  const float* x;  // batch·inH·inW·inC, NHWC
  // Static quantization: q = clamp(round_half_even(x / input_scale) + zero_point, 0, 255),
  // the division in float32. Dynamic: one scale and zero point for all of x,
  // exactly as the GEMM's per-tensor dynamic quantization (gemm_s8.h, QuantizeArgs).
  bool dynamic;
  float input_scale;
  int32_t zero_point;
  s8::Layout w;  // k = filterH·filterW·inC, n = outC
  const int32_t* colsum;
  const uint8_t* panels;
  const float* col_scale;  // w.panels·16 (padding 0)
  const float* col_bias;   // w.panels·16 (padding 0)
  Activation act;
  float* y;  // batch·outH·outW·outC
};

// Returns false, leaving y unspecified, when x holds NaN or ±Infinity.
bool conv2d_s8_forward(const ConvS8Args& args);

}  // namespace lite
