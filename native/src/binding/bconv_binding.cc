// packBits / bconv2d / bgemm / tgemm: binary and ternary kernels (bconv/bconv.h).
// Every argument is checked here; the output transform is chosen by out's type.
#include <cmath>
#include <string>
#include <vector>

#include "../bconv/bconv.h"
#include "args.h"
#include "bindings.h"
#include "conv_args.h"
#include "s8_args.h"

namespace lite::binding {
namespace {

using bconv::Mode;
using bconv::Output;

// u32 per row of `channels` packed bits in 64-bit words.
int64_t row_u32(int64_t channels) { return 2 * ((channels + 63) / 64); }

// A packed-bits argument: a Uint32Array of rows × row_u32(channels), 8-byte
// aligned (the kernels read 64-bit words), bits past the channels all 0.
const uint64_t* bits_arg(const Napi::CallbackInfo& info, size_t index, const std::string& name, int64_t rows,
                         int64_t channels, const char* formula, Typed* keep, const Napi::Value* value = nullptr) {
  const Napi::Env env = info.Env();
  const Napi::Value v = value ? *value : info[index];
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_uint32_array)
    throw_type(env, name + " must be a Uint32Array of packed bits (packBits)");
  *keep = typed(v);
  const int64_t words = row_u32(channels) / 2;
  require_count(env, keep->length, product(env, {rows, words, 2}, formula), name.c_str(), formula);
  if (reinterpret_cast<uintptr_t>(keep->data) % 8 != 0)
    throw_range(env, name + " must start at a multiple of 8 bytes in its ArrayBuffer (it is read as 64-bit words)");
  const auto* w = static_cast<const uint64_t*>(keep->data);
  if (channels % 64 != 0) {
    const uint64_t past = ~uint64_t{0} << (channels % 64);
    for (int64_t r = 0; r < rows; ++r)
      if (w[r * words + words - 1] & past)
        throw_range(env, name + " row " + std::to_string(r) + " has bits set past its " + std::to_string(channels) +
                             " channels (they must be 0, as packBits writes them)");
  }
  return w;
}

float finite_float(const Napi::Env& env, float f, const std::string& name) {
  if (!std::isfinite(f)) throw_range(env, name + " must be a finite float32, got " + std::to_string(f));
  return f;
}

// One float32 per channel (a number for all of them), default `fallback`.
std::vector<float> per_channel(const Napi::Env& env, const Napi::Object& o, const char* key, int64_t n, float fallback,
                               bool number_ok) {
  const std::string name = std::string("options.") + key;
  std::vector<float> out(n, fallback);
  if (!present(o, key)) return out;
  const Napi::Value v = o.Get(key);
  if (number_ok && v.IsNumber()) {
    const float f = finite_float(env, static_cast<float>(v.As<Napi::Number>().DoubleValue()), name);
    std::fill(out.begin(), out.end(), f);
    return out;
  }
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array)
    throw_type(env, name + (number_ok ? " must be a number or a Float32Array" : " must be a Float32Array"));
  const Typed t = typed(v);
  require_count(env, t.length, n, name.c_str(), "the output channel count");
  const float* f = static_cast<const float*>(t.data);
  for (int64_t j = 0; j < n; ++j) out[j] = finite_float(env, f[j], name + "[" + std::to_string(j) + "]");
  return out;
}

// The output transform: out's type, and the options that go with it. The
// vectors outlive the kernel call (they are the Args' pointers).
struct Epilogue {
  std::vector<float> scale, bias;
  std::vector<int32_t> threshold;
  std::vector<uint8_t> flip;
};

