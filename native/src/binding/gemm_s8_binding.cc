// packS8 / packS4 / gemmS8 / matmulDynamic / int8Kernel: every argument is
// checked (args.h) and the epilogue's per-column constants are folded here, so
// the kernels see only valid, ready arguments (gemm_s8/gemm_s8.h).
#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "../gemm_s8/gemm_s8.h"
#include "args.h"
#include "bindings.h"
#include "s8_args.h"

namespace lite::binding {
namespace {

Napi::Value Pack(const Napi::CallbackInfo& info, int bits) {
  const Napi::Env env = info.Env();
  require_args(info, 3, bits == 8 ? "packS8(k, n, b)" : "packS4(k, n, b)");
  const int64_t k = k_arg(env, info[0]), n = n_arg(env, info[1]);
  const int64_t count = product(env, {k, n}, "k·n");
  const Typed b = bits == 8 ? typed_arg(info, 2, "b", napi_int8_array, "Int8Array")
                            : typed_arg(info, 2, "b", napi_uint8_array, "Uint8Array");
  if (bits == 8)
    require_count(env, b.length, count, "b", "k·n");
  else
    require_count(env, b.length, (count + 1) / 2, "b", "ceil(k·n / 2)");
  const s8::Layout l = s8::layout_for(bits, k, n);
  product(env, {l.panels, l.panel_bytes}, "the packed weights");
  Napi::Uint8Array out = Napi::Uint8Array::New(env, static_cast<size_t>(l.total_bytes()));
  if (bits == 8)
    s8::pack_s8(l, static_cast<const int8_t*>(b.data), out.Data());
  else
    s8::pack_s4(l, static_cast<const uint8_t*>(b.data), out.Data());
  return out;
}

}  // namespace

// packS8(k, n, b): b is k×n int8, row-major → packed weights (a Uint8Array).
Napi::Value PackS8(const Napi::CallbackInfo& info) { return Pack(info, 8); }

// packS4(k, n, b): b holds k×n int4 codes, two per byte (low nibble first).
Napi::Value PackS4(const Napi::CallbackInfo& info) { return Pack(info, 4); }

// gemmS8(m, n, k, a, packedB, out, options?): the output type is out's type.
Napi::Value GemmS8(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  require_args(info, 6, "gemmS8(m, n, k, a, packedB, out, options?)");
  s8::GemmArgs g{};
  g.m = integer(env, info[0], "m", 0);
  g.n = n_arg(env, info[1]);
  g.k = k_arg(env, info[2]);
  const Typed a = typed_arg(info, 3, "a", napi_uint8_array, "Uint8Array");
  Typed packed;
  g.b = packed_arg(info, 4, g.k, g.n, &packed);
  const Napi::Value out_value = info[5];
  const napi_typedarray_type out_type =
      out_value.IsTypedArray() ? out_value.As<Napi::TypedArray>().TypedArrayType() : napi_float64_array;
  switch (out_type) {
    case napi_int32_array: g.output = s8::Output::Int32; break;
    case napi_float32_array: g.output = s8::Output::Float32; break;
    case napi_uint8_array: g.output = s8::Output::Uint8; break;
    case napi_int8_array: g.output = s8::Output::Int8; break;
    default: throw_type(env, "out must be an Int32Array, Float32Array, Uint8Array or Int8Array");
  }
  const Typed out = typed(out_value);
  const Napi::Object o = options_arg(info, 6);
  require_count(env, a.length, product(env, {g.m, g.k}, "m·k"), "a", "m·k");
  require_count(env, out.length, product(env, {g.m, g.n}, "m·n"), "out", "m·n");
  if (overlap(out, a) || overlap(out, packed)) throw_range(env, "out must not share memory with a or packedB");

  const int32_t zp = present(o, "zeroPointA") ? int_in(env, o.Get("zeroPointA"), "options.zeroPointA", 0, 255) : 0;
  const bool bytes_out = g.output == s8::Output::Uint8 || g.output == s8::Output::Int8;
  if (g.output == s8::Output::Int32) {
    for (const char* key : {"scaleA", "scaleB", "bias", "activation", "outScale", "outZeroPoint"})
      if (present(o, key))
        throw_range(env, std::string("options.") + key +
                             " does not apply to an Int32Array out (it receives the exact sums); use a Float32Array, "
                             "Uint8Array or Int8Array out");
  } else if (!bytes_out) {
    for (const char* key : {"outScale", "outZeroPoint"})
      if (present(o, key))
        throw_range(env, std::string("options.") + key + " applies only to a Uint8Array or Int8Array out");
  } else if (!present(o, "outScale")) {
    throw_type(env, "options.outScale is missing (a Uint8Array or Int8Array out is requantized with it)");
  }
  const float scale_a = present(o, "scaleA") ? scale_value(env, o.Get("scaleA"), "options.scaleA") : 1.f;
  const Activation act = activation(env, o.Get("activation"), "options.activation");
  Columns c = columns(env, o, g.n, g.b.panels * s8::kPanel);
  float row_scale = fold_epilogue(env, o, act, scale_a, g.n, "options.scaleA", &c, &g);
  g.a = static_cast<const uint8_t*>(a.data);
  g.lda = g.k;
  g.colsum = reinterpret_cast<const int32_t*>(static_cast<const uint8_t*>(packed.data) + g.b.colsum_offset());
  g.panels = static_cast<const uint8_t*>(packed.data) + g.b.data_offset();
  g.a_zero_point = &zp;
  g.row_scale = &row_scale;
  g.per_row = false;
  g.col_scale = c.scale.data();
  g.col_bias = c.bias.data();
  g.out = out.data;
  kernels().gemm_s8(g);
  return env.Undefined();
}

// matmulDynamic(m, n, k, a, packedB, out, options?): float32 a quantized to
// uint8 (per row unless options.perRow is false), int8 GEMM, float32 out.
Napi::Value MatmulDynamic(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  require_args(info, 6, "matmulDynamic(m, n, k, a, packedB, out, options?)");
  s8::GemmArgs g{};
  g.m = integer(env, info[0], "m", 0);
  g.n = n_arg(env, info[1]);
  g.k = k_arg(env, info[2]);
  const Typed a = typed_arg(info, 3, "a", napi_float32_array, "Float32Array");
  Typed packed;
  g.b = packed_arg(info, 4, g.k, g.n, &packed);
  const Typed out = typed_arg(info, 5, "out", napi_float32_array, "Float32Array");
  const Napi::Object o = options_arg(info, 6);
  require_count(env, a.length, product(env, {g.m, g.k}, "m·k"), "a", "m·k");
  require_count(env, out.length, product(env, {g.m, g.n}, "m·n"), "out", "m·n");
  if (overlap(out, packed)) throw_range(env, "out must not share memory with packedB");
  bool per_row = true;
  if (present(o, "perRow")) {
    if (!o.Get("perRow").IsBoolean()) throw_type(env, "options.perRow must be a boolean");
    per_row = o.Get("perRow").As<Napi::Boolean>().Value();
  }
  const Activation act = activation(env, o.Get("activation"), "options.activation");
  Columns c = columns(env, o, g.n, g.b.panels * s8::kPanel);

  // Every byte of q is written by the quantizer: no need to zero it first.
  std::unique_ptr<uint8_t[]> q(new uint8_t[static_cast<size_t>(std::max<int64_t>(g.m * g.k, 1))]);
  const int64_t rows = per_row ? g.m : 1;
  std::vector<float> scale(std::max<int64_t>(rows, 1));
  std::vector<int32_t> zp(std::max<int64_t>(rows, 1));
  s8::QuantizeArgs qa{g.m, g.k, static_cast<const float*>(a.data), per_row, q.get(), scale.data(), zp.data()};
  if (!per_row || g.m > 0) {
    if (!kernels().quantize_u8(qa)) throw_range(env, "a must be finite (it holds NaN or ±Infinity)");
  }
  g.a = q.get();
  g.lda = g.k;
  g.colsum = reinterpret_cast<const int32_t*>(static_cast<const uint8_t*>(packed.data) + g.b.colsum_offset());
  g.panels = static_cast<const uint8_t*>(packed.data) + g.b.data_offset();
  g.a_zero_point = zp.data();
  g.row_scale = scale.data();
  g.per_row = per_row;
  g.col_scale = c.scale.data();
  g.col_bias = c.bias.data();
  g.lo = act == Activation::Linear ? -INFINITY : 0.f;
  g.hi = act == Activation::Relu6 ? 6.f : INFINITY;
  g.output = s8::Output::Float32;
  g.out = out.data;
  kernels().gemm_s8(g);
  return env.Undefined();
}

// int8Kernel(): which int8 kernel the chosen path runs.
Napi::Value Int8Kernel(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), s8::kernel_name()); }

}  // namespace lite::binding
