// AVX-512 VPOPCNTDQ path: eight 64-bit lanes per zmm (one panel of 8 output
// channels), vpopcntq, and vpternlogq for the ternary masks. Tiles of 6 output
// pixels × 4 panels hold 24 zmm sums (binary; ternary 6 × 2): per window word,
// 3 vector ops per 512 bit-products (xor, popcount, add).
#include <immintrin.h>

#include "driver.h"

namespace lite {
namespace {

using bconv::Mode;

struct Avx512Isa {
  static constexpr int kRows = 6;

  template <Mode M>
  static void block(const bconv::Block& b, int32_t* sums) {
    constexpr int kV = M == Mode::Binary ? 4 : 2;  // panels per tile
    for (int p = 0; p < b.npanels; p += kV) {
      const uint64_t* w = b.panels + p * b.panel_stride;
      int32_t* s = sums + p * bconv::kLanes;
      switch (b.npanels - p) {
        case 1: tile<M, 1>(b, w, s); break;
        case 2: tile<M, 2>(b, w, s); break;
        case 3: tile<M, kV < 3 ? kV : 3>(b, w, s); break;
        default: tile<M, kV>(b, w, s); break;
      }
    }
  }

  template <Mode M, int V>
  static void tile(const bconv::Block& b, const uint64_t* w, int32_t* sums) {
    constexpr int pb = M == Mode::Binary ? 1 : 2;
    __m512i acc[kRows][V];
    for (int r = 0; r < kRows; ++r)
      for (int v = 0; v < V; ++v) acc[r][v] = _mm512_setzero_si512();
    const int64_t stride = b.panel_stride;
    for (int64_t t = 0; t < b.taps; ++t) {
      const int64_t off = b.tap_off[t];
      for (int64_t k = 0; k < b.wpt; ++k, w += pb * bconv::kLanes) {
        __m512i ws[V], wn[V];
        for (int v = 0; v < V; ++v) {
          ws[v] = _mm512_load_si512(w + v * stride);
          if (pb == 2) wn[v] = _mm512_load_si512(w + v * stride + bconv::kLanes);
        }
        for (int r = 0; r < kRows; ++r) {
          const uint64_t* a = b.rows[r] + off + k;
          const __m512i as = _mm512_set1_epi64(static_cast<long long>(a[0]));
          if (M == Mode::Binary) {
            for (int v = 0; v < V; ++v)
              acc[r][v] = _mm512_add_epi64(acc[r][v], _mm512_popcnt_epi64(_mm512_xor_si512(as, ws[v])));
          } else if (M == Mode::TernaryWeights) {
            // nz_w ∧ (a xor s_w): a = 0xF0, s_w = 0xCC, nz_w = 0xAA.
            for (int v = 0; v < V; ++v)
              acc[r][v] = _mm512_add_epi64(acc[r][v], _mm512_popcnt_epi64(_mm512_ternarylogic_epi64(as, ws[v], wn[v], 0x28)));
          } else {
            const __m512i an = _mm512_set1_epi64(static_cast<long long>(a[b.a_plane]));
            for (int v = 0; v < V; ++v) {
              const __m512i m = _mm512_and_si512(an, wn[v]);
              // m ∧ (s_a xor s_w): m = 0xF0, s_a = 0xCC, s_w = 0xAA.
              const __m512i u = _mm512_popcnt_epi64(_mm512_ternarylogic_epi64(m, as, ws[v], 0x60));
              acc[r][v] = _mm512_sub_epi64(_mm512_add_epi64(acc[r][v], _mm512_popcnt_epi64(m)), _mm512_add_epi64(u, u));
            }
          }
        }
      }
    }
    for (int r = 0; r < kRows; ++r)
      for (int v = 0; v < V; ++v)
        _mm512_mask_cvtepi64_storeu_epi32(sums + r * bconv::kBlockCols + v * bconv::kLanes, 0xFF, acc[r][v]);
  }
};

}  // namespace

void bconv_avx512vpopcnt(const bconv::Args& args) { bconv::run<Avx512Isa>(args); }

}  // namespace lite
