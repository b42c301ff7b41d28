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
      const uint64_t* w = b.panels + p * (M == Mode::Binary ? 1 : 2) * bconv::kLanes;
      int32_t* s = sums + p * bconv::kLanes;
      switch (b.npanels - p) {
        case 1: tile<M, 1>(b, w, s); break;
        case 2: tile<M, 2>(b, w, s); break;
        case 3: tile<M, kV < 3 ? kV : 3>(b, w, s); break;
        default: tile<M, kV>(b, w, s); break;
      }
    }
  }

  // Out of line: its 30 live zmm get the register allocator to themselves.
  template <Mode M, int V>
  __attribute__((noinline)) static void tile(const bconv::Block& b, const uint64_t* w, int32_t* sums) {
    constexpr int pb = M == Mode::Binary ? 1 : 2;
    __m512i acc[kRows][V];
    for (int r = 0; r < kRows; ++r)
      for (int v = 0; v < V; ++v) acc[r][v] = _mm512_setzero_si512();
    for (int64_t kk = 0; kk < b.kw; ++kk, w += bconv::kBlockCols * pb) {
      const int64_t off = b.word_off[kk];
      __m512i ws[V], wn[V];
      for (int v = 0; v < V; ++v) {
        ws[v] = _mm512_load_si512(w + v * pb * bconv::kLanes);
        if (pb == 2) wn[v] = _mm512_load_si512(w + (v * pb + 1) * bconv::kLanes);
      }
      for (int r = 0; r < kRows; ++r) {
        const uint64_t* a = b.rows[r] + off;
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
    // kMult × the sums as int32, two panels per 512-bit store (the epilogue's
    // loads then forward from single stores).
    const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    auto scaled = [](__m512i x) {
      return bconv::kMult<M> == 1 ? x : _mm512_sub_epi32(_mm512_setzero_si512(), _mm512_add_epi32(x, x));
    };
    for (int r = 0; r < kRows; ++r) {
      int32_t* row = sums + r * bconv::kBlockCols;
      for (int v = 0; v + 1 < V; v += 2)
        _mm512_store_si512(row + v * bconv::kLanes, scaled(_mm512_permutex2var_epi32(acc[r][v], even, acc[r][v + 1])));
      if (V % 2) _mm512_mask_cvtepi64_storeu_epi32(row + (V - 1) * bconv::kLanes, 0xFF, scaled(acc[r][V - 1]));
    }
  }
};

}  // namespace

void bconv_avx512vpopcnt(const bconv::Args& args) { bconv::run<Avx512Isa>(args); }

}  // namespace lite
