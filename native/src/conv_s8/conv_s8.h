// The int8 convolution: float32 NHWC input quantized to uint8 (static scale and
// zero point, or dynamic per tensor) or uint8 input already quantized, im2col
// in uint8, and the chosen path's int8 GEMM on packed HWIO weights with its
// epilogue: float32 y = act(fma(float(Σ (q − zp)·w), inputScale·scaleB[j], bias[j])),
// or uint8 y requantized (gemm_s8.h; the binding folds the output scale into
// col_scale, col_bias, lo and hi).
#pragma once
#include <cstdint>

#include "../gemm_s8/gemm_s8.h"
#include "../kernels.h"

namespace lite {

// A max pool over the convolution's output, fused into it: windows h×w every
// stride_h, stride_w pixels, all inside the output (no padding). Max commutes
// with the monotone epilogue, so y is exactly the pool of the unpooled y.
struct PoolWindow {
  int64_t h = 1, w = 1, stride_h = 1, stride_w = 1;
  bool none() const { return h == 1 && w == 1 && stride_h == 1 && stride_w == 1; }
  int64_t out(int64_t in, int64_t size, int64_t stride) const { return (in - size) / stride + 1; }
};

struct ConvS8Args {
  ConvShape shape;
  const float* x;       // batch·inH·inW·inC, NHWC; null when xq is given
  const uint8_t* xq;    // the same, already quantized with input_scale and zero_point
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
  float row_scale;         // input_scale for a float32 y, 1 when folded into the columns
  float lo, hi;            // the epilogue's clamp
  int32_t out_zero_point;  // uint8 y
  s8::Output output;       // Float32 or Uint8
  PoolWindow pool;         // none: 1×1, stride 1
  void* y;  // batch·outH·outW·outC, or batch·pooledH·pooledW·outC
};

// Returns false, leaving y unspecified, when x holds NaN or ±Infinity.
bool conv2d_s8_forward(const ConvS8Args& args);

}  // namespace lite
