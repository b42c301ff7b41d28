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
          const uint64_t* w = b.panels + p * pb * bconv::kLanes + lane;
          int32_t sum = 0;
          for (int64_t kk = 0; kk < b.kw; ++kk, w += bconv::kBlockCols * pb) {
            const uint64_t* a = b.rows[r] + b.word_off[kk];
            sum += bconv::raw_word<M>(a[0], M == bconv::Mode::Ternary ? a[b.a_plane] : 0, w[0], pb == 2 ? w[bconv::kLanes] : 0);
          }
          sums[r * bconv::kBlockCols + p * bconv::kLanes + lane] = bconv::kMult<M> * sum;
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
