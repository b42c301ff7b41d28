#include "kernels.h"
#include "binding/bindings.h"
namespace lite {
#define S(isa) \
void depthwise_forward_##isa(const ConvShape&, const float*, const float*, const float*, Activation, float*){} \
void depthwise_backprop_input_##isa(const ConvShape&, const float*, const float*, float*){} \
void depthwise_backprop_filter_##isa(const ConvShape&, const float*, const float*, float*){} \
void max_pool_##isa(const PoolShape&, const float*, float*){} \
void max_pool_backprop_##isa(const PoolShape&, const float*, const float*, float*){} \
void avg_pool_##isa(const PoolShape&, const float*, float*){} \
void avg_pool_backprop_##isa(const PoolShape&, const float*, float*){}
S(ref) S(avx2) S(avx512)
}
namespace lite::binding {
#define B(n) Napi::Value n(const Napi::CallbackInfo& info){ return info.Env().Undefined(); }
B(Conv2d) B(Conv2dBackpropInput) B(Conv2dBackpropFilter) B(DepthwiseConv2d) B(DepthwiseConv2dBackpropInput) B(DepthwiseConv2dBackpropFilter) B(MaxPool) B(MaxPoolBackprop) B(AvgPool) B(AvgPoolBackprop)
}
