// Direct convolutions, portable path: 4-lane vectors, 4 channels × 2 vectors per tile.
#include "direct_impl.h"

namespace lite {
namespace {
struct RefDirect : SimdRef {
  static constexpr int kRows = 4, kAcc = 8, kMaxNV = 4, kGradRows = 3, kGradCols = 3;
};
}  // namespace
}  // namespace lite

LITE_DIRECT_PATH(ref, RefDirect)
