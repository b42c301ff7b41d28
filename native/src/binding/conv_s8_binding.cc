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

// conv2dS8(x, packedW, y, shape, options?): float32 NHWC x quantized to uint8
// (statically with options.inputScale/inputZeroPoint, else dynamically per
// tensor), int8 conv with HWIO weights packed as a K×N matrix, float32 y.
Napi::Value Conv2dS8(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  require_args(info, 4, "conv2dS8(x, packedW, y, shape, options?)");
  const Typed x = typed_arg(info, 0, "x", napi_float32_array, "Float32Array");
  const Typed y = typed_arg(info, 2, "y", napi_float32_array, "Float32Array");
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
  if (!c.dynamic) {
    c.input_scale = scale_value(env, o.Get("inputScale"), "options.inputScale");
    c.zero_point = present(o, "inputZeroPoint") ? int_in(env, o.Get("inputZeroPoint"), "options.inputZeroPoint", 0, 255) : 0;
  }
  c.act = activation(env, o.Get("activation"), "options.activation");
  Columns cols = columns(env, o, s.out_c, c.w.panels * s8::kPanel, "outC");
  if (!c.dynamic)
    for (int64_t j = 0; j < s.out_c; ++j)
      if (!std::isfinite(c.input_scale * cols.scale[j]))
        throw_range(env, "options.inputScale·scaleB[" + std::to_string(j) + "] overflows float32");

  c.x = static_cast<const float*>(x.data);
  c.colsum = reinterpret_cast<const int32_t*>(static_cast<const uint8_t*>(packed.data) + c.w.colsum_offset());
  c.panels = static_cast<const uint8_t*>(packed.data) + c.w.data_offset();
  c.col_scale = cols.scale.data();
  c.col_bias = cols.bias.data();
  c.y = static_cast<float*>(y.data);
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
