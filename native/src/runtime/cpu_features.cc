#include "cpu_features.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <cpuid.h>
#include <cstdint>

namespace lite {
namespace {

uint64_t xgetbv0() {
  uint32_t eax, edx;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return (static_cast<uint64_t>(edx) << 32) | eax;
}

CpuFeatures detect() {
  CpuFeatures f;
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return f;
  const bool osxsave = c & (1u << 27), fma = c & (1u << 12), avx = c & (1u << 28);
  if (!osxsave || !avx) return f;
  const uint64_t xcr0 = xgetbv0();
  const bool ymm_saved = (xcr0 & 0x6) == 0x6;
  const bool zmm_saved = (xcr0 & 0xE6) == 0xE6;
  if (!ymm_saved) return f;
  __cpuid_count(7, 0, a, b, c, d);
  const bool avx2 = b & (1u << 5);
  f.avx2_fma = avx2 && fma;
  const bool f512 = b & (1u << 16), dq = b & (1u << 17), bw = b & (1u << 30), vl = b & (1u << 31);
  f.avx512 = f.avx2_fma && zmm_saved && f512 && dq && bw && vl;
  f.avx512_vnni = f.avx512 && (c & (1u << 11));
  f.avx512_vbmi = f.avx512 && (c & (1u << 1));
  f.avx512_vpopcntdq = f.avx512 && (c & (1u << 14));
  __cpuid_count(7, 1, a, b, c, d);
  f.avx_vnni = f.avx2_fma && (a & (1u << 4));
  return f;
}

}  // namespace

const CpuFeatures& cpu_features() {
  static const CpuFeatures features = detect();
  return features;
}

}  // namespace lite
#else
namespace lite {
const CpuFeatures& cpu_features() {
  static const CpuFeatures none;
  return none;
}
}  // namespace lite
#endif
