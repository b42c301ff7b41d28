// AVX2 + FMA path: a 6×16 register tile (12 ymm accumulators).
#include <immintrin.h>

#include "gemm_driver.h"

namespace lite {
namespace {

struct Avx2Kernel {
  static constexpr int MR = 6, NR = 16;

  static void tile(int64_t k, const float* a, const float* b, int64_t ldb, float* c, int64_t ldc,
                   bool accumulate, const float* bias, Activation act) {
    __m256 acc[MR][2];
#pragma GCC unroll 6
    for (int r = 0; r < MR; ++r) acc[r][0] = acc[r][1] = _mm256_setzero_ps();
    for (int64_t kk = 0; kk < k; ++kk) {
      const __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8);
#pragma GCC unroll 6
      for (int r = 0; r < MR; ++r) {
        const __m256 av = _mm256_broadcast_ss(a + r);
        acc[r][0] = _mm256_fmadd_ps(av, b0, acc[r][0]);
        acc[r][1] = _mm256_fmadd_ps(av, b1, acc[r][1]);
      }
      a += MR;
      b += ldb;
    }
    const __m256 zero = _mm256_setzero_ps(), six = _mm256_set1_ps(6.f);
    const __m256 bias0 = bias ? _mm256_loadu_ps(bias) : zero, bias1 = bias ? _mm256_loadu_ps(bias + 8) : zero;
#pragma GCC unroll 6
    for (int r = 0; r < MR; ++r) {
      float* row = c + r * ldc;
      __m256 v0 = _mm256_add_ps(acc[r][0], bias0), v1 = _mm256_add_ps(acc[r][1], bias1);
      if (accumulate) {
        v0 = _mm256_add_ps(v0, _mm256_loadu_ps(row));
        v1 = _mm256_add_ps(v1, _mm256_loadu_ps(row + 8));
      }
      if (act != Activation::Linear) {
        v0 = _mm256_max_ps(v0, zero);
        v1 = _mm256_max_ps(v1, zero);
        if (act == Activation::Relu6) {
          v0 = _mm256_min_ps(v0, six);
          v1 = _mm256_min_ps(v1, six);
        }
      }
      _mm256_storeu_ps(row, v0);
      _mm256_storeu_ps(row + 8, v1);
    }
  }
};

}  // namespace

void gemm_f32_avx2(const GemmArgs& g) { gemm_detail::run_gemm<Avx2Kernel>(g); }

}  // namespace lite