void output_options(const Napi::CallbackInfo& info, size_t out_index, size_t options_index, int64_t rows, int64_t n,
                    const char* rows_name, bconv::Args* g, Epilogue* e, Typed* out) {
  const Napi::Env env = info.Env();
  const Napi::Value v = info[out_index];
  const napi_typedarray_type type = v.IsTypedArray() ? v.As<Napi::TypedArray>().TypedArrayType() : napi_float64_array;
  switch (type) {
    case napi_int32_array: g->output = Output::Int32; break;
    case napi_float32_array: g->output = Output::Float32; break;
    case napi_int8_array: g->output = Output::Int8; break;
    case napi_uint32_array: g->output = Output::Bits; break;
    default: throw_type(env, "out must be an Int32Array, Float32Array, Int8Array or Uint32Array (packed bits)");
  }
  *out = typed(v);
  const std::string rows_formula(rows_name);
  if (g->output == Output::Bits)
    require_count(env, out->length, product(env, {rows, row_u32(n)}, "out"), "out",
                  (rows_formula + "·2·ceil(outC/64)").c_str());
  else
    require_count(env, out->length, product(env, {rows, n}, "out"), "out", (rows_formula + "·outC").c_str());
  const Napi::Object o = options_arg(info, options_index);
  auto refuse = [&](std::initializer_list<const char*> keys, const char* why) {
    for (const char* key : keys)
      if (present(o, key)) throw_range(env, std::string("options.") + key + " " + why);
  };
  g->out = out->data;
  if (g->output == Output::Int32) {
    refuse({"scale", "bias", "activation", "thresholds", "flip"}, "does not apply to an Int32Array out (it receives the exact sums)");
    return;
  }
  if (g->output == Output::Bits) {
    refuse({"scale", "bias", "activation"}, "does not apply to a Uint32Array out (packed bits: use options.thresholds)");
    if (!present(o, "thresholds"))
      throw_type(env, "options.thresholds is missing (a Uint32Array out holds bit = acc < thresholds[c], or > where flip[c])");
    const Napi::Value t = o.Get("thresholds");
    if (!t.IsTypedArray() || t.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array)
      throw_type(env, "options.thresholds must be an Int32Array");
    const Typed tt = typed(t);
    require_count(env, tt.length, n, "options.thresholds", "the output channel count");
    e->threshold.assign(static_cast<const int32_t*>(tt.data), static_cast<const int32_t*>(tt.data) + n);
    e->flip.assign(n, 0);
    if (present(o, "flip")) {
      const Napi::Value f = o.Get("flip");
      if (!f.IsTypedArray() || f.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array)
        throw_type(env, "options.flip must be a Uint8Array");
      const Typed ft = typed(f);
      require_count(env, ft.length, n, "options.flip", "the output channel count");
      const auto* fp = static_cast<const uint8_t*>(ft.data);
      for (int64_t j = 0; j < n; ++j) e->flip[j] = fp[j] != 0;
    }
    g->threshold = e->threshold.data();
    g->flip = e->flip.data();
    return;
  }
  refuse({"thresholds", "flip"}, "applies only to a Uint32Array out (packed bits)");
  e->scale = per_channel(env, o, "scale", n, 1.f, true);
  e->bias = per_channel(env, o, "bias", n, 0.f, false);
  const Activation act = activation(env, o.Get("activation"), "options.activation");
  g->lo = act == Activation::Linear ? -INFINITY : 0.f;
  g->hi = act == Activation::Relu6 ? 6.f : INFINITY;
  if (g->output == Output::Int8) {
    g->lo = std::max(g->lo, -128.f);
    g->hi = std::min(g->hi, 127.f);
  }
  g->scale = e->scale.data();
  g->bias = e->bias.data();
}

void require_k(const Napi::Env& env, int64_t k, const char* formula) {
  if (k > bconv::kMaxK)
    throw_range(env, std::string(formula) + " must be at most 2^24 (so every sum is exact in float32), got " +
                         std::to_string(k));
}

void require_apart(const Napi::Env& env, const Typed& out, std::initializer_list<const Typed*> inputs) {
  for (const Typed* in : inputs)
    if (in->data && overlap(out, *in)) throw_range(env, "out must not share memory with an input");
}

void run(const bconv::Args& g) {
  kernels().binary_kernels->conv(g);
}

}  // namespace

