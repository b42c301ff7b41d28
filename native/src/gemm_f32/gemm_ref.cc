// Portable path: plain C++ over a 4×16 tile, compiled for baseline x86-64 (or any CPU).
#include "gemm_driver.h"

namespace lite {
namespace {

struct RefKernel {
  static constexpr int MR = 4, NR = 16;

  template <int R>
  static void tile(int64_t k, const float* a, const float* b, int64_t ldb, float* c, int64_t ldc, int cols,
                   bool accumulate, const float* bias, Activation act) {
    float acc[R][NR] = {};
    for (int64_t kk = 0; kk < k; ++kk) {
      for (int r = 0; r < R; ++r)
        for (int j = 0; j < NR; ++j) acc[r][j] += a[r] * b[j];
      a += MR;
      b += ldb;
    }
    for (int r = 0; r < R; ++r)
      for (int j = 0; j < cols; ++j) {
        const float v = acc[r][j] + (bias ? bias[j] : 0.f) + (accumulate ? c[r * ldc + j] : 0.f);
        c[r * ldc + j] = gemm_detail::activate(v, act);
      }
  }
};

}  // namespace

void gemm_f32_ref(const GemmArgs& g) { gemm_detail::run_gemm<RefKernel>(g); }

}  // namespace lite
