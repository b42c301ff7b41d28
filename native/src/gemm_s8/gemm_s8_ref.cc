// Portable path: plain C++ over a 4-row × 16-column tile, compiled for baseline
// x86-64 (or any CPU). Also the clearest statement of what a tile computes.
#include "gemm_s8_driver.h"

namespace lite {
namespace {

struct RefKernel {
  static constexpr int MR = 4, V = 1, kPartial = 1;
  using AElem = uint8_t;

  template <int R, int W>
  static void tile(const s8_detail::Tile<uint8_t>& t) {
    constexpr int N = 16 * W;
    const bool int4 = t.g->b.bits == 4;
    int32_t acc[R][N];
    for (int r = 0; r < R; ++r)
      for (int c = 0; c < N; ++c) acc[r][c] = t.load_partial ? t.partial[r * t.ld_partial + c] : 0;
    for (int64_t q = 0; q < t.quads; ++q) {
      const uint8_t* a = t.a + q * t.a_quad;
      for (int c = 0; c < N; ++c) {
        // Column c's four weights for this quad (int4: a nibble of the chunk, stored v + 8).
        const uint8_t* bq = t.b + (c / 16) * t.panel_stride + (int4 ? (q / 2) * 64 : q * 64) + (c % 16) * 4;
        int32_t w[4];
        for (int k = 0; k < 4; ++k) w[k] = int4 ? (bq[k] >> (q % 2 ? 4 : 0)) & 0xF : static_cast<int8_t>(bq[k]);
        for (int r = 0; r < R; ++r)
          for (int k = 0; k < 4; ++k) acc[r][c] += a[r * t.a_row + k] * w[k];
      }
    }
    if (!t.final) {
      for (int r = 0; r < R; ++r)
        for (int c = 0; c < N; ++c) t.partial[r * t.ld_partial + c] = acc[r][c];
      return;
    }
    for (int r = 0; r < R; ++r)
      for (int c = 0; c < t.cols; ++c) {
        // Wrapping int32 arithmetic: the exact result fits, intermediate terms may not.
        const uint32_t x = static_cast<uint32_t>(acc[r][c]) -
                           static_cast<uint32_t>(t.row_zp[r]) * static_cast<uint32_t>(t.g->colsum[t.j + c]) -
                           static_cast<uint32_t>(t.row_corr[r]);
        s8_detail::store_scalar(*t.g, t.i + r, t.j + c, static_cast<int32_t>(x), t.row_scale[r]);
      }
  }
};

}  // namespace

void gemm_s8_ref(const s8::GemmArgs& g) { s8_detail::run_gemm<RefKernel>(g); }

}  // namespace lite
