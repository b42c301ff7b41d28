// The CUDA addon (lite_native_cuda.node), separate from the CPU addon so the
// CPU build never needs CUDA. Exports cudaAvailable(), deviceName() and the
// kernels gemmS8, spmm, bgemm on plain TypedArrays: each call validates every
// argument (as the CPU bindings do), copies the inputs to the device, runs and
// copies the result back. CUDA errors (no device included) become JS Errors.
#include <napi.h>

#include <exception>
#include <string>
#include <vector>

#include "../bconv/bconv.h"
#include "../binding/args.h"
#include "../binding/s8_args.h"
#include "cuda_kernels.h"

namespace lite::binding {
namespace {

// Runs a kernel call, turning its C++ exceptions into JS Errors.
template <typename F>
void run(const Napi::Env& env, F&& f) {
  try {
    f();
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, e.what());
  }
}

float finite_value(const Napi::Env& env, float f, const std::string& name) {
  if (!std::isfinite(f)) throw_range(env, name + " must be finite, got " + std::to_string(f));
  return f;
}

// One float32 per column: a number for all (when number_ok) or a Float32Array of n.
std::vector<float> per_column(const Napi::Env& env, const Napi::Object& o, const char* key, int64_t n, float fallback,
                              bool number_ok) {
  const std::string name = std::string("options.") + key;
  std::vector<float> out(static_cast<size_t>(n), fallback);
  if (!present(o, key)) return out;
  const Napi::Value v = o.Get(key);
  if (number_ok && v.IsNumber()) {
    std::fill(out.begin(), out.end(), finite_value(env, static_cast<float>(v.As<Napi::Number>().DoubleValue()), name));
    return out;
  }
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array)
    throw_type(env, name + (number_ok ? " must be a number or a Float32Array" : " must be a Float32Array"));
  const Typed t = typed(v);
  require_count(env, t.length, n, name.c_str(), "n");
  const float* f = static_cast<const float*>(t.data);
  for (int64_t j = 0; j < n; ++j) out[j] = finite_value(env, f[j], name + "[" + std::to_string(j) + "]");
  return out;
}

cuda::Act act_option(const Napi::Env& env, const Napi::Object& o) {
  return static_cast<cuda::Act>(activation(env, o.Get("activation"), "options.activation"));
}

// out (argument `index`, m×n): an Int32Array gets the exact sums; a Float32Array
// act(fma(float(acc), options[scale_key][j]·scale_mult, options.bias[j])). The
// vectors hold the scale and bias the kernel reads.
struct IntOut {
  cuda::IntGemmOutput out{};
  std::vector<float> scale, bias;
  bool f32 = false;
};
void int_output(const Napi::CallbackInfo& info, size_t index, int64_t m, int64_t n, IntOut* r) {
  const Napi::Env env = info.Env();
  const Napi::Value v = info[index];
  r->f32 = v.IsTypedArray() && v.As<Napi::TypedArray>().TypedArrayType() == napi_float32_array;
  if (!v.IsTypedArray() || (!r->f32 && v.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array))
    throw_type(env, "out must be an Int32Array or a Float32Array");
  const Typed t = typed(v);
  require_count(env, t.length, product(env, {m, n}, "m·n"), "out", "m·n");
  if (r->f32) r->out.out_f32 = static_cast<float*>(t.data);
  else r->out.out_i32 = static_cast<int32_t*>(t.data);
}
void float_epilogue(const Napi::Env& env, const Napi::Object& o, const char* scale_key, float scale_mult, int64_t n,
                    IntOut* r) {
  if (!r->f32) return;
  r->scale = per_column(env, o, scale_key, n, 1.f, true);
  for (float& s : r->scale) s *= scale_mult;  // float32, as the CPU path
  r->bias = per_column(env, o, "bias", n, 0.f, false);
  r->out.scale = r->scale.data();
  r->out.bias = r->bias.data();
  r->out.act = act_option(env, o);
}

Napi::Value CudaAvailable(const Napi::CallbackInfo& info) {
  std::string reason;
  return Napi::Boolean::New(info.Env(), cuda::available(&reason));
}

