// packSparse / packSparseS8 / spmm / sparseConv2d: every argument is checked
// (args.h, s8_args.h), and packed weights against their header, chunk
// offsets and segment step counts, before a kernel reads them (spmm/spmm.h).
#include <cmath>
#include <functional>
#include <new>
#include <string>
#include <vector>

#include "../spmm/spmm.h"
#include "args.h"
#include "bindings.h"
#include "conv_args.h"
#include "s8_args.h"

namespace lite::binding {
namespace {

int64_t sparse_k(const Napi::Env& env, const Napi::Value& v, const char* name) {
  const int64_t k = integer(env, v, name, 0);
  if (k > sparse::kMaxK)
    throw_range(env, std::string(name) + " must be at most " + std::to_string(sparse::kMaxK) +
                         " (row indices are 16-bit), got " + std::to_string(k));
  return k;
}

// Plans the layout, allocates the buffer and lets `write` fill it.
template <class NonZero, class Write>
Napi::Value pack(const Napi::Env& env, int bits, int64_t k, int64_t n, const NonZero& nonzero, const Write& write) {
  const int64_t chunks = (n + sparse::kChunk - 1) / sparse::kChunk;
  std::vector<int64_t> chunk_start(static_cast<size_t>(chunks + 1));
  std::vector<uint8_t> seg_steps(static_cast<size_t>(chunks * ((k + sparse::kSegment - 1) / sparse::kSegment)));
  const sparse::Layout l = sparse::plan(bits, k, n, nonzero, chunk_start.data(), seg_steps.data());
  product(env, {l.total_bytes()}, "the packed weights");
  Napi::Uint8Array out = Napi::Uint8Array::New(env, static_cast<size_t>(l.total_bytes()));
  write(l, chunk_start.data(), seg_steps.data(), out.Data());
  return out;
}

// The packed weights at `index`, checked against k×n (`dims` names them in messages).
sparse::SpmmArgs packed_arg(const Napi::CallbackInfo& info, size_t index, int64_t k, int64_t n, const char* dims,
                            Typed* buffer) {
  const Napi::Env env = info.Env();
  *buffer = typed_arg(info, index, "packed", napi_uint8_array, "Uint8Array");
  const auto* bytes = static_cast<const uint8_t*>(buffer->data);
  if (reinterpret_cast<uintptr_t>(bytes) % 8 != 0)
    throw_range(env, "packed must start at a multiple of 8 bytes in its ArrayBuffer (pass packSparse's result as is)");
  sparse::SpmmArgs a{};
  const char* problem = sparse::read_layout(bytes, buffer->length, &a.w);
  if (*problem) throw_range(env, std::string("packed ") + problem);
  if (a.w.k != k || a.w.n != n)
    throw_range(env, "packed holds " + std::to_string(a.w.k) + "×" + std::to_string(a.w.n) + " weights but " + dims +
                         " is " + std::to_string(k) + "×" + std::to_string(n));
  a.chunk_start = reinterpret_cast<const int64_t*>(bytes + a.w.start_offset());
  a.seg_steps = bytes + a.w.counts_offset();
  a.scale = a.w.value_bits == 8 ? reinterpret_cast<const float*>(bytes + a.w.scale_offset()) : nullptr;
  a.values = bytes + a.w.values_offset();
  a.indices = bytes + a.w.indices_offset();
  return a;
}

Typed float_typed(const Napi::CallbackInfo& info, size_t index, const char* name) {
  return typed_arg(info, index, name, napi_float32_array, "Float32Array");
}

// Bias (null/undefined, or n float32) into a, and out's overlap with the inputs.
void finish_args(const Napi::Env& env, const Napi::Value& bias_value, const char* bias_name, int64_t n,
                 const Typed& x, const Typed& packed, const Typed& y, sparse::SpmmArgs* a) {
  if (!bias_value.IsUndefined() && !bias_value.IsNull()) {
    if (!bias_value.IsTypedArray() || bias_value.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array)
      throw_type(env, std::string(bias_name) + " must be a Float32Array");
    const Typed bias = typed(bias_value);
    require_count(env, bias.length, n, bias_name, "n");
    if (overlap(y, bias)) throw_range(env, std::string(bias_name) + " must not share memory with the output");
    a->bias = static_cast<const float*>(bias.data);
  }
  if (overlap(y, x) || overlap(y, packed)) throw_range(env, "the output must not share memory with x or packed");
}

Napi::Value run(const Napi::Env& env, const std::function<void()>& fn) {
  try {
    fn();
  } catch (const std::bad_alloc&) {
    throw Napi::Error::New(env, "out of memory for the sparse kernel's workspace");
  }
  return env.Undefined();
}

}  // namespace

// packSparse(k, n, w): w is k×n float32, row-major; its nonzeros (w != 0) → packed weights (a Uint8Array).
Napi::Value PackSparse(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  require_args(info, 3, "packSparse(k, n, w)");
  const int64_t k = sparse_k(env, info[0], "k"), n = n_arg(env, info[1]);
  const Typed w = float_typed(info, 2, "w");
  require_count(env, w.length, product(env, {k, n}, "k·n"), "w", "k·n");
  const float* v = static_cast<const float*>(w.data);
  return pack(env, 32, k, n, [v](int64_t i) { return v[i] != 0.f; },
              [v](const sparse::Layout& l, const int64_t* start, const uint8_t* counts, uint8_t* out) {
                sparse::pack_f32(l, start, counts, v, out);
              });
}

// packSparseS8(k, n, q, scale): q is k×n int8 (row-major, nonzero where q != 0), scale one positive float32 per column.
Napi::Value PackSparseS8(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  require_args(info, 4, "packSparseS8(k, n, q, scale)");
  const int64_t k = sparse_k(env, info[0], "k"), n = n_arg(env, info[1]);
  const Typed q = typed_arg(info, 2, "q", napi_int8_array, "Int8Array");
  const Typed scale = float_typed(info, 3, "scale");
  require_count(env, q.length, product(env, {k, n}, "k·n"), "q", "k·n");
  require_count(env, scale.length, n, "scale", "n");
  const int8_t* v = static_cast<const int8_t*>(q.data);
  const float* s = static_cast<const float*>(scale.data);
  for (int64_t j = 0; j < n; ++j)
    if (!(s[j] > 0.f) || !std::isfinite(s[j]))
      throw_range(env, "scale[" + std::to_string(j) + "] must be positive and finite, got " + std::to_string(s[j]));
  return pack(env, 8, k, n, [v](int64_t i) { return v[i] != 0; },
              [v, s](const sparse::Layout& l, const int64_t* start, const uint8_t* counts, uint8_t* out) {
                sparse::pack_s8(l, start, counts, v, s, out);
              });
}

// spmm(m, n, k, x, packed, y, options?) with options {bias, activation}: y = act(x·W + bias).
Napi::Value Spmm(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  require_args(info, 6, "spmm(m, n, k, x, packed, y, options?)");
  const int64_t m = integer(env, info[0], "m", 0), n = n_arg(env, info[1]), k = sparse_k(env, info[2], "k");
  const Typed x = float_typed(info, 3, "x");
  Typed packed;
  sparse::SpmmArgs a = packed_arg(info, 4, k, n, "k×n", &packed);
  const Typed y = float_typed(info, 5, "y");
  const Napi::Object o = options_arg(info, 6);
  require_count(env, x.length, product(env, {m, k}, "m·k"), "x", "m·k");
  require_count(env, y.length, product(env, {m, n}, "m·n"), "y", "m·n");
  finish_args(env, o.Get("bias"), "options.bias", n, x, packed, y, &a);
  a.act = activation(env, o.Get("activation"), "options.activation");
  a.m = m;
  a.x = static_cast<const float*>(x.data);
  a.y = static_cast<float*>(y.data);
  return run(env, [&] { kernels().spmm(a); });
}

// sparseConv2d(x, packed, bias, y, shape, activation?): NHWC conv with HWIO filters packed as K×N
// (K = filterH·filterW·inC, N = outC) by packSparse or packSparseS8.
Napi::Value SparseConv2d(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  require_args(info, 5, "sparseConv2d(x, packed, bias, y, shape, activation?)");
  const Typed x = float_typed(info, 0, "x");
  const ConvShape s = conv_shape(info, 4, false);
  const int64_t k = product(env, {s.filter_h, s.filter_w, s.in_c}, "filterH·filterW·inC");
  if (k > sparse::kMaxK)
    throw_range(env, "filterH·filterW·inC must be at most " + std::to_string(sparse::kMaxK) + ", got " + std::to_string(k));
  if (s.out_c > (int64_t{1} << 31)) throw_range(env, "shape.outC must be at most 2^31");
  Typed packed;
  sparse::SpmmArgs a = packed_arg(info, 1, k, s.out_c, "(filterH·filterW·inC)×outC", &packed);
  const Typed y = float_typed(info, 3, "y");
  require_count(env, x.length, input_size(env, s), "x", "batch·inH·inW·inC");
  require_count(env, y.length, output_size(env, s), "y", "batch·outH·outW·outC");
  product(env, {s.batch, s.out_h, s.out_w, k}, "the im2col matrix (batch·outH·outW·filterH·filterW·inC)");
  finish_args(env, info[2], "bias", s.out_c, x, packed, y, &a);
  a.act = activation(env, info[5], "activation");
  return run(env, [&] { sparse::conv2d(s, static_cast<const float*>(x.data), a, static_cast<float*>(y.data)); });
}

}  // namespace lite::binding
