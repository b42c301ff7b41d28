// Argument checking shared by the int8 bindings (gemm_s8_binding.cc,
// conv_s8_binding.cc): typed arrays, packed weights checked against their
// header, scales, zero points and the per-column scaleB/bias options.
#pragma once
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "../gemm_s8/gemm_s8.h"
#include "args.h"

namespace lite::binding {

struct Typed {
  void* data;
  int64_t length;
  napi_typedarray_type type;
  size_t element_bytes;
};

inline Typed typed(const Napi::Value& v) {
  Napi::TypedArray t = v.As<Napi::TypedArray>();
  const size_t bytes = t.ElementSize();
  void* data = t.ElementLength() ? static_cast<uint8_t*>(t.ArrayBuffer().Data()) + t.ByteOffset() : nullptr;
  return {data, static_cast<int64_t>(t.ElementLength()), t.TypedArrayType(), bytes};
}

// Argument `index` must be a typed array of `type` (`type_name` in messages).
inline Typed typed_arg(const Napi::CallbackInfo& info, size_t index, const char* name, napi_typedarray_type type,
                       const char* type_name) {
  const Napi::Value v = info[index];
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != type)
    throw_type(info.Env(), std::string(name) + " must be a" + (type_name[0] == 'I' ? "n " : " ") + type_name);
  return typed(v);
}

inline void require_count(const Napi::Env& env, int64_t length, int64_t expected, const char* name, const char* formula) {
  if (length != expected)
    throw_range(env, std::string(name) + " has " + std::to_string(length) + " elements but " + formula + " is " +
                         std::to_string(expected));
}

inline bool overlap(const Typed& x, const Typed& y) {
  if (!x.data || !y.data) return false;
  const auto* a = static_cast<const uint8_t*>(x.data);
  const auto* b = static_cast<const uint8_t*>(y.data);
  return a < b + y.length * y.element_bytes && b < a + x.length * x.element_bytes;
}

inline int64_t k_arg(const Napi::Env& env, const Napi::Value& v) {
  const int64_t k = integer(env, v, "k", 0);
  if (k > s8::kMaxK)
    throw_range(env, "k must be at most " + std::to_string(s8::kMaxK) + " (so int32 sums stay exact), got " +
                         std::to_string(k));
  return k;
}

inline int64_t n_arg(const Napi::Env& env, const Napi::Value& v) {
  const int64_t n = integer(env, v, "n", 0);
  if (n > (int64_t{1} << 31)) throw_range(env, "n must be at most 2^31, got " + std::to_string(n));
  return n;
}

// A scale: a finite number > 0 that stays so as a float32.
inline float scale_value(const Napi::Env& env, const Napi::Value& v, const std::string& name) {
  if (!v.IsNumber()) throw_type(env, name + " must be a number");
  const double d = v.As<Napi::Number>().DoubleValue();
  const float f = static_cast<float>(d);
  if (!(f > 0.f) || !std::isfinite(f))
    throw_range(env, name + " must be a positive finite float32, got " + std::to_string(d));
  return f;
}

inline int32_t int_in(const Napi::Env& env, const Napi::Value& v, const std::string& name, int32_t lo, int32_t hi) {
  if (!v.IsNumber()) throw_type(env, name + " must be a number");
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d) || d != std::trunc(d)) throw_type(env, name + " must be an integer, got " + std::to_string(d));
  if (d < lo || d > hi)
    throw_range(env, name + " must be between " + std::to_string(lo) + " and " + std::to_string(hi) + ", got " +
                         std::to_string(static_cast<int64_t>(d)));
  return static_cast<int32_t>(d);
}

inline bool present(const Napi::Object& o, const char* key) {
  if (!o.Has(key)) return false;
  const Napi::Value v = o.Get(key);
  return !v.IsUndefined() && !v.IsNull();
}

// The packed weights, checked against their header and the given k and n.
// `name` and `dims` (how k×n is called) name them in messages.
inline s8::Layout packed_arg(const Napi::CallbackInfo& info, size_t index, int64_t k, int64_t n, Typed* out,
                             const char* name = "packedB", const char* dims = "k×n") {
  const Napi::Env env = info.Env();
  const std::string who(name);
  *out = typed_arg(info, index, name, napi_uint8_array, "Uint8Array");
  s8::Layout l;
  const char* problem = s8::read_layout(static_cast<const uint8_t*>(out->data), out->length, &l);
  if (*problem) throw_range(env, who + " " + problem);
  if (l.k != k || l.n != n)
    throw_range(env, who + " holds " + std::to_string(l.k) + "×" + std::to_string(l.n) + " weights but " + dims +
                         " is " + std::to_string(k) + "×" + std::to_string(n));
  // 4-byte alignment for the column sums (a packed buffer sliced at an odd offset).
  if (reinterpret_cast<uintptr_t>(out->data) % 4 != 0)
    throw_range(env, who + " must start at a multiple of 4 bytes in its ArrayBuffer");
  return l;
}