// Why cudaAvailable() is false ('' when it is true).
Napi::Value CudaUnavailableReason(const Napi::CallbackInfo& info) {
  std::string reason;
  cuda::available(&reason);
  return Napi::String::New(info.Env(), reason);
}

Napi::Value DeviceName(const Napi::CallbackInfo& info) {
  std::string name;
  run(info.Env(), [&] { name = cuda::device_name(); });
  return Napi::String::New(info.Env(), name);
}

// gemmS8(m, n, k, a: Uint8Array m×k, b: Int8Array k×n, out: Int32Array | Float32Array m×n, options?)
// options: zeroPointA (0..255), scaleA, scaleB (number | Float32Array n), bias (Float32Array n), activation.
Napi::Value GemmS8(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  require_args(info, 6, "gemmS8(m, n, k, a, b, out, options?)");
  const int64_t m = integer(env, info[0], "m", 0);
  const int64_t n = n_arg(env, info[1]);
  const int64_t k = k_arg(env, info[2]);
  const Typed a = typed_arg(info, 3, "a", napi_uint8_array, "Uint8Array");
  const Typed b = typed_arg(info, 4, "b", napi_int8_array, "Int8Array");
  require_count(env, a.length, product(env, {m, k}, "m·k"), "a", "m·k");
  require_count(env, b.length, product(env, {k, n}, "k·n"), "b", "k·n");
  IntOut out;
  int_output(info, 5, m, n, &out);
  const Napi::Object o = options_arg(info, 6);
  cuda::GemmS8Args g{};
  g.m = m, g.n = n, g.k = k;
  g.a = static_cast<const uint8_t*>(a.data);
  g.b = static_cast<const int8_t*>(b.data);
  g.zero_point_a = present(o, "zeroPointA") ? int_in(env, o.Get("zeroPointA"), "options.zeroPointA", 0, 255) : 0;
  const float scale_a = present(o, "scaleA") ? scale_value(env, o.Get("scaleA"), "options.scaleA") : 1.f;
  float_epilogue(env, o, "scaleB", scale_a, n, &out);
  g.out = out.out;
  run(env, [&] { cuda::gemm_s8(g); });
  return env.Undefined();
}

// spmm(m, n, k, x: Float32Array m×k, rowPtr: Int32Array k+1, colIndices: Int32Array nnz,
//      values: Float32Array nnz, y: Float32Array m×n, options?: { bias, activation })
// W (k×n) in CSR over its rows: row p's entries are [rowPtr[p], rowPtr[p+1]).
Napi::Value Spmm(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  require_args(info, 8, "spmm(m, n, k, x, rowPtr, colIndices, values, y, options?)");
  const int64_t m = integer(env, info[0], "m", 0);
  const int64_t n = n_arg(env, info[1]);
  const int64_t k = integer(env, info[2], "k", 0);
  if (k >= (int64_t{1} << 31) - 1) throw_range(env, "k must be below 2^31 − 1, got " + std::to_string(k));
  const Typed x = typed_arg(info, 3, "x", napi_float32_array, "Float32Array");
  const Typed rp = typed_arg(info, 4, "rowPtr", napi_int32_array, "Int32Array");
  const Typed ci = typed_arg(info, 5, "colIndices", napi_int32_array, "Int32Array");
  const Typed vals = typed_arg(info, 6, "values", napi_float32_array, "Float32Array");
  const Typed y = typed_arg(info, 7, "y", napi_float32_array, "Float32Array");
  require_count(env, x.length, product(env, {m, k}, "m·k"), "x", "m·k");
  require_count(env, rp.length, k + 1, "rowPtr", "k + 1");
  require_count(env, y.length, product(env, {m, n}, "m·n"), "y", "m·n");
  const auto* row_ptr = static_cast<const int32_t*>(rp.data);
  const auto* col = static_cast<const int32_t*>(ci.data);
  const int64_t nnz = ci.length;
  if (row_ptr[0] != 0) throw_range(env, "rowPtr[0] must be 0, got " + std::to_string(row_ptr[0]));
  for (int64_t p = 0; p < k; ++p)
    if (row_ptr[p + 1] < row_ptr[p])
      throw_range(env, "rowPtr must be non-decreasing: rowPtr[" + std::to_string(p + 1) + "] = " +
                           std::to_string(row_ptr[p + 1]) + " < rowPtr[" + std::to_string(p) + "] = " +
                           std::to_string(row_ptr[p]));
  if (row_ptr[k] != nnz)
    throw_range(env, "rowPtr[k] is " + std::to_string(row_ptr[k]) + " but colIndices has " + std::to_string(nnz) +
                         " elements");
  require_count(env, vals.length, nnz, "values", "colIndices.length");
  for (int64_t e = 0; e < nnz; ++e)
    if (col[e] < 0 || col[e] >= n)
      throw_range(env, "colIndices[" + std::to_string(e) + "] is " + std::to_string(col[e]) + ", outside 0.." +
                           std::to_string(n - 1));
  const Napi::Object o = options_arg(info, 8);
  cuda::SpmmArgs g{};
  g.m = m, g.n = n, g.k = k, g.nnz = nnz;
  g.x = static_cast<const float*>(x.data);
  g.row_ptr = row_ptr;
  g.col = col;
  g.values = static_cast<const float*>(vals.data);
  std::vector<float> bias;
  if (present(o, "bias")) {
    bias = per_column(env, o, "bias", n, 0.f, false);
    g.bias = bias.data();
  }
  g.act = act_option(env, o);
  g.y = static_cast<float*>(y.data);
  run(env, [&] { cuda::spmm(g); });
  return env.Undefined();
}

