#include "args.h"
#include "bindings.h"

namespace lite::binding {

// gemm(m, n, k, a, b, c, options?) with options {transA, transB, accumulate, bias, activation}.
Napi::Value Gemm(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  require_args(info, 6, "gemm(m, n, k, a, b, c, options?)");
  GemmArgs g{};
  g.m = integer(env, info[0], "m", 0);
  g.n = integer(env, info[1], "n", 0);
  g.k = integer(env, info[2], "k", 0);
  const FloatArray a = float_array(info, 3, "a"), b = float_array(info, 4, "b"), c = float_array(info, 5, "c");
  FloatArray bias{nullptr, 0};
  if (info.Length() > 6 && !info[6].IsUndefined()) {
    const Napi::Object o = object_arg(info, 6, "options");
    g.trans_a = optional_bool(env, o, "options", "transA");
    g.trans_b = optional_bool(env, o, "options", "transB");
    g.accumulate = optional_bool(env, o, "options", "accumulate");
    const Napi::Value bias_value = o.Get("bias");
    if (!bias_value.IsUndefined() && !bias_value.IsNull()) {
      if (!bias_value.IsTypedArray() || bias_value.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array)
        throw_type(env, "options.bias must be a Float32Array");
      Napi::Float32Array arr = bias_value.As<Napi::Float32Array>();
      bias = {arr.ElementLength() ? arr.Data() : nullptr, static_cast<int64_t>(arr.ElementLength())};
      require_length(env, bias, g.n, "options.bias", "n");
    }
    g.act = activation(env, o.Get("activation"), "options.activation");
    if (g.accumulate && (bias.data != nullptr || g.act != Activation::Linear))
      throw_range(env, "options.accumulate cannot be combined with a bias or an activation");
  }
  require_length(env, a, product(env, {g.m, g.k}, "m·k"), "a", "m·k");
  require_length(env, b, product(env, {g.k, g.n}, "k·n"), "b", "k·n");
  require_length(env, c, product(env, {g.m, g.n}, "m·n"), "c", "m·n");
  g.a = a.data;
  g.b = b.data;
  g.c = c.data;
  g.bias = bias.data;
  kernels().gemm_f32(g);
  return env.Undefined();
}

}  // namespace lite::binding
