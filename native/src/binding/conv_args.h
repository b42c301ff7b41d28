// The ConvShape argument of the conv bindings (conv_binding.cc,
// conv_s8_binding.cc), read and checked, and the tensor sizes it implies.
#pragma once
#include <string>

#include "args.h"

namespace lite::binding {

// The effective extent of a dilated filter, (size − 1)·dilation + 1.
inline int64_t effective(const Napi::Env& env, int64_t size, int64_t dilation, const char* what) {
  return product(env, {size - 1, dilation}, what) + 1;
}

// A window must overlap the input: padding below the effective filter size,
// and the last window starting inside the input. Anything else is a shape no
// framework produces and would leave outputs that read only padding.
inline void check_windows(const Napi::Env& env, int64_t in, int64_t out, int64_t stride, int64_t pad, int64_t extent,
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
inline ConvShape conv_shape(const Napi::CallbackInfo& info, size_t index, bool depthwise) {
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

inline int64_t input_size(const Napi::Env& env, const ConvShape& s) {
  return product(env, {s.batch, s.in_h, s.in_w, s.in_c}, "batch·inH·inW·inC");
}
inline int64_t output_size(const Napi::Env& env, const ConvShape& s) {
  return product(env, {s.batch, s.out_h, s.out_w, s.out_c}, "batch·outH·outW·outC");
}

}  // namespace lite::binding
