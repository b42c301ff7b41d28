// Portable path: the window's words one at a time, scalar popcount.
#include "driver.h"
#include "pack_impl.h"

namespace lite {
namespace {

struct RefIsa {
  static constexpr int kRows = 4;

  template <bconv::Mode M>
  static void block(const bconv::Block& b, int32_t* sums) {
    const int pb = M == bconv::Mode::Binary ? 1 : 2;
    for (int r = 0; r < kRows; ++r)
      for (int p = 0; p < b.npanels; ++p)
        for (int lane = 0; lane < bconv::kLanes; ++lane) {
          const uint64_t* w = b.panels + p * b.panel_stride + lane;
          int32_t sum = 0;
          for (int64_t t = 0; t < b.taps; ++t) {
            const uint64_t* a = b.rows[r] + b.tap_off[t];
            for (int64_t k = 0; k < b.wpt; ++k, w += pb * bconv::kLanes)
              sum += bconv::raw_word<M>(a[k], M == bconv::Mode::Ternary ? a[b.a_plane + k] : 0, w[0],
                                        pb == 2 ? w[bconv::kLanes] : 0);
          }
          sums[r * bconv::kBlockCols + p * bconv::kLanes + lane] = sum;
        }
  }
};

struct RefPack {
  template <class T>
  static uint32_t word(const T* x, bool nonzero) { return bconv::tail_word(x, 32, nonzero); }
};

}  // namespace

LITE_BPACK_ENTRIES(ref, RefPack)
void bconv_ref(const bconv::Args& args) { bconv::run<RefIsa>(args); }

}  // namespace lite
