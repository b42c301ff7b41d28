// binary/relu/step/sum: arrays and sizes are checked (args.h) before a kernel runs.
#include "args.h"
#include "bindings.h"

namespace lite::binding {

// binary(op, a, b, out): out[i] = a[i] op b[i % b.length]; b.length divides a.length.
Napi::Value Binary(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  require_args(info, 4, "binary(op, a, b, out)");
  if (!info[0].IsString()) throw_type(env, "op must be 'add', 'sub', 'rsub' or 'mul'");
  const std::string name = info[0].As<Napi::String>().Utf8Value();
  BinaryOp op;
  if (name == "add") op = BinaryOp::Add;
  else if (name == "sub") op = BinaryOp::Sub;
  else if (name == "rsub") op = BinaryOp::ReverseSub;
  else if (name == "mul") op = BinaryOp::Mul;
  else throw_range(env, "op must be 'add', 'sub', 'rsub' or 'mul', got '" + name + "'");
  const FloatArray a = float_array(info, 1, "a"), b = float_array(info, 2, "b"), out = float_array(info, 3, "out");
  if (b.length == 0) throw_range(env, "b must not be empty");
  if (a.length > 0 && (b.length > a.length || a.length % b.length != 0))
    throw_range(env, "b has " + std::to_string(b.length) + " elements, which does not divide a's " +
                         std::to_string(a.length) + " (b must be a's shape, a trailing vector or a scalar)");
  require_length(env, out, a.length, "out", "a.length");
  kernels().binary(op, a.data, b.data, a.length, b.length, out.data);
  return env.Undefined();
}

// relu(x, out)
Napi::Value Relu(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  require_args(info, 2, "relu(x, out)");
  const FloatArray x = float_array(info, 0, "x"), out = float_array(info, 1, "out");
  require_length(env, out, x.length, "out", "x.length");
  kernels().relu(x.data, x.length, out.data);
  return env.Undefined();
}

// step(x, out, alpha)
Napi::Value Step(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  require_args(info, 3, "step(x, out, alpha)");
  const FloatArray x = float_array(info, 0, "x"), out = float_array(info, 1, "out");
  require_length(env, out, x.length, "out", "x.length");
  if (!info[2].IsNumber()) throw_type(env, "alpha must be a number");
  kernels().step(x.data, x.length, info[2].As<Napi::Number>().FloatValue(), out.data);
  return env.Undefined();
}

// sum(x, out, rows, cols, axis): x is rows×cols; axis 0 sums the rows (out has cols
// elements), axis 1 sums along each row (out has rows elements).
Napi::Value Sum(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  require_args(info, 5, "sum(x, out, rows, cols, axis)");
  const FloatArray x = float_array(info, 0, "x"), out = float_array(info, 1, "out");
  const int64_t rows = integer(env, info[2], "rows", 0), cols = integer(env, info[3], "cols", 0);
  const int64_t axis = integer(env, info[4], "axis", 0);
  if (axis > 1) throw_range(env, "axis must be 0 (sum the rows) or 1 (sum each row), got " + std::to_string(axis));
  require_length(env, x, product(env, {rows, cols}, "rows·cols"), "x", "rows·cols");
  require_length(env, out, axis == 0 ? cols : rows, "out", axis == 0 ? "cols" : "rows");
  kernels().sum(x.data, rows, cols, axis == 0, out.data);
  return env.Undefined();
}

}  // namespace lite::binding