// packBits(x, rows, channels, out, options?): x (Float32Array or Int8Array,
// rows × channels) → out (Uint32Array) packed bits; options.wordBits 64
// (default: rows of 2·ceil(channels/64) u32, the kernels' layout) or 32 (rows
// of ceil(channels/32) u32, LCE's); options.plane 'sign' (x < 0, default) or
// 'nonzero' (x ≠ 0).
Napi::Value PackBits(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  require_args(info, 4, "packBits(x, rows, channels, out, options?)");
  const Napi::Value xv = info[0];
  const napi_typedarray_type xt = xv.IsTypedArray() ? xv.As<Napi::TypedArray>().TypedArrayType() : napi_float64_array;
  if (xt != napi_float32_array && xt != napi_int8_array) throw_type(env, "x must be a Float32Array or an Int8Array");
  const Typed x = typed(xv);
  const int64_t rows = integer(env, info[1], "rows", 0);
  const int64_t channels = integer(env, info[2], "channels", 1);
  const Typed out = typed_arg(info, 3, "out", napi_uint32_array, "Uint32Array");
  const Napi::Object o = options_arg(info, 4);
  int64_t word_bits = 64;
  if (present(o, "wordBits")) {
    word_bits = integer(env, o.Get("wordBits"), "options.wordBits", 32);
    if (word_bits != 32 && word_bits != 64) throw_range(env, "options.wordBits must be 32 or 64, got " + std::to_string(word_bits));
  }
  bool nonzero = false;
  if (present(o, "plane")) {
    const Napi::Value p = o.Get("plane");
    const std::string s = p.IsString() ? p.As<Napi::String>().Utf8Value() : "";
    if (!p.IsString()) throw_type(env, "options.plane must be 'sign' or 'nonzero'");
    if (s != "sign" && s != "nonzero") throw_range(env, "options.plane must be 'sign' or 'nonzero', got '" + s + "'");
    nonzero = s == "nonzero";
  }
  const int64_t words = word_bits == 64 ? row_u32(channels) : (channels + 31) / 32;
  require_count(env, x.length, product(env, {rows, channels}, "rows·channels"), "x", "rows·channels");
  require_count(env, out.length, product(env, {rows, words}, "out"), "out",
                word_bits == 64 ? "rows·2·ceil(channels/64)" : "rows·ceil(channels/32)");
  if (overlap(out, x)) throw_range(env, "out must not share memory with x");
  const BinaryKernels& k = *kernels().binary_kernels;
  auto* o32 = static_cast<uint32_t*>(out.data);
  if (xt == napi_float32_array)
    k.pack_f32(static_cast<const float*>(x.data), rows, channels, words, nonzero, o32);
  else
    k.pack_s8(static_cast<const int8_t*>(x.data), rows, channels, words, nonzero, o32);
  return env.Undefined();
}

// bconv2d(x, filter, out, shape, options?): binary NHWC convolution with zero
// padding. x: packed [batch, inH, inW, inC]; filter: packed OHWI [outC,
// filterH, filterW, inC]; options.xNonzero / filterNonzero make x / the filter
// ternary (their nonzero planes; a ternary x needs a ternary filter).
Napi::Value Bconv2d(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  require_args(info, 4, "bconv2d(x, filter, out, shape, options?)");
  bconv::Args g{};
  g.s = conv_shape(info, 3, false);
  const ConvShape& s = g.s;
  require_k(env, product(env, {s.filter_h, s.filter_w, s.in_c}, "filterH·filterW·inC"), "filterH·filterW·inC");
  Typed x, xn{}, w, wn{}, out;
  const int64_t in_rows = product(env, {s.batch, s.in_h, s.in_w}, "batch·inH·inW");
  const int64_t w_rows = product(env, {s.out_c, s.filter_h, s.filter_w}, "outC·filterH·filterW");
  g.x_sign = bits_arg(info, 0, "x", in_rows, s.in_c, "batch·inH·inW·2·ceil(inC/64)", &x);
  g.w_sign = bits_arg(info, 1, "filter", w_rows, s.in_c, "outC·filterH·filterW·2·ceil(inC/64)", &w);
  const Napi::Object o = options_arg(info, 4);
  g.mode = Mode::Binary;
  if (present(o, "filterNonzero")) {
    const Napi::Value v = o.Get("filterNonzero");
    g.w_nonzero = bits_arg(info, 0, "options.filterNonzero", w_rows, s.in_c, "outC·filterH·filterW·2·ceil(inC/64)", &wn, &v);
    g.mode = Mode::TernaryWeights;
  }
  if (present(o, "xNonzero")) {
    if (g.mode != Mode::TernaryWeights)
      throw_type(env, "options.xNonzero needs options.filterNonzero (ternary activations take ternary weights)");
    const Napi::Value v = o.Get("xNonzero");
    g.x_nonzero = bits_arg(info, 0, "options.xNonzero", in_rows, s.in_c, "batch·inH·inW·2·ceil(inC/64)", &xn, &v);
    g.mode = Mode::Ternary;
  }
  Epilogue e;
  output_options(info, 2, 4, product(env, {s.batch, s.out_h, s.out_w}, "batch·outH·outW"), s.out_c,
                 "batch·outH·outW", &g, &e, &out);
  require_apart(env, out, {&x, &xn, &w, &wn});
  run(g);
  return env.Undefined();
}

