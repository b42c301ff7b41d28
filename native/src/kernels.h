// The kernel interface every instruction-set path implements. Kernels take raw
// pointers and assume valid arguments: the binding layer validates everything.
#pragma once
#include <cstdint>

namespace lite {

namespace s8 {  // the int8 GEMM's arguments: gemm_s8/gemm_s8.h
struct GemmArgs;
struct QuantizeArgs;
}  // namespace s8
namespace sparse { struct SpmmArgs; }  // the sparse GEMM's arguments: spmm/spmm.h
namespace dws8 { struct Kernels; }     // uint8 activation kernels: dw_s8/dw_s8.h

enum class Activation : int32_t { Linear = 0, Relu = 1, Relu6 = 2 };

// C[m,n] = act(op(A)·op(B) + bias) (or C += op(A)·op(B) when accumulate).
// Row-major. op(A) is m×k: A is m×k, or k×m when trans_a. op(B) is k×n: B is k×n,
// or n×k when trans_b. bias (length n) and the activation apply only when
// accumulate is false.
struct GemmArgs {
  int64_t m, n, k;
  const float* a;
  const float* b;
  float* c;
  bool trans_a, trans_b, accumulate;
  const float* bias;  // may be null
  Activation act;
};

// Shapes of an NHWC convolution (also depthwise: out_c = in_c * multiplier).
// Filters are HWIO: [filter_h, filter_w, in_c, out_c] (depthwise: [fh, fw, in_c, mult]).
struct ConvShape {
  int64_t batch, in_h, in_w, in_c, out_h, out_w, out_c;
  int64_t filter_h, filter_w, stride_h, stride_w, dilation_h, dilation_w;
  int64_t pad_top, pad_left;
};

// Shapes of an NHWC 2-D pooling window.
struct PoolShape {
  int64_t batch, in_h, in_w, channels, out_h, out_w;
  int64_t filter_h, filter_w, stride_h, stride_w, pad_top, pad_left;
};

// out[i] = a[i] op b[i % period] (period divides n): same shape, a per-channel
// vector or a scalar. ReverseSub is b − a.
enum class BinaryOp : int32_t { Add = 0, Sub = 1, ReverseSub = 2, Mul = 3 };

struct DirectConv;
struct BinaryKernels;  // bconv/bconv.h

// One table of function pointers per instruction-set path.
struct KernelTable {
  const char* name;
  void (*gemm_f32)(const GemmArgs&);
  void (*depthwise_forward)(const ConvShape&, const float* x, const float* w, const float* bias,
                            Activation act, float* y);
  void (*depthwise_backprop_input)(const ConvShape&, const float* dy, const float* w, float* dx);
  void (*depthwise_backprop_filter)(const ConvShape&, const float* x, const float* dy, float* dw);
  void (*max_pool)(const PoolShape&, const float* x, float* y);
  void (*max_pool_backprop)(const PoolShape&, const float* dy, const float* x, float* dx);
  void (*avg_pool)(const PoolShape&, const float* x, float* y);
  void (*avg_pool_backprop)(const PoolShape&, const float* dy, float* dx);
  void (*binary)(BinaryOp op, const float* a, const float* b, int64_t n, int64_t period, float* out);
  void (*relu)(const float* x, int64_t n, float* out);
  // out = 1 where x > 0, NaN where x is NaN, alpha elsewhere.
  void (*step)(const float* x, int64_t n, float alpha, float* out);
  // x is rows×cols: over_rows gives out[cols] (column sums), else out[rows] (row sums); float64 accumulation.
  void (*sum)(const float* x, int64_t rows, int64_t cols, bool over_rows, float* out);
  // int8 GEMM on packed weights, and dynamic uint8 quantization (false: x not finite).
  void (*gemm_s8)(const s8::GemmArgs&);
  bool (*quantize_u8)(const s8::QuantizeArgs&);
  // uint8 quantization with a given scale and zero point (conv_s8/conv_s8.h):
  // q = clamp(round_half_even(x / scale) + zero_point, 0, 255); false: x not finite.
  bool (*quantize_static_u8)(const float* x, int64_t n, float scale, int32_t zero_point, uint8_t* q);
  // Stride-1 convolutions without im2col (conv/direct.h).
  const DirectConv* direct_conv;
  void (*spmm)(const sparse::SpmmArgs&);  // dense X × packed sparse W (spmm/spmm.h)
  const BinaryKernels* binary_kernels;     // XNOR-popcount conv/GEMM and bit packing (bconv/bconv.h)
  const dws8::Kernels* dw_s8;              // int8 depthwise, uint8 max pool and add (dw_s8/dw_s8.h)
};

// The path chosen once at load (best the CPU has, or LITE_ISA's).
const KernelTable& kernels();

// Convolutions are im2col/col2im around the chosen path's GEMM (conv/conv.cc).
void conv2d_forward(const ConvShape&, const float* x, const float* w, const float* bias,
                    Activation act, float* y);
void conv2d_backprop_input(const ConvShape&, const float* dy, const float* w, float* dx);
void conv2d_backprop_filter(const ConvShape&, const float* x, const float* dy, float* dw);

}  // namespace lite
