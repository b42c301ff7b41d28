// depthwiseConv2dS8, maxPoolU8 and addU8 (dw_s8/dw_s8.h): every argument is
// checked here (args.h, conv_args.h, s8_args.h) and the epilogue folded as the
// int8 GEMM's (fold_epilogue), so the kernels see only valid, ready arguments.
#include <cmath>
#include <string>
#include <utility>

#include "../dw_s8/dw_s8.h"
#include "args.h"
#include "bindings.h"
#include "conv_args.h"
#include "s8_args.h"

namespace lite::binding {
namespace {

bool is_u8(const Napi::Value& v) {
  return v.IsTypedArray() && v.As<Napi::TypedArray>().TypedArrayType() == napi_uint8_array;
}

// A Float32Array or Uint8Array argument.
Typed float_or_u8(const Napi::CallbackInfo& info, size_t index, const char* name) {
  return is_u8(info[index]) ? typed(info[index]) : typed_arg(info, index, name, napi_float32_array, "Float32Array or Uint8Array");
}

// The output's scale and zero point for a Uint8Array out; refused for a float one.
void out_quant(const Napi::Env& env, const Napi::Object& o, bool u8, float* scale, int32_t* zero_point) {
  if (!u8) {
    for (const char* key : {"outScale", "outZeroPoint"})
      if (present(o, key)) throw_range(env, std::string("options.") + key + " applies only to a Uint8Array y");
    return;
  }
  if (!present(o, "outScale")) throw_type(env, "options.outScale is missing (a Uint8Array y is requantized with it)");
  *scale = scale_value(env, o.Get("outScale"), "options.outScale");
  *zero_point = present(o, "outZeroPoint") ? int_in(env, o.Get("outZeroPoint"), "options.outZeroPoint", 0, 255) : 0;
}

// Pooling windows must each hold an input element (as maxPool's).
void check_pool_axis(const Napi::Env& env, int64_t in, int64_t out, int64_t stride, int64_t pad, int64_t filter,
                     const char* axis) {
  const std::string a(axis);
  if (pad >= filter) throw_range(env, "shape.pad" + std::string(a == "H" ? "Top" : "Left") + " must be less than shape.filter" + a);
  if (product(env, {out - 1, stride}, "(out − 1)·stride") - pad >= in)
    throw_range(env, "shape.out" + a + " (" + std::to_string(out) + ") is too large: its last window starts past the input");
}

// A PoolShape argument, every window holding an input element (as maxPool's).
PoolShape u8_pool_shape(const Napi::CallbackInfo& info, size_t index) {
  const Napi::Env env = info.Env();
  const Napi::Object o = object_arg(info, index, "shape");
  PoolShape s{};
  using Field = int64_t PoolShape::*;
  const std::pair<const char*, Field> fields[] = {
      {"batch", &PoolShape::batch},       {"inH", &PoolShape::in_h},         {"inW", &PoolShape::in_w},
      {"channels", &PoolShape::channels}, {"outH", &PoolShape::out_h},       {"outW", &PoolShape::out_w},
      {"filterH", &PoolShape::filter_h},  {"filterW", &PoolShape::filter_w}, {"strideH", &PoolShape::stride_h},
      {"strideW", &PoolShape::stride_w},  {"padTop", &PoolShape::pad_top},   {"padLeft", &PoolShape::pad_left}};
  for (const auto& [key, member] : fields) s.*member = field(env, o, "shape", key, member == &PoolShape::pad_top || member == &PoolShape::pad_left ? 0 : 1);
  check_pool_axis(env, s.in_h, s.out_h, s.stride_h, s.pad_top, s.filter_h, "H");
  check_pool_axis(env, s.in_w, s.out_w, s.stride_w, s.pad_left, s.filter_w, "W");
  return s;
}

}  // namespace

// depthwiseConv2dS8(x, w, y, shape, options): uint8 NHWC x quantized with
// options.inputScale/inputZeroPoint, int8 HWIO-depthwise w [fh, fw, inC, mult],
// y float32 or uint8 (requantized with options.outScale/outZeroPoint).
Napi::Value DepthwiseConv2dS8(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  require_args(info, 5, "depthwiseConv2dS8(x, w, y, shape, options)");
  const Typed x = typed_arg(info, 0, "x", napi_uint8_array, "Uint8Array");
  const Typed w = typed_arg(info, 1, "w", napi_int8_array, "Int8Array");
  const bool y_u8 = is_u8(info[2]);
  const Typed y = float_or_u8(info, 2, "y");
  dws8::DwArgs a{};
  a.shape = conv_shape(info, 3, true);
  const ConvShape& s = a.shape;
  require_count(env, x.length, input_size(env, s), "x", "batch·inH·inW·inC");
  require_count(env, w.length, product(env, {s.filter_h, s.filter_w, s.out_c}, "filterH·filterW·outC"), "w",
                "filterH·filterW·outC");
  require_count(env, y.length, output_size(env, s), "y", "batch·outH·outW·outC");
  if (overlap(y, x) || overlap(y, w)) throw_range(env, "y must not share memory with x or w");
  const Napi::Object o = object_arg(info, 4, "options");
  if (!present(o, "inputScale")) throw_type(env, "options.inputScale is missing (x is uint8 quantized with it)");
  const float input_scale = scale_value(env, o.Get("inputScale"), "options.inputScale");
  a.zero_point = present(o, "inputZeroPoint") ? int_in(env, o.Get("inputZeroPoint"), "options.inputZeroPoint", 0, 255) : 0;
  float out_scale = 1.f;
  out_quant(env, o, y_u8, &out_scale, &a.out_zero_point);
  const Activation act = activation(env, o.Get("activation"), "options.activation");
  Columns cols = columns(env, o, s.out_c, s.out_c, "outC");
  s8::GemmArgs folded{};
  folded.output = y_u8 ? s8::Output::Uint8 : s8::Output::Float32;
  const float row = fold_epilogue(env, o, act, input_scale, s.out_c, "options.inputScale", &cols, &folded);
  for (float& v : cols.scale) v = row * v;  // the GEMM's row_scale·col_scale, one float32 product
  a.lo = folded.lo;
  a.hi = folded.hi;
  a.out_zero_point = folded.out_zero_point;
  a.out_u8 = y_u8;
  a.x = static_cast<const uint8_t*>(x.data);
  a.w = static_cast<const int8_t*>(w.data);
  a.col_scale = cols.scale.data();
  a.col_bias = cols.bias.data();
  a.y = y.data;
  if (y.length > 0) kernels().dw_s8->depthwise(a);
  return env.Undefined();
}

// x (uint8) and y of a pooling shape, checked: their sizes, no shared memory.
PoolShape pool_arrays(const Napi::CallbackInfo& info, const Typed& x, const Typed& y) {
  const Napi::Env env = info.Env();
  const PoolShape s = u8_pool_shape(info, 2);
  require_count(env, x.length, product(env, {s.batch, s.in_h, s.in_w, s.channels}, "batch·inH·inW·channels"), "x",
                "batch·inH·inW·channels");
  require_count(env, y.length, product(env, {s.batch, s.out_h, s.out_w, s.channels}, "batch·outH·outW·channels"), "y",
                "batch·outH·outW·channels");
  if (overlap(y, x)) throw_range(env, "y must not share memory with x");
  return s;
}

// maxPoolU8(x, y, shape): uint8 NHWC max pooling.
Napi::Value MaxPoolU8(const Napi::CallbackInfo& info) {
  require_args(info, 3, "maxPoolU8(x, y, shape)");
  const Typed x = typed_arg(info, 0, "x", napi_uint8_array, "Uint8Array");
  const Typed y = typed_arg(info, 1, "y", napi_uint8_array, "Uint8Array");
  dws8::PoolArgs a{pool_arrays(info, x, y), static_cast<const uint8_t*>(x.data), static_cast<uint8_t*>(y.data)};
  if (y.length > 0) kernels().dw_s8->max_pool(a);
  return info.Env().Undefined();
}

// avgPoolU8(x, y, shape, options): uint8 NHWC x with options.scale/zeroPoint, float32 y.
Napi::Value AvgPoolU8(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  require_args(info, 4, "avgPoolU8(x, y, shape, options)");
  const Typed x = typed_arg(info, 0, "x", napi_uint8_array, "Uint8Array");
  const Typed y = typed_arg(info, 1, "y", napi_float32_array, "Float32Array");
  dws8::AvgPoolArgs a{};
  a.shape = pool_arrays(info, x, y);
  const Napi::Object o = object_arg(info, 3, "options");
  if (!present(o, "scale")) throw_type(env, "options.scale is missing (x is uint8 quantized with it)");
  a.scale = scale_value(env, o.Get("scale"), "options.scale");
  a.zero_point = present(o, "zeroPoint") ? int_in(env, o.Get("zeroPoint"), "options.zeroPoint", 0, 255) : 0;
  a.x = static_cast<const uint8_t*>(x.data);
  a.y = static_cast<float*>(y.data);
  if (y.length > 0) kernels().dw_s8->avg_pool(a);
  return env.Undefined();
}

// addU8(a, b, y, options): a and b uint8 (with options.aScale/aZeroPoint,
// bScale/bZeroPoint) or float32, y uint8 (outScale/outZeroPoint) or float32.
Napi::Value AddU8(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  require_args(info, 4, "addU8(a, b, y, options)");
  const Typed ta = float_or_u8(info, 0, "a"), tb = float_or_u8(info, 1, "b"), ty = float_or_u8(info, 2, "y");
  const Napi::Object o = object_arg(info, 3, "options");
  require_count(env, ta.length, ty.length, "a", "y's length");
  require_count(env, tb.length, ty.length, "b", "y's length");
  const bool y_u8 = ty.type == napi_uint8_array;
  // y may be a itself or b itself (in place), never a partial overlap.
  for (const Typed* t : {&ta, &tb})
    if (overlap(ty, *t) && !(t->data == ty.data && t->element_bytes == ty.element_bytes))
      throw_range(env, "y must be a or b itself or share no memory with them");
  dws8::AddArgs a{};
  a.n = ty.length;
  const auto operand = [&](const Typed& t, const char* name, dws8::AddOperand* op) {
    op->data = t.data;
    op->u8 = t.type == napi_uint8_array;
    const std::string scale = std::string(name) + "Scale", zp = std::string(name) + "ZeroPoint";
    if (!op->u8) {
      if (present(o, scale.c_str()) || present(o, zp.c_str()))
        throw_range(env, "options." + scale + " and " + zp + " apply only to a Uint8Array " + name);
      return;
    }
    if (!present(o, scale.c_str())) throw_type(env, "options." + scale + " is missing (a Uint8Array " + name + " needs it)");
    op->scale = scale_value(env, o.Get(scale), "options." + scale);
    op->zero_point = present(o, zp.c_str()) ? int_in(env, o.Get(zp), "options." + zp, 0, 255) : 0;
  };
  operand(ta, "a", &a.a);
  operand(tb, "b", &a.b);
  float out_scale = 1.f;
  out_quant(env, o, y_u8, &out_scale, &a.out_zero_point);
  a.out_inverse = static_cast<float>(1.0 / out_scale);
  if (!std::isfinite(a.out_inverse)) throw_range(env, "1 / options.outScale overflows float32");
  const Activation act = activation(env, o.Get("activation"), "options.activation");
  a.lo = act == Activation::Linear ? -INFINITY : 0.f;
  a.hi = act == Activation::Relu6 ? 6.f : INFINITY;
  a.out_u8 = y_u8;
  a.y = ty.data;
  if (a.n > 0) kernels().dw_s8->add(a);
  return env.Undefined();
}

}  // namespace lite::binding
