// conv2d and depthwiseConv2d with their backprops: every argument is checked
// (args.h) before a kernel runs, so kernels never index outside the arrays.
#include <new>

#include "args.h"
#include "bindings.h"

namespace lite::binding {
namespace {

// The effective extent of a dilated filter, (size − 1)·dilation + 1.
int64_t effective(const Napi::Env& env, int64_t size, int64_t dilation, const char* what) {
  return product(env, {size - 1, dilation}, what) + 1;
}

// A window must overlap the input: padding below the effective filter size,
// and the last window starting inside the input. Anything else is a shape no
// framework produces and would leave outputs that read only padding.
void check_windows(const Napi::Env& env, int64_t in, int64_t out, int64_t stride, int64_t pad, int64_t extent,
                   const char* axis) {
  const std::string a(axis);
  if (pad >= extent)
    throw_range(env, "shape.pad" + std::string(a == "H" ? "Top" : "Left") + " (" + std::to_string(pad) +
                         ") must be less than the effective filter " + (a == "H" ? "height" : "width") + " (" +
                         std::to_string(extent) + ")");
  const int64_t last_start = product(env, {out - 1, stride}, "(out − 1)·stride") - pad;
  if (last_start >= in)
    throw_range(env, "shape.out" + a + " (" + std::to_string(out) + ") is too large: with stride " +
                         std::to_string(stride) + " its last window starts past the input (in" + a + " " +
                         std::to_string(in) + ")");
}

// Reads and checks a ConvShape; depthwise requires outC to be a multiple of inC.
ConvShape conv_shape(const Napi::CallbackInfo& info, size_t index, bool depthwise) {
  const Napi::Env env = info.Env();
  const Napi::Object o = object_arg(info, index, "shape");
  ConvShape s{};
  s.batch = field(env, o, "shape", "batch", 1);
  s.in_h = field(env, o, "shape", "inH", 1);
  s.in_w = field(env, o, "shape", "inW", 1);
  s.in_c = field(env, o, "shape", "inC", 1);
  s.out_h = field(env, o, "shape", "outH", 1);
  s.out_w = field(env, o, "shape", "outW", 1);
  s.out_c = field(env, o, "shape", "outC", 1);
  s.filter_h = field(env, o, "shape", "filterH", 1);
  s.filter_w = field(env, o, "shape", "filterW", 1);
  s.stride_h = field(env, o, "shape", "strideH", 1);
  s.stride_w = field(env, o, "shape", "strideW", 1);
  s.dilation_h = field(env, o, "shape", "dilationH", 1);
  s.dilation_w = field(env, o, "shape", "dilationW", 1);
  s.pad_top = field(env, o, "shape", "padTop", 0);
  s.pad_left = field(env, o, "shape", "padLeft", 0);
  check_windows(env, s.in_h, s.out_h, s.stride_h, s.pad_top, effective(env, s.filter_h, s.dilation_h, "filterH·dilationH"), "H");
  check_windows(env, s.in_w, s.out_w, s.stride_w, s.pad_left, effective(env, s.filter_w, s.dilation_w, "filterW·dilationW"), "W");
  if (depthwise && s.out_c % s.in_c != 0)
    throw_range(env, "shape.outC (" + std::to_string(s.out_c) + ") must be a multiple of shape.inC (" +
                         std::to_string(s.in_c) + ") for a depthwise convolution");
  return s;
}

int64_t input_size(const Napi::Env& env, const ConvShape& s) {
  return product(env, {s.batch, s.in_h, s.in_w, s.in_c}, "batch·inH·inW·inC");
}
int64_t output_size(const Napi::Env& env, const ConvShape& s) {
  return product(env, {s.batch, s.out_h, s.out_w, s.out_c}, "batch·outH·outW·outC");
}
int64_t filter_size(const Napi::Env& env, const ConvShape& s, bool depthwise) {
  // The im2col row (filterH·filterW·inC) must be representable too.
  product(env, {s.filter_h, s.filter_w, s.in_c}, "filterH·filterW·inC");
  return depthwise ? product(env, {s.filter_h, s.filter_w, s.out_c}, "filterH·filterW·outC")
                   : product(env, {s.filter_h, s.filter_w, s.in_c, s.out_c}, "filterH·filterW·inC·outC");
}
const char* filter_formula(bool depthwise) {
  return depthwise ? "filterH·filterW·outC" : "filterH·filterW·inC·outC";
}

// Runs a kernel, turning a failed workspace allocation into a JS error.
template <class Fn>
Napi::Value run(const Napi::Env& env, const Fn& fn) {
  try {
    fn();
  } catch (const std::bad_alloc&) {
    throw Napi::Error::New(env, "out of memory for the convolution's workspace");
  }
  return env.Undefined();
}

// (x, filter, bias, y, shape, activation?)
Napi::Value forward(const Napi::CallbackInfo& info, bool depthwise) {
  const Napi::Env env = info.Env();
  require_args(info, 5, depthwise ? "depthwiseConv2d(x, filter, bias, y, shape, activation?)"
                                  : "conv2d(x, filter, bias, y, shape, activation?)");
  const FloatArray x = float_array(info, 0, "x"), w = float_array(info, 1, "filter");
  const FloatArray bias = optional_float_array(info, 2, "bias"), y = float_array(info, 3, "y");
  const ConvShape s = conv_shape(info, 4, depthwise);
  const Activation act = activation(env, info[5], "activation");
  require_length(env, x, input_size(env, s), "x", "batch·inH·inW·inC");
  require_length(env, w, filter_size(env, s, depthwise), "filter", filter_formula(depthwise));
  if (bias.data != nullptr || info[2].IsTypedArray()) require_length(env, bias, s.out_c, "bias", "outC");
  require_length(env, y, output_size(env, s), "y", "batch·outH·outW·outC");
  return run(env, [&] {
    if (depthwise)
      kernels().depthwise_forward(s, x.data, w.data, bias.data, act, y.data);
    else
      conv2d_forward(s, x.data, w.data, bias.data, act, y.data);
  });
}

// (dy, filter, dx, shape)
Napi::Value backprop_input(const Napi::CallbackInfo& info, bool depthwise) {
  const Napi::Env env = info.Env();
  require_args(info, 4, depthwise ? "depthwiseConv2dBackpropInput(dy, filter, dx, shape)"
                                  : "conv2dBackpropInput(dy, filter, dx, shape)");
  const FloatArray dy = float_array(info, 0, "dy"), w = float_array(info, 1, "filter");
  const FloatArray dx = float_array(info, 2, "dx");
  const ConvShape s = conv_shape(info, 3, depthwise);
  require_length(env, dy, output_size(env, s), "dy", "batch·outH·outW·outC");
  require_length(env, w, filter_size(env, s, depthwise), "filter", filter_formula(depthwise));
  require_length(env, dx, input_size(env, s), "dx", "batch·inH·inW·inC");
  return run(env, [&] {
    if (depthwise)
      kernels().depthwise_backprop_input(s, dy.data, w.data, dx.data);
    else
      conv2d_backprop_input(s, dy.data, w.data, dx.data);
  });
}

// (x, dy, dw, shape)
Napi::Value backprop_filter(const Napi::CallbackInfo& info, bool depthwise) {
  const Napi::Env env = info.Env();
  require_args(info, 4, depthwise ? "depthwiseConv2dBackpropFilter(x, dy, dw, shape)"
                                  : "conv2dBackpropFilter(x, dy, dw, shape)");
  const FloatArray x = float_array(info, 0, "x"), dy = float_array(info, 1, "dy");
  const FloatArray dw = float_array(info, 2, "dw");
  const ConvShape s = conv_shape(info, 3, depthwise);
  require_length(env, x, input_size(env, s), "x", "batch·inH·inW·inC");
  require_length(env, dy, output_size(env, s), "dy", "batch·outH·outW·outC");
  require_length(env, dw, filter_size(env, s, depthwise), "dw", filter_formula(depthwise));
  return run(env, [&] {
    if (depthwise)
      kernels().depthwise_backprop_filter(s, x.data, dy.data, dw.data);
    else
      conv2d_backprop_filter(s, x.data, dy.data, dw.data);
  });
}

}  // namespace

Napi::Value Conv2d(const Napi::CallbackInfo& info) { return forward(info, false); }
Napi::Value Conv2dBackpropInput(const Napi::CallbackInfo& info) { return backprop_input(info, false); }
Napi::Value Conv2dBackpropFilter(const Napi::CallbackInfo& info) { return backprop_filter(info, false); }
Napi::Value DepthwiseConv2d(const Napi::CallbackInfo& info) { return forward(info, true); }
Napi::Value DepthwiseConv2dBackpropInput(const Napi::CallbackInfo& info) { return backprop_input(info, true); }
Napi::Value DepthwiseConv2dBackpropFilter(const Napi::CallbackInfo& info) { return backprop_filter(info, true); }

}  // namespace lite::binding
