// maxPool/avgPool and their backprops: every argument is checked (args.h)
// before a kernel runs, so kernels never index outside the arrays.
#include "args.h"
#include "bindings.h"

namespace lite::binding {
namespace {

// Every window must hold at least one input element (else a max or mean is
// undefined): padding below the filter size, the last window starting inside.
void check_windows(const Napi::Env& env, int64_t in, int64_t out, int64_t stride, int64_t pad, int64_t filter,
                   const char* axis) {
  const std::string a(axis);
  const std::string pad_name = a == "H" ? "shape.padTop" : "shape.padLeft";
  if (pad >= filter)
    throw_range(env, pad_name + " (" + std::to_string(pad) + ") must be less than shape.filter" + a + " (" +
                         std::to_string(filter) + ")");
  if (product(env, {out - 1, stride}, "(out − 1)·stride") - pad >= in)
    throw_range(env, "shape.out" + a + " (" + std::to_string(out) + ") is too large: with stride " +
                         std::to_string(stride) + " its last window starts past the input (in" + a + " " +
                         std::to_string(in) + ")");
}

PoolShape pool_shape(const Napi::CallbackInfo& info, size_t index) {
  const Napi::Env env = info.Env();
  const Napi::Object o = object_arg(info, index, "shape");
  PoolShape s{};
  s.batch = field(env, o, "shape", "batch", 1);
  s.in_h = field(env, o, "shape", "inH", 1);
  s.in_w = field(env, o, "shape", "inW", 1);
  s.channels = field(env, o, "shape", "channels", 1);
  s.out_h = field(env, o, "shape", "outH", 1);
  s.out_w = field(env, o, "shape", "outW", 1);
  s.filter_h = field(env, o, "shape", "filterH", 1);
  s.filter_w = field(env, o, "shape", "filterW", 1);
  s.stride_h = field(env, o, "shape", "strideH", 1);
  s.stride_w = field(env, o, "shape", "strideW", 1);
  s.pad_top = field(env, o, "shape", "padTop", 0);
  s.pad_left = field(env, o, "shape", "padLeft", 0);
  check_windows(env, s.in_h, s.out_h, s.stride_h, s.pad_top, s.filter_h, "H");
  check_windows(env, s.in_w, s.out_w, s.stride_w, s.pad_left, s.filter_w, "W");
  return s;
}

void require_input(const Napi::Env& env, const FloatArray& a, const PoolShape& s, const char* name) {
  require_length(env, a, product(env, {s.batch, s.in_h, s.in_w, s.channels}, "batch·inH·inW·channels"), name,
                 "batch·inH·inW·channels");
}
void require_output(const Napi::Env& env, const FloatArray& a, const PoolShape& s, const char* name) {
  require_length(env, a, product(env, {s.batch, s.out_h, s.out_w, s.channels}, "batch·outH·outW·channels"), name,
                 "batch·outH·outW·channels");
}

// (x, y, shape)
Napi::Value forward(const Napi::CallbackInfo& info, bool max) {
  const Napi::Env env = info.Env();
  require_args(info, 3, max ? "maxPool(x, y, shape)" : "avgPool(x, y, shape)");
  const FloatArray x = float_array(info, 0, "x"), y = float_array(info, 1, "y");
  const PoolShape s = pool_shape(info, 2);
  require_input(env, x, s, "x");
  require_output(env, y, s, "y");
  (max ? kernels().max_pool : kernels().avg_pool)(s, x.data, y.data);
  return env.Undefined();
}

}  // namespace

Napi::Value MaxPool(const Napi::CallbackInfo& info) { return forward(info, true); }
Napi::Value AvgPool(const Napi::CallbackInfo& info) { return forward(info, false); }

// (dy, x, dx, shape)
Napi::Value MaxPoolBackprop(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  require_args(info, 4, "maxPoolBackprop(dy, x, dx, shape)");
  const FloatArray dy = float_array(info, 0, "dy"), x = float_array(info, 1, "x"), dx = float_array(info, 2, "dx");
  const PoolShape s = pool_shape(info, 3);
  require_output(env, dy, s, "dy");
  require_input(env, x, s, "x");
  require_input(env, dx, s, "dx");
  kernels().max_pool_backprop(s, dy.data, x.data, dx.data);
  return env.Undefined();
}

// (dy, dx, shape)
Napi::Value AvgPoolBackprop(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  require_args(info, 3, "avgPoolBackprop(dy, dx, shape)");
  const FloatArray dy = float_array(info, 0, "dy"), dx = float_array(info, 1, "dx");
  const PoolShape s = pool_shape(info, 2);
  require_output(env, dy, s, "dy");
  require_input(env, dx, s, "dx");
  kernels().avg_pool_backprop(s, dy.data, dx.data);
  return env.Undefined();
}

}  // namespace lite::binding
