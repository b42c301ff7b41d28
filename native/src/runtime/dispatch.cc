// Picks the kernel table once at load: the best path this CPU runs, or the one
// LITE_ISA names (ref|avx2|avx512) when the CPU can run it.
#include <cstdlib>
#include <cstring>

#include "../kernels.h"
#include "cpu_features.h"
#include "dispatch.h"

namespace lite {

#define LITE_DECLARE_PATH(isa)                                                                    \
  void gemm_f32_##isa(const GemmArgs&);                                                          \
  void depthwise_forward_##isa(const ConvShape&, const float*, const float*, const float*,       \
                               Activation, float*);                                              \
  void depthwise_backprop_input_##isa(const ConvShape&, const float*, const float*, float*);     \
  void depthwise_backprop_filter_##isa(const ConvShape&, const float*, const float*, float*);    \
  void max_pool_##isa(const PoolShape&, const float*, float*);                                    \
  void max_pool_backprop_##isa(const PoolShape&, const float*, const float*, float*);             \
  void avg_pool_##isa(const PoolShape&, const float*, float*);                                    \
  void avg_pool_backprop_##isa(const PoolShape&, const float*, float*);                           \
  void binary_##isa(BinaryOp, const float*, const float*, int64_t, int64_t, float*);               \
  void relu_##isa(const float*, int64_t, float*);                                                  \
  void step_##isa(const float*, int64_t, float, float*);                                           \
  void sum_##isa(const float*, int64_t, int64_t, bool, float*);                                    \
  void gemm_s8_##isa(const s8::GemmArgs&);                                                         \
  bool quantize_u8_##isa(const s8::QuantizeArgs&);                                                 \
  bool quantize_static_u8_##isa(const float*, int64_t, float, int32_t, uint8_t*);                  \
  extern const DirectConv direct_conv_##isa;                                                       \
  void spmm_##isa(const sparse::SpmmArgs&);                                                        \
  extern const BinaryKernels binary_kernels_##isa;                                                 \
  extern const dws8::Kernels dw_s8_kernels_##isa;                                                  \
  const KernelTable isa##_table = {#isa,                                                         \
                                   gemm_f32_##isa,                                               \
                                   depthwise_forward_##isa,                                      \
                                   depthwise_backprop_input_##isa,                               \
                                   depthwise_backprop_filter_##isa,                              \
                                   max_pool_##isa,                                               \
                                   max_pool_backprop_##isa,                                      \
                                   avg_pool_##isa,                                               \
                                   avg_pool_backprop_##isa,                                      \
                                   binary_##isa,                                                 \
                                   relu_##isa,                                                   \
                                   step_##isa,                                                   \
                                   sum_##isa,                                                    \
                                   gemm_s8_##isa,                                                \
                                   quantize_u8_##isa,                                            \
                                   quantize_static_u8_##isa,                                     \
                                   &direct_conv_##isa,                                           \
                                   spmm_##isa,                                                   \
                                   &binary_kernels_##isa,                                        \
                                   &dw_s8_kernels_##isa};

LITE_DECLARE_PATH(ref)
#if defined(LITE_X86)
LITE_DECLARE_PATH(avx2)
LITE_DECLARE_PATH(avx512)
#endif

namespace {

const KernelTable* table_for(const char* name) {
  if (std::strcmp(name, "ref") == 0) return &ref_table;
#if defined(LITE_X86)
  const CpuFeatures& f = cpu_features();
  if (std::strcmp(name, "avx2") == 0) return f.avx2_fma ? &avx2_table : nullptr;
  if (std::strcmp(name, "avx512") == 0) return f.avx512 ? &avx512_table : nullptr;
#endif
  return nullptr;
}

const KernelTable* best_table() {
#if defined(LITE_X86)
  const CpuFeatures& f = cpu_features();
  if (f.avx512) return &avx512_table;
  if (f.avx2_fma) return &avx2_table;
#endif
  return &ref_table;
}

struct Choice {
  const KernelTable* table;
  std::string error;
};

Choice choose() {
  const char* forced = std::getenv("LITE_ISA");
  if (forced == nullptr || *forced == '\0') return {best_table(), ""};
  if (const KernelTable* t = table_for(forced)) return {t, ""};
  return {best_table(), std::string("LITE_ISA=") + forced +
                            " is not a path this CPU can run (use ref, avx2 or avx512 as available)"};
}

const Choice& choice() {
  static const Choice c = choose();
  return c;
}

}  // namespace

const KernelTable& kernels() { return *choice().table; }

const std::string& isa_error() { return choice().error; }

std::vector<std::string> available_isas() {
  std::vector<std::string> out{"ref"};
#if defined(LITE_X86)
  if (cpu_features().avx2_fma) out.push_back("avx2");
  if (cpu_features().avx512) out.push_back("avx512");
#endif
  return out;
}

}  // namespace lite
