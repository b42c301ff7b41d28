// Direct convolutions, AVX2+FMA path: 6 channels × 2 vectors of pixels per
// forward tile (12 of the 16 ymm registers), 3×3 filter-gradient tiles.
#include "direct_impl.h"

namespace lite {
namespace {
struct Avx2Direct : Simd256 {
  static constexpr int kRows = 6, kAcc = 12, kMaxNV = 4, kGradRows = 3, kGradCols = 3;
};
}  // namespace
}  // namespace lite

LITE_DIRECT_PATH(avx2, Avx2Direct)