// The GEMMs are the 1×1 convolution over [1, m, 1, k].
bconv::Args gemm_args(const Napi::Env& env, int64_t m, int64_t n, int64_t k) {
  require_k(env, k, "k");
  bconv::Args g{};
  g.s = ConvShape{1, m, 1, k, m, 1, n, 1, 1, 1, 1, 1, 1, 0, 0};
  return g;
}

// bgemm(m, n, k, a, b, out, options?): out[i, j] from Σ_k a[i, k]·b[j, k] of ±1
// values, a (m rows) and b (n rows) packed along k.
Napi::Value Bgemm(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  require_args(info, 6, "bgemm(m, n, k, a, b, out, options?)");
  const int64_t m = integer(env, info[0], "m", 1), n = integer(env, info[1], "n", 1), k = integer(env, info[2], "k", 1);
  bconv::Args g = gemm_args(env, m, n, k);
  Typed a, b, out;
  g.mode = Mode::Binary;
  g.x_sign = bits_arg(info, 3, "a", m, k, "m·2·ceil(k/64)", &a);
  g.w_sign = bits_arg(info, 4, "b", n, k, "n·2·ceil(k/64)", &b);
  Epilogue e;
  output_options(info, 5, 6, m, n, "m", &g, &e, &out);
  require_apart(env, out, {&a, &b});
  run(g);
  return env.Undefined();
}

// tgemm(m, n, k, aSign, aNonzero, bSign, bNonzero, out, options?): ternary
// weights b (two planes); a binary (aNonzero null) or ternary.
Napi::Value Tgemm(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  require_args(info, 8, "tgemm(m, n, k, aSign, aNonzero, bSign, bNonzero, out, options?)");
  const int64_t m = integer(env, info[0], "m", 1), n = integer(env, info[1], "n", 1), k = integer(env, info[2], "k", 1);
  bconv::Args g = gemm_args(env, m, n, k);
  Typed a, an{}, b, bn, out;
  g.x_sign = bits_arg(info, 3, "aSign", m, k, "m·2·ceil(k/64)", &a);
  const bool ternary_a = !(info[4].IsNull() || info[4].IsUndefined());
  if (ternary_a) g.x_nonzero = bits_arg(info, 4, "aNonzero", m, k, "m·2·ceil(k/64)", &an);
  g.w_sign = bits_arg(info, 5, "bSign", n, k, "n·2·ceil(k/64)", &b);
  g.w_nonzero = bits_arg(info, 6, "bNonzero", n, k, "n·2·ceil(k/64)", &bn);
  g.mode = ternary_a ? Mode::Ternary : Mode::TernaryWeights;
  Epilogue e;
  output_options(info, 7, 8, m, n, "m", &g, &e, &out);
  require_apart(env, out, {&a, &an, &b, &bn});
  run(g);
  return env.Undefined();
}

}  // namespace lite::binding
