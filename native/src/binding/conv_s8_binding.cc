// conv2dS8: every argument is checked (args.h, conv_args.h, s8_args.h) and the
// epilogue's per-column constants are laid out here, so the driver
// (conv_s8/conv_s8.h) sees only valid, ready arguments.
#include <cmath>
#include <new>
#include <string>

#include "../conv_s8/conv_s8.h"
#include "../conv_s8/lanes.h"
#include "args.h"
#include "bindings.h"
#include "conv_args.h"
#include "s8_args.h"

namespace lite::binding {
namespace {

// options.pool {filterH, filterW, strideH, strideW}: a max pool over the conv's
// output, its windows inside it (none: 1×1, stride 1).
PoolWindow pool_window(const Napi::Env& env, const Napi::Object& o, const ConvShape& s) {
  PoolWindow p;
  if (!present(o, "pool")) return p;
  if (!o.Get("pool").IsObject()) throw_type(env, "options.pool must be an object {filterH, filterW, strideH, strideW}");
  const Napi::Object pool = o.Get("pool").As<Napi::Object>();
  p.h = field(env, pool, "options.pool", "filterH", 1);
  p.w = field(env, pool, "options.pool", "filterW", 1);
  p.stride_h = field(env, pool, "options.pool", "strideH", 1);
  p.stride_w = field(env, pool, "options.pool", "strideW", 1);
  if (p.h > s.out_h || p.w > s.out_w)
    throw_range(env, "options.pool's window (" + std::to_string(p.h) + "×" + std::to_string(p.w) +
                         ") must fit the conv's output (" + std::to_string(s.out_h) + "×" + std::to_string(s.out_w) + ")");
  return p;
}

}  // namespace

// conv2dS8(x, packedW, y, shape, options?): NHWC x, float32 (quantized to
// uint8 statically with options.inputScale/inputZeroPoint, else dynamically per
// tensor) or uint8 (already quantized with those), int8 conv with HWIO weights
// packed as a K×N matrix, y float32 or uint8 (requantized with
// options.outScale/outZeroPoint), max pooled by options.pool when given.
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
  if (overlap(y, x) || overlap(y, packed)) throw_range(env, "y must not share memory with x or packedW");

  const Napi::Object o = options_arg(info, 4);
  c.pool = pool_window(env, o, s);
  if (c.pool.none()) {
    require_count(env, y.length, output_size(env, s), "y", "batch·outH·outW·outC");
  } else {
    const int64_t h = c.pool.out(s.out_h, c.pool.h, c.pool.stride_h), w = c.pool.out(s.out_w, c.pool.w, c.pool.stride_w);
    require_count(env, y.length, product(env, {s.batch, h, w, s.out_c}, "batch·pooledH·pooledW·outC"), "y",
                  "batch·pooledH·pooledW·outC (pooledH = (outH − pool.filterH) / pool.strideH + 1, rounded down)");
  }
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

// conv2dS8Direct(shape, options?): whether conv2dS8 runs this shape on the direct
// pixel-lane kernel (conv_s8/lanes.h) when its weights are int8, its input is
// statically quantized and y is a Uint8Array (options.pool as conv2dS8's) — the runtime asks it to know
// whether such a layer beats the fp32 kernel.
Napi::Value Conv2dS8Direct(const Napi::CallbackInfo& info) {
  require_args(info, 1, "conv2dS8Direct(shape, options?)");
  lanes::Plan plan;
  const ConvShape s = conv_shape(info, 0, false);
  return Napi::Boolean::New(info.Env(), lanes::runs(s, pool_window(info.Env(), options_arg(info, 1), s), &plan));
}

}  // namespace lite::binding
