// The int8 GEMM a path's table runs: the VNNI kernel where the CPU has it, else
// the AVX2 one (exact for full-range int8, via 16-bit products). LITE_VNNI=0
// keeps the AVX2 kernel, to test or compare it on a VNNI CPU.
#include <cstdlib>
#include <cstring>

#include "../kernels.h"
#include "../runtime/cpu_features.h"
#include "gemm_s8.h"

namespace lite {

#if defined(LITE_X86)
void gemm_s8_madd_avx2(const s8::GemmArgs&);
void gemm_s8_vnni256(const s8::GemmArgs&);
void gemm_s8_vnni512(const s8::GemmArgs&);

namespace {

bool vnni_allowed() {
  const char* env = std::getenv("LITE_VNNI");
  return env == nullptr || std::strcmp(env, "0") != 0;
}

struct Choice {
  void (*fn)(const s8::GemmArgs&);
  const char* name;
};

Choice choose_avx2() {
  if (vnni_allowed() && cpu_features().avx_vnni) return {gemm_s8_vnni256, "avxvnni"};
  return {gemm_s8_madd_avx2, "avx2"};
}

Choice choose_avx512() {
  if (vnni_allowed() && cpu_features().avx512_vnni) return {gemm_s8_vnni512, "avx512vnni"};
  return choose_avx2();
}

const Choice& avx2_choice() {
  static const Choice c = choose_avx2();
  return c;
}
const Choice& avx512_choice() {
  static const Choice c = choose_avx512();
  return c;
}

}  // namespace

void gemm_s8_avx2(const s8::GemmArgs& g) { avx2_choice().fn(g); }
void gemm_s8_avx512(const s8::GemmArgs& g) { avx512_choice().fn(g); }
#endif

const char* s8::kernel_name() {
#if defined(LITE_X86)
  if (kernels().gemm_s8 == gemm_s8_avx2) return avx2_choice().name;
  if (kernels().gemm_s8 == gemm_s8_avx512) return avx512_choice().name;
#endif
  return "ref";
}

}  // namespace lite
