// Argument checking for the binding layer: every kernel argument is validated
// here, and anything wrong becomes a TypeError or RangeError naming the argument.
#pragma once
#include <napi.h>

#include <cmath>
#include <cstdint>
#include <string>

#include "../kernels.h"

namespace lite::binding {

struct FloatArray {
  float* data;
  int64_t length;
};

// The largest dimension or element count accepted (keeps all index math in int64).
constexpr int64_t kMaxElements = int64_t{1} << 40;

[[noreturn]] inline void throw_type(const Napi::Env& env, const std::string& message) {
  throw Napi::TypeError::New(env, message);
}
[[noreturn]] inline void throw_range(const Napi::Env& env, const std::string& message) {
  throw Napi::RangeError::New(env, message);
}

// Argument `index` (called `name` in messages) must be a Float32Array.
inline FloatArray float_array(const Napi::CallbackInfo& info, size_t index, const char* name) {
  const Napi::Value v = info[index];
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array)
    throw_type(info.Env(), std::string(name) + " must be a Float32Array");
  Napi::Float32Array array = v.As<Napi::Float32Array>();
  return {array.ElementLength() ? array.Data() : nullptr, static_cast<int64_t>(array.ElementLength())};
}

// Like float_array, but null or undefined gives {nullptr, 0}.
inline FloatArray optional_float_array(const Napi::CallbackInfo& info, size_t index, const char* name) {
  if (info[index].IsNull() || info[index].IsUndefined()) return {nullptr, 0};
  return float_array(info, index, name);
}

inline void require_length(const Napi::Env& env, const FloatArray& a, int64_t expected, const char* name,
                           const char* formula) {
  if (a.length != expected)
    throw_range(env, std::string(name) + " has " + std::to_string(a.length) + " elements but " + formula +
                         " is " + std::to_string(expected));
}

// An integer in [min, kMaxElements], from a plain number.
inline int64_t integer(const Napi::Env& env, const Napi::Value& v, const std::string& name, int64_t min) {
  if (!v.IsNumber()) throw_type(env, name + " must be a number");
  const double d = v.As<Napi::Number>().DoubleValue();
  // Finite first: casting NaN or ±Infinity to an integer is undefined behaviour.
  if (!std::isfinite(d) || d != std::trunc(d))
    throw_type(env, name + " must be an integer, got " + std::to_string(d));
  if (d < static_cast<double>(min) || d > static_cast<double>(kMaxElements))
    throw_range(env, name + " must be between " + std::to_string(min) + " and " + std::to_string(kMaxElements) +
                         ", got " + std::to_string(static_cast<int64_t>(d)));
  return static_cast<int64_t>(d);
}

inline Napi::Object object_arg(const Napi::CallbackInfo& info, size_t index, const char* name) {
  if (!info[index].IsObject() || info[index].IsArray() || info[index].IsTypedArray())
    throw_type(info.Env(), std::string(name) + " must be an object");
  return info[index].As<Napi::Object>();
}

// Field `key` of a shape object.
inline int64_t field(const Napi::Env& env, const Napi::Object& o, const char* object_name, const char* key,
                     int64_t min) {
  if (!o.Has(key)) throw_type(env, std::string(object_name) + "." + key + " is missing");
  return integer(env, o.Get(key), std::string(object_name) + "." + key, min);
}

inline bool optional_bool(const Napi::Env& env, const Napi::Object& o, const char* object_name, const char* key) {
  if (!o.Has(key)) return false;
  const Napi::Value v = o.Get(key);
  if (v.IsUndefined()) return false;
  if (!v.IsBoolean()) throw_type(env, std::string(object_name) + "." + key + " must be a boolean");
  return v.As<Napi::Boolean>().Value();
}

// Product of sizes, refusing anything past kMaxElements (no silent overflow).
inline int64_t product(const Napi::Env& env, std::initializer_list<int64_t> sizes, const char* what) {
  int64_t p = 1;
  for (int64_t s : sizes) {
    if (s != 0 && p > kMaxElements / s) throw_range(env, std::string(what) + " is too large");
    p *= s;
  }
  return p;
}

// 'linear' | 'relu' | 'relu6' (undefined means linear).
inline Activation activation(const Napi::Env& env, const Napi::Value& v, const char* name) {
  if (v.IsUndefined() || v.IsNull()) return Activation::Linear;
  if (!v.IsString()) throw_type(env, std::string(name) + " must be 'linear', 'relu' or 'relu6'");
  const std::string s = v.As<Napi::String>().Utf8Value();
  if (s == "linear") return Activation::Linear;
  if (s == "relu") return Activation::Relu;
  if (s == "relu6") return Activation::Relu6;
  throw_range(env, std::string(name) + " must be 'linear', 'relu' or 'relu6', got '" + s + "'");
}

inline void require_args(const Napi::CallbackInfo& info, size_t count, const char* signature) {
  if (info.Length() < count)
    throw_type(info.Env(), std::string("expected ") + std::to_string(count) + " arguments: " + signature);
}

}  // namespace lite::binding
