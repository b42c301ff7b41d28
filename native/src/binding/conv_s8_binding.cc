// conv2dS8: every argument is checked (args.h, conv_args.h, s8_args.h) and the
// epilogue's per-column constants are laid out here, so the driver
// (conv_s8/conv_s8.h) sees only valid, ready arguments.
#include <cmath>
#include <new>
#include <string>

#include "../conv_s8/conv_s8.h"
#include "args.h"
#include "bindings.h"
#include "conv_args.h"
#include "s8_args.h"

namespace lite::binding {

// conv2dS8(x, packedW, y, shape, options?): NHWC x, float32 (quantized to
// uint8 statically with options.inputScale/inputZeroPoint, else dynamically per
// tensor) or uint8 (already quantized with those), int8 conv with HWIO weights
// packed as a K×N matrix, y float32 or uint8 (requantized with
// options.outScale/outZeroPoint).
Napi::Value Conv2dS8(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  require_args(info, 4, "conv2dS8(x, packedW, y, shape, options?)");
  const bool x_u8 = info[0].IsTypedArray() && info[0].As<Napi::TypedArray>().TypedArrayType() == napi_uint8_array;
  const Typed x = x_u8 ? typed(info[0]) : typed_arg(info, 0, "x", napi_float32_array, "Float32Array or Uint8Array");
  const bool y_u8 = info[2].IsTypedArray() && info[2].As<Napi::TypedArray>().TypedArrayType() == napi_uint8_array;
  const Typed y = y_u8 ? typed(info[2]) : typed_arg(info, 2, "y", napi_float32_array, "Float32Array or Uint8Array");
  ConvS8Args c{};
  c.shape = conv_shape(info, 3, false);
  const ConvShape& s = c.shape;
  const int64_t k = product(env, {s.filter_h, s.filter_w, s.in_c}, "filterH·filterW·inC");
  if (k > s8::kMaxK)
    throw_range(env, "shape: filterH·filterW·inC must be at most " + std::to_string(s8::kMaxK) +
                         " (so int32 sums stay exact), got " + std::to_string(k));
  Typed packed;
  c.w = packed_arg(info, 1, k, s.out_c, &packed, "packedW", "filterH·filterW·inC × outC");
  require_count(env, x.length, input_size(env, s), "x", "batch·inH·inW·inC");
  require_count(env, y.length, output_size(env, s), "y", "batch·outH·outW·outC");
  if (overlap(y, x) || overlap(y, packed)) throw_range(env, "y must not share memory with x or packedW");

  const Napi::Object o = options_arg(info, 4);
  c.dynamic = !present(o, "inputScale");
  if (c.dynamic && present(o, "inputZeroPoint"))
    throw_type(env, "options.inputZeroPoint needs options.inputScale (without both, x is quantized dynamically)");
  if (c.dynamic && (x_u8 || y_u8))
    throw_type(env, std::string("options.inputScale is missing: a Uint8Array ") + (x_u8 ? "x" : "y") +
                        " needs the input's static quantization (options.inputScale, inputZeroPoint)");
  if (!c.dynamic) {
    c.input_scale = scale_value(env, o.Get("inputScale"), "options.inputScale");
    c.zero_point = present(o, "inputZeroPoint") ? int_in(env, o.Get("inputZeroPoint"), "options.inputZeroPoint", 0, 255) : 0;
  }
  if (!y_u8)
    for (const char* key : {"outScale", "outZeroPoint"})
      if (present(o, key)) throw_range(env, std::string("options.") + key + " applies only to a Uint8Array y");
  if (y_u8 && !present(o, "outScale"))
    throw_type(env, "options.outScale is missing (a Uint8Array y is requantized with it)");
  const Activation act = activation(env, o.Get("activation"), "options.activation");
  Columns cols = columns(env, o, s.out_c, c.w.panels * s8::kPanel, "outC");
  s8::GemmArgs folded{};
  folded.output = y_u8 ? s8::Output::Uint8 : s8::Output::Float32;
  // Dynamic: the scale is known only at run time (float32 y only).
  c.row_scale = fold_epilogue(env, o, act, c.dynamic ? 1.f : c.input_scale, s.out_c, "options.inputScale", &cols, &folded);
  c.lo = folded.lo;
  c.hi = folded.hi;
  c.out_zero_point = folded.out_zero_point;
  c.output = folded.output;

  c.x = x_u8 ? nullptr : static_cast<const float*>(x.data);
  c.xq = x_u8 ? static_cast<const uint8_t*>(x.data) : nullptr;
  c.colsum = reinterpret_cast<const int32_t*>(static_cast<const uint8_t*>(packed.data) + c.w.colsum_offset());
  c.panels = static_cast<const uint8_t*>(packed.data) + c.w.data_offset();
  c.col_scale = cols.scale.data();
  c.col_bias = cols.bias.data();
  c.y = y.data;
  bool finite;
  try {
    finite = conv2d_s8_forward(c);
  } catch (const std::bad_alloc&) {
    throw Napi::Error::New(env, "out of memory for the convolution's workspace");
  }
  if (!finite) throw_range(env, "x must be finite (it holds NaN or ±Infinity)");
  return env.Undefined();
}

}  // namespace lite::binding
