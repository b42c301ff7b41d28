// Direct convolutions, AVX-512 path: 12 channels × 2 vectors of pixels per
// forward tile (24 of the 32 zmm registers), 5×5 filter-gradient tiles.
#include "direct_impl.h"

namespace lite {
namespace {
struct Avx512Direct : Simd512 {
  static constexpr int kRows = 12, kAcc = 24, kMaxNV = 8, kGradRows = 5, kGradCols = 5;
};
}  // namespace
}  // namespace lite

LITE_DIRECT_PATH(avx512, Avx512Direct)
