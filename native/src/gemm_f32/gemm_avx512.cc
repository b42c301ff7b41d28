// AVX-512 path: a 12×32 register tile (24 zmm accumulators, B rows loaded as two
// vectors, A elements broadcast from the packed panel). Edge columns use masks.
#include <immintrin.h>

#include "gemm_driver.h"

namespace lite {
namespace {

struct Avx512Kernel {
  static constexpr int MR = 12, NR = 32;

  template <int R>
  static void tile(int64_t k, const float* a, const float* b, int64_t ldb, float* c, int64_t ldc, int cols,
                   bool accumulate, const float* bias, Activation act) {
    __m512 acc[R][2];
#pragma GCC unroll 12
    for (int r = 0; r < R; ++r) acc[r][0] = acc[r][1] = _mm512_setzero_ps();
    // Start fetching the C tile now: it is needed only after the k loop.
#pragma GCC unroll 12
    for (int r = 0; r < R; ++r) {
      _mm_prefetch(reinterpret_cast<const char*>(c + r * ldc), _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(c + r * ldc + 16), _MM_HINT_T0);
    }
    for (int64_t kk = 0; kk < k; ++kk) {
      const __m512 b0 = _mm512_loadu_ps(b), b1 = _mm512_loadu_ps(b + 16);
      _mm_prefetch(reinterpret_cast<const char*>(b + 8 * ldb), _MM_HINT_T0);
#pragma GCC unroll 12
      for (int r = 0; r < R; ++r) {
        const __m512 av = _mm512_set1_ps(a[r]);
        acc[r][0] = _mm512_fmadd_ps(av, b0, acc[r][0]);
        acc[r][1] = _mm512_fmadd_ps(av, b1, acc[r][1]);
      }
      a += MR;
      b += ldb;
    }
    const __mmask16 m0 = cols >= 16 ? 0xFFFF : static_cast<__mmask16>((1u << cols) - 1);
    const __mmask16 m1 = cols >= 32 ? 0xFFFF : cols <= 16 ? 0 : static_cast<__mmask16>((1u << (cols - 16)) - 1);
    const __m512 zero = _mm512_setzero_ps(), six = _mm512_set1_ps(6.f);
    const __m512 bias0 = bias ? _mm512_maskz_loadu_ps(m0, bias) : zero;
    const __m512 bias1 = bias ? _mm512_maskz_loadu_ps(m1, bias + 16) : zero;
#pragma GCC unroll 12
    for (int r = 0; r < R; ++r) {
      float* row = c + r * ldc;
      __m512 v0 = _mm512_add_ps(acc[r][0], bias0), v1 = _mm512_add_ps(acc[r][1], bias1);
      if (accumulate) {
        v0 = _mm512_add_ps(v0, _mm512_maskz_loadu_ps(m0, row));
        v1 = _mm512_add_ps(v1, _mm512_maskz_loadu_ps(m1, row + 16));
      }
      if (act != Activation::Linear) {
        v0 = _mm512_max_ps(v0, zero);
        v1 = _mm512_max_ps(v1, zero);
        if (act == Activation::Relu6) {
          v0 = _mm512_min_ps(v0, six);
          v1 = _mm512_min_ps(v1, six);
        }
      }
      _mm512_mask_storeu_ps(row, m0, v0);
      _mm512_mask_storeu_ps(row + 16, m1, v1);
    }
  }
};

}  // namespace

void gemm_f32_avx512(const GemmArgs& g) { gemm_detail::run_gemm<Avx512Kernel>(g); }

}  // namespace lite
