// Portable path of the sparse GEMM: 4-lane GCC vectors (SSE2 on baseline x86-64),
// gathers and widening as plain loops.
#include "spmm_impl.h"

namespace lite {
namespace {

struct RefOps {
  using I = SimdRefN<4>;
  static constexpr int L = I::L;
  static I::V gather(const float* xs, const uint8_t* idx, uint32_t lim) {
    I::V v;
    for (int c = 0; c < L; ++c) v[c] = xs[std::min<uint32_t>(idx[c], lim)];
    return v;
  }
  static I::V values(const float* v) { return I::load(v); }
  static I::V values(const int8_t* q) {
    I::V v;
    for (int c = 0; c < L; ++c) v[c] = q[c];
    return v;
  }
  static void offsets(const uint8_t* idx, uint32_t lim, int32_t base, int32_t* out) {
    for (int c = 0; c < L; ++c) out[c] = (base + static_cast<int32_t>(std::min<uint32_t>(idx[c], lim))) * L;
  }
  static void widen(const int8_t* q, float* out) {
    for (int c = 0; c < L; ++c) out[c] = q[c];
  }
};

}  // namespace
}  // namespace lite

LITE_SPMM_PATH(ref, RefOps, 4)
