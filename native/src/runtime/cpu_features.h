// What the CPU can run, detected once (cpuid + xgetbv: the OS must save the registers).
#pragma once

namespace lite {

struct CpuFeatures {
  bool avx2_fma = false;
  bool avx512 = false;       // F + BW + DQ + VL
  bool avx512_vnni = false;
  bool avx512_vbmi = false;  // byte permutes (vpermb, vpermi2b)
  bool avx_vnni = false;
  bool avx512_vpopcntdq = false;
};

const CpuFeatures& cpu_features();

}  // namespace lite
