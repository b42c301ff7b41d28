// AVX2 + FMA path: a 6×16 register tile (12 ymm accumulators). Edge columns use masks.
#include <immintrin.h>

#include "gemm_driver.h"

namespace lite {
namespace {

// Lane i is on (all ones) when i < cols - offset.
inline __m256i lane_mask(int cols, int offset) {
  const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(cols - offset), lanes);
}

struct Avx2Kernel {
  static constexpr int MR = 6, NR = 16;

  template <int R>
  static void tile(int64_t k, const float* a, const float* b, int64_t ldb, float* c, int64_t ldc, int cols,
                   bool accumulate, const float* bias, Activation act) {
    __m256 acc[R][2];
#pragma GCC unroll 6
    for (int r = 0; r < R; ++r) acc[r][0] = acc[r][1] = _mm256_setzero_ps();
    for (int64_t kk = 0; kk < k; ++kk) {
      const __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8);
#pragma GCC unroll 6
      for (int r = 0; r < R; ++r) {
        const __m256 av = _mm256_broadcast_ss(a + r);
        acc[r][0] = _mm256_fmadd_ps(av, b0, acc[r][0]);
        acc[r][1] = _mm256_fmadd_ps(av, b1, acc[r][1]);
      }
      a += MR;
      b += ldb;
    }
    const __m256i m0 = lane_mask(cols, 0), m1 = lane_mask(cols, 8);
    const __m256 zero = _mm256_setzero_ps(), six = _mm256_set1_ps(6.f);
    const __m256 bias0 = bias ? _mm256_maskload_ps(bias, m0) : zero;
    const __m256 bias1 = bias ? _mm256_maskload_ps(bias + 8, m1) : zero;
#pragma GCC unroll 6
    for (int r = 0; r < R; ++r) {
      float* row = c + r * ldc;
      __m256 v0 = _mm256_add_ps(acc[r][0], bias0), v1 = _mm256_add_ps(acc[r][1], bias1);
      if (accumulate) {
        v0 = _mm256_add_ps(v0, _mm256_maskload_ps(row, m0));
        v1 = _mm256_add_ps(v1, _mm256_maskload_ps(row + 8, m1));
      }
      if (act != Activation::Linear) {
        v0 = _mm256_max_ps(v0, zero);
        v1 = _mm256_max_ps(v1, zero);
        if (act == Activation::Relu6) {
          v0 = _mm256_min_ps(v0, six);
          v1 = _mm256_min_ps(v1, six);
        }
      }
      _mm256_maskstore_ps(row, m0, v0);
      _mm256_maskstore_ps(row + 8, m1, v1);
    }
  }
};

}  // namespace

void gemm_f32_avx2(const GemmArgs& g) { gemm_detail::run_gemm<Avx2Kernel>(g); }

}  // namespace lite
