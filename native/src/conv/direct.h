// Direct convolutions: stride-1, dilation-1 convs computed without im2col, for
// the small channel counts where the im2col GEMM wastes most of its register
// tile (MNIST-sized CNNs). Each output band of an image is computed with the
// pixels along the vector lanes and the output channels in registers:
//
//   T[d][n] = Σ_k A[k][d] · S[off(k) + n]
//
// where n = yR·outW + yC is an output pixel of the band, S holds, for every
// input channel c and filter column wC, the band's input rows shifted left by
// wC (zero-padded) so that tap (c, wR, wC) of pixel n sits at off(k) + n, and
// A is the filter. T is then transposed into the NHWC output with the bias and
// activation applied. Backprop input, when stride is 1, is the same product:
// a full correlation of dy with the flipped filter, in and out channels
// swapped. Backprop filter sums S[off(k) + n]·dyᵀ[d][n] over the pixels, with
// per-lane partial sums added up at the end.
#pragma once
#include <cstdint>

#include "../kernels.h"

namespace lite {

enum class DirectOp : int32_t { Forward = 0, BackpropInput = 1, BackpropFilter = 2 };

// One path's direct kernels. Each splits its work over the thread pool as its
// size warrants; `work` holds workspace(s, op) floats allocated by the caller.
struct DirectConv {
  // Whether op on this shape runs here (stride 1, dilation 1, and a shape the
  // direct kernels do faster than im2col + GEMM).
  bool (*suits)(const ConvShape& s, DirectOp op);
  int64_t (*workspace)(const ConvShape& s, DirectOp op);
  void (*forward)(const ConvShape& s, const float* x, const float* w, const float* bias, Activation act, float* y,
                  float* work);
  void (*backprop_input)(const ConvShape& s, const float* dy, const float* w, float* dx, float* work);
  void (*backprop_filter)(const ConvShape& s, const float* x, const float* dy, float* dw, float* work);
};

// The direct kernels of the path kernels() runs.
const DirectConv& direct_conv();

}  // namespace lite