// scaleB (a number or one float32 per column) and bias (one per column, or
// none), into arrays of panels·16 (padding 0).
struct Columns {
  std::vector<float> scale, bias;
};

// `n_name` is how n is called in messages.
inline Columns columns(const Napi::Env& env, const Napi::Object& o, int64_t n, int64_t padded, const char* n_name = "n") {
  Columns c{std::vector<float>(padded, 0.f), std::vector<float>(padded, 0.f)};
  if (!present(o, "scaleB")) {
    std::fill(c.scale.begin(), c.scale.begin() + n, 1.f);
  } else if (o.Get("scaleB").IsNumber()) {
    std::fill(c.scale.begin(), c.scale.begin() + n, scale_value(env, o.Get("scaleB"), "options.scaleB"));
  } else {
    const Napi::Value v = o.Get("scaleB");
    if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array)
      throw_type(env, "options.scaleB must be a number or a Float32Array");
    const Typed t = typed(v);
    require_count(env, t.length, n, "options.scaleB", n_name);
    const float* s = static_cast<const float*>(t.data);
    for (int64_t j = 0; j < n; ++j) {
      if (!(s[j] > 0.f) || !std::isfinite(s[j]))
        throw_range(env, "options.scaleB[" + std::to_string(j) + "] must be positive and finite, got " +
                             std::to_string(s[j]));
      c.scale[j] = s[j];
    }
  }
  if (present(o, "bias")) {
    const Napi::Value v = o.Get("bias");
    if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array)
      throw_type(env, "options.bias must be a Float32Array");
    const Typed t = typed(v);
    require_count(env, t.length, n, "options.bias", n_name);
    const float* b = static_cast<const float*>(t.data);
    for (int64_t j = 0; j < n; ++j) {
      if (!std::isfinite(b[j]))
        throw_range(env, "options.bias[" + std::to_string(j) + "] must be finite, got " + std::to_string(b[j]));
      c.bias[j] = b[j];
    }
  }
  return c;
}

// The epilogue's clamps and output conversion for g.output: an activation's
// bounds and, for 8-bit outputs, options.outScale/outZeroPoint folded into the
// columns (y = x·(sA·sB/sOut) + bias/sOut, in output steps, clamped to the
// output's range less its zero point). Returns the row scale the GEMM applies:
// scale_a, or 1 once folded. `a_name` names scale_a in messages.
inline float fold_epilogue(const Napi::Env& env, const Napi::Object& o, Activation act, float scale_a, int64_t n,
                           const char* a_name, Columns* c, s8::GemmArgs* g) {
  g->lo = act == Activation::Linear ? -INFINITY : 0.f;
  g->hi = act == Activation::Relu6 ? 6.f : INFINITY;
  const std::string a(a_name);
  if (g->output == s8::Output::Float32) {
    for (int64_t j = 0; j < n; ++j)
      if (!std::isfinite(scale_a * c->scale[j]))
        throw_range(env, a + "·scaleB[" + std::to_string(j) + "] overflows float32");
    return scale_a;
  }
  if (g->output == s8::Output::Int32) return scale_a;
  const float out_scale = scale_value(env, o.Get("outScale"), "options.outScale");
  const bool u8 = g->output == s8::Output::Uint8;
  const int32_t qmin = u8 ? 0 : -128, qmax = u8 ? 255 : 127;
  g->out_zero_point = present(o, "outZeroPoint") ? int_in(env, o.Get("outZeroPoint"), "options.outZeroPoint", qmin, qmax) : 0;
  for (int64_t j = 0; j < n; ++j) {
    c->scale[j] = static_cast<float>(static_cast<double>(scale_a) * c->scale[j] / out_scale);
    c->bias[j] = static_cast<float>(static_cast<double>(c->bias[j]) / out_scale);
    if (!std::isfinite(c->scale[j]) || !std::isfinite(c->bias[j]))
      throw_range(env, a + "·scaleB[" + std::to_string(j) + "]/outScale or bias[" + std::to_string(j) +
                           "]/outScale overflows float32");
  }
  g->lo = static_cast<float>(qmin - g->out_zero_point);
  g->hi = static_cast<float>(qmax - g->out_zero_point);
  if (act != Activation::Linear) g->lo = std::max(g->lo, 0.f);
  if (act == Activation::Relu6) g->hi = std::min<float>(g->hi, static_cast<float>(std::nearbyint(6.0 / out_scale)));
  return 1.f;
}

inline Napi::Object options_arg(const Napi::CallbackInfo& info, size_t index) {
  if (info.Length() <= index || info[index].IsUndefined()) return Napi::Object::New(info.Env());
  return object_arg(info, index, "options");
}

}  // namespace lite::binding