// bgemm(m, n, k, a: Uint32Array, b: Uint32Array, out: Int32Array | Float32Array m×n, options?)
// a (m rows) and b (n rows) packed along k as packBits does: 2·ceil(k/64) u32 per row.
// options (Float32Array out): scale (number | Float32Array n), bias (Float32Array n), activation.
Napi::Value Bgemm(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  require_args(info, 6, "bgemm(m, n, k, a, b, out, options?)");
  const int64_t m = integer(env, info[0], "m", 0);
  const int64_t n = n_arg(env, info[1]);
  const int64_t k = integer(env, info[2], "k", 0);
  if (k > bconv::kMaxK) throw_range(env, "k must be at most 2^24, got " + std::to_string(k));
  const Typed a = typed_arg(info, 3, "a", napi_uint32_array, "Uint32Array");
  const Typed b = typed_arg(info, 4, "b", napi_uint32_array, "Uint32Array");
  const int64_t row_u32 = 2 * ((k + 63) / 64);
  require_count(env, a.length, product(env, {m, row_u32}, "m·2·ceil(k/64)"), "a", "m·2·ceil(k/64)");
  require_count(env, b.length, product(env, {n, row_u32}, "n·2·ceil(k/64)"), "b", "n·2·ceil(k/64)");
  IntOut out;
  int_output(info, 5, m, n, &out);
  const Napi::Object o = options_arg(info, 6);
  float_epilogue(env, o, "scale", 1.f, n, &out);
  cuda::BgemmArgs g{};
  g.m = m, g.n = n, g.k = k;
  // Copied to the device byte for byte: any alignment of the u32 views is fine.
  g.a = static_cast<const uint64_t*>(a.data);
  g.b = static_cast<const uint64_t*>(b.data);
  g.out = out.out;
  run(env, [&] { cuda::bgemm(g); });
  return env.Undefined();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  const std::pair<const char*, Napi::Function::Callback> functions[] = {
      {"cudaAvailable", CudaAvailable}, {"cudaUnavailableReason", CudaUnavailableReason},
      {"deviceName", DeviceName},       {"gemmS8", GemmS8},
      {"spmm", Spmm},                   {"bgemm", Bgemm},
  };
  for (const auto& [name, fn] : functions) exports.Set(name, Napi::Function::New(env, fn, name));
  return exports;
}

}  // namespace
}  // namespace lite::binding

static Napi::Object InitCudaAddon(Napi::Env env, Napi::Object exports) { return lite::binding::Init(env, exports); }
NODE_API_MODULE(lite_native_cuda, InitCudaAddon)
