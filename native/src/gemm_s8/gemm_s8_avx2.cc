// AVX2 path (no VNNI). vpmaddubsw would add two u8·s8 products into an int16 and
// saturate (255·(−128)·2 = −65280), so this kernel stays exact for full-range
// int8 another way: activations are packed zero-extended to int16, weights are
// sign-extended on load (vpmovsxbw), and vpmaddwd adds pairs of 16-bit products
// into int32 lanes, which cannot overflow. It costs the same multiplier issue
// slots per product as vpmaddubsw + vpmaddwd.
//
// A 16-byte load of a panel quad is 4 columns × 4 k; vpmaddwd against the
// broadcast quad gives each column two partial sums (k 0+1, k 2+3), which the
// epilogue adds with vphaddd. Tiles of 3 rows × 1 panel: 12 ymm sums. (≈190
// GOP/s on Zen 5, ~2× the AVX2 fp32 GEMM; there vpmovsxbw competes with
// vpmaddwd for the same pipes.)
#include <immintrin.h>

#include "epilogue_avx2.h"
#include "gemm_s8_driver.h"

namespace lite {
namespace {

typedef int64_t __attribute__((may_alias)) aliased_i64;

// A row's quad of activations (4 × int16) in every 64-bit lane, loaded where it
// stands (volatile: hoisting every row's broadcast out of the column loop would
// spill a sum, and a spilled sum costs a store-to-load round trip per quad).
inline __m256i broadcast(const int16_t* p) {
  __m256i v;
  asm volatile("vpbroadcastq %1, %0" : "=x"(v) : "m"(*reinterpret_cast<const aliased_i64*>(p)));
  return v;
}

struct MaddKernel {
  static constexpr int MR = 3, V = 1;
  static constexpr int kPartial = 2;  // two partial sums per column
  using AElem = int16_t;

  // Sums (two per column) of one K block for R rows × W panels, started from
  // t.partial when t.load_partial, written to `out` (row r at out + r·ld); its
  // own function so the sums stay in registers (see the AVX-512 VNNI kernel).
  template <int R, int W, int Bits>
  __attribute__((noinline)) static void dot(const s8_detail::Tile<int16_t>& t, int32_t* out, int64_t ld) {
    constexpr int G = 4 * W;  // 4-column groups
    __m256i acc[R][G];
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r)
#pragma GCC unroll 8
      for (int c = 0; c < G; ++c)
        acc[r][c] = t.load_partial ? _mm256_loadu_si256(reinterpret_cast<const __m256i*>(t.partial + r * t.ld_partial + 8 * c))
                                   : _mm256_setzero_si256();
    const int16_t* a = t.a;
    const uint8_t* b = t.b;
    const int64_t ps = t.panel_stride;
    if constexpr (Bits == 8) {
      for (int64_t q = 0; q < t.quads; ++q) {
#pragma GCC unroll 8
        for (int c = 0; c < G; ++c) {
          const __m256i bv = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(b + (c / 4) * ps + 16 * (c % 4))));
#pragma GCC unroll 8
          for (int r = 0; r < R; ++r) acc[r][c] = _mm256_add_epi32(acc[r][c], _mm256_madd_epi16(broadcast(a + r * t.a_row), bv));
        }
        a += t.a_quad;
        b += 64;
      }
    } else {
      // int4: a 16-byte load holds 4 columns of two quads (low and high nibbles, 0..15).
      const __m128i low = _mm_set1_epi8(0x0F);
      for (int64_t q = 0; q < t.quads; q += 2) {
#pragma GCC unroll 8
        for (int c = 0; c < G; ++c) {
          const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + (c / 4) * ps + 16 * (c % 4)));
          const __m256i lo = _mm256_cvtepu8_epi16(_mm_and_si128(x, low));
          const __m256i hi = _mm256_cvtepu8_epi16(_mm_and_si128(_mm_srli_epi16(x, 4), low));
#pragma GCC unroll 8
          for (int r = 0; r < R; ++r) {
            const __m256i s = _mm256_add_epi32(_mm256_madd_epi16(broadcast(a + r * t.a_row), lo),
                                               _mm256_madd_epi16(broadcast(a + t.a_quad + r * t.a_row), hi));
            acc[r][c] = _mm256_add_epi32(acc[r][c], s);
          }
        }
        a += 2 * t.a_quad;
        b += 64;
      }
    }
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r)
#pragma GCC unroll 8
      for (int c = 0; c < G; ++c) _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + r * ld + 8 * c), acc[r][c]);
  }

  // One function per weight width: GCC allocates each loop's registers on its
  // own (sharing a function, the int4 loop's needs cost the int8 loop copies).
  template <int R, int W>
  static void run_dot(const s8_detail::Tile<int16_t>& t, int32_t* out, int64_t ld) {
    if (t.g->b.bits == 8)
      dot<R, W, 8>(t, out, ld);
    else
      dot<R, W, 4>(t, out, ld);
  }

  template <int R, int W>
  static void tile(const s8_detail::Tile<int16_t>& t) {
    if (!t.final) {
      run_dot<R, W>(t, t.partial, t.ld_partial);
      return;
    }
    alignas(32) int32_t sums[R][32 * W];
    run_dot<R, W>(t, &sums[0][0], 32 * W);
    for (int r = 0; r < R; ++r)
      for (int c = 0; c < 4 * W; c += 2) {
        // [c0 c0' c1 c1' | c2 c2' c3 c3'] and the next group → 8 column sums in order.
        const __m256i x = _mm256_load_si256(reinterpret_cast<const __m256i*>(&sums[r][8 * c]));
        const __m256i y = _mm256_load_si256(reinterpret_cast<const __m256i*>(&sums[r][8 * c + 8]));
        s8_avx2::store8(t, r, 4 * c, _mm256_permute4x64_epi64(_mm256_hadd_epi32(x, y), 0xD8));
      }
  }
};

}  // namespace

void gemm_s8_madd_avx2(const s8::GemmArgs& g) { s8_detail::run_gemm<MaddKernel>(g); }

}  // namespace lite
