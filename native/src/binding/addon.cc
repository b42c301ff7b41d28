// The addon's entry point: reports the chosen path and exports the kernels.
#include <napi.h>

#include "../kernels.h"
#include "../runtime/cpu_features.h"
#include "../runtime/dispatch.h"
#include "../runtime/thread_pool.h"
#include "bindings.h"

namespace lite::binding {
namespace {

Napi::Value Isa(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), kernels().name); }

Napi::Value AvailableIsas(const Napi::CallbackInfo& info) {
  const auto isas = available_isas();
  Napi::Array out = Napi::Array::New(info.Env(), isas.size());
  for (size_t i = 0; i < isas.size(); ++i) out.Set(static_cast<uint32_t>(i), isas[i]);
  return out;
}

Napi::Value NumThreads(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), num_threads()); }

Napi::Value CpuFeaturesObject(const Napi::CallbackInfo& info) {
  const CpuFeatures& f = cpu_features();
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("avx2Fma", f.avx2_fma);
  o.Set("avx512", f.avx512);
  o.Set("avx512Vnni", f.avx512_vnni);
  o.Set("avx512Vbmi", f.avx512_vbmi);
  o.Set("avxVnni", f.avx_vnni);
  o.Set("avx512Vpopcntdq", f.avx512_vpopcntdq);
  return o;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  if (!isa_error().empty()) throw Napi::Error::New(env, isa_error());
  const std::pair<const char*, Napi::Function::Callback> functions[] = {
      {"isa", Isa},
      {"availableIsas", AvailableIsas},
      {"numThreads", NumThreads},
      {"cpuFeatures", CpuFeaturesObject},
      {"gemm", Gemm},
      {"conv2d", Conv2d},
      {"conv2dBackpropInput", Conv2dBackpropInput},
      {"conv2dBackpropFilter", Conv2dBackpropFilter},
      {"depthwiseConv2d", DepthwiseConv2d},
      {"depthwiseConv2dBackpropInput", DepthwiseConv2dBackpropInput},
      {"depthwiseConv2dBackpropFilter", DepthwiseConv2dBackpropFilter},
      {"maxPool", MaxPool},
      {"maxPoolBackprop", MaxPoolBackprop},
      {"avgPool", AvgPool},
      {"avgPoolBackprop", AvgPoolBackprop},
      {"binary", Binary},
      {"relu", Relu},
      {"step", Step},
      {"sum", Sum},
      {"packS8", PackS8},
      {"packS4", PackS4},
      {"gemmS8", GemmS8},
      {"matmulDynamic", MatmulDynamic},
      {"int8Kernel", Int8Kernel},
      {"conv2dS8", Conv2dS8},
      {"conv2dS8Direct", Conv2dS8Direct},
      {"packSparse", PackSparse},
      {"packSparseS8", PackSparseS8},
      {"spmm", Spmm},
      {"sparseConv2d", SparseConv2d},
      {"packBits", PackBits},
      {"bconv2d", Bconv2d},
      {"bgemm", Bgemm},
      {"tgemm", Tgemm},
      {"depthwiseConv2dS8", DepthwiseConv2dS8},
      {"maxPoolU8", MaxPoolU8},
      {"avgPoolU8", AvgPoolU8},
      {"addU8", AddU8},
  };
  for (const auto& [name, fn] : functions) exports.Set(name, Napi::Function::New(env, fn, name));
  return exports;
}

}  // namespace
}  // namespace lite::binding

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) { return lite::binding::Init(env, exports); }

NODE_API_MODULE(lite_native, InitAddon)
