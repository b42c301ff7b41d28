// conv2d and depthwiseConv2d with their backprops: every argument is checked
// (args.h) before a kernel runs, so kernels never index outside the arrays.
#include <new>

#include "args.h"
#include "bindings.h"
#include "conv_args.h"

namespace lite::binding {
namespace {

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
