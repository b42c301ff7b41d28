// Every function the addon exports; each validates its arguments (args.h).
#pragma once
#include <napi.h>

namespace lite::binding {

Napi::Value Gemm(const Napi::CallbackInfo& info);
Napi::Value Conv2d(const Napi::CallbackInfo& info);
Napi::Value Conv2dBackpropInput(const Napi::CallbackInfo& info);
Napi::Value Conv2dBackpropFilter(const Napi::CallbackInfo& info);
Napi::Value DepthwiseConv2d(const Napi::CallbackInfo& info);
Napi::Value DepthwiseConv2dBackpropInput(const Napi::CallbackInfo& info);
Napi::Value DepthwiseConv2dBackpropFilter(const Napi::CallbackInfo& info);
Napi::Value MaxPool(const Napi::CallbackInfo& info);
Napi::Value MaxPoolBackprop(const Napi::CallbackInfo& info);
Napi::Value AvgPool(const Napi::CallbackInfo& info);
Napi::Value AvgPoolBackprop(const Napi::CallbackInfo& info);
Napi::Value Binary(const Napi::CallbackInfo& info);
Napi::Value Relu(const Napi::CallbackInfo& info);
Napi::Value Step(const Napi::CallbackInfo& info);
Napi::Value Sum(const Napi::CallbackInfo& info);
Napi::Value PackS8(const Napi::CallbackInfo& info);
Napi::Value PackS4(const Napi::CallbackInfo& info);
Napi::Value GemmS8(const Napi::CallbackInfo& info);
Napi::Value MatmulDynamic(const Napi::CallbackInfo& info);
Napi::Value Int8Kernel(const Napi::CallbackInfo& info);
Napi::Value Conv2dS8(const Napi::CallbackInfo& info);
Napi::Value Conv2dS8Direct(const Napi::CallbackInfo& info);
Napi::Value PackSparse(const Napi::CallbackInfo& info);
Napi::Value PackSparseS8(const Napi::CallbackInfo& info);
Napi::Value Spmm(const Napi::CallbackInfo& info);
Napi::Value SparseConv2d(const Napi::CallbackInfo& info);
Napi::Value PackBits(const Napi::CallbackInfo& info);
Napi::Value Bconv2d(const Napi::CallbackInfo& info);
Napi::Value Bgemm(const Napi::CallbackInfo& info);
Napi::Value Tgemm(const Napi::CallbackInfo& info);
Napi::Value DepthwiseConv2dS8(const Napi::CallbackInfo& info);
Napi::Value MaxPoolU8(const Napi::CallbackInfo& info);
Napi::Value AvgPoolU8(const Napi::CallbackInfo& info);
Napi::Value AddU8(const Napi::CallbackInfo& info);

}  // namespace lite::binding
