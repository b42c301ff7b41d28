// AVX-VNNI path: the 256-bit vpdpbusd (VEX-encoded, for CPUs with AVX-VNNI but
// no AVX-512) on the same packed panels, each read as two 8-column halves.
// Tiles of 6 rows × 1 panel: 12 ymm sums of the 16 registers.
#include <immintrin.h>

#include "epilogue_avx2.h"
#include "gemm_s8_driver.h"

namespace lite {
namespace {

// As one-instruction asm: GCC 12 copies the sum register around the intrinsic.
inline __m256i dpbusd(__m256i acc, __m256i a, __m256i b) {
  asm("%{vex%} vpdpbusd %2, %1, %0" : "+x"(acc) : "x"(a), "x"(b));
  return acc;
}

typedef int32_t __attribute__((may_alias)) aliased_i32;

inline __m256i broadcast(const uint8_t* p) {
  __m256i v;
  asm("vpbroadcastd %1, %0" : "=x"(v) : "m"(*reinterpret_cast<const aliased_i32*>(p)));
  return v;
}

struct Vnni256Kernel {
  static constexpr int MR = 6, V = 1, kPartial = 1;
  using AElem = uint8_t;

  // Sums of one K block for R rows × W panels, started from t.partial when
  // t.load_partial, written to `out` (row r at out + r·ld); its own function so
  // the sums stay in registers (see the AVX-512 kernel).
  template <int R, int W, int Bits>
  __attribute__((noinline)) static void dot(const s8_detail::Tile<uint8_t>& t, int32_t* out, int64_t ld) {
    constexpr int H = 2 * W;  // 8-column halves
    __m256i acc[R][H];
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r)
#pragma GCC unroll 8
      for (int h = 0; h < H; ++h)
        acc[r][h] = t.load_partial ? _mm256_loadu_si256(reinterpret_cast<const __m256i*>(t.partial + r * t.ld_partial + 8 * h))
                                   : _mm256_setzero_si256();
    const uint8_t* a = t.a;
    const uint8_t* b = t.b;
    const int64_t ps = t.panel_stride;
    if constexpr (Bits == 8) {
      for (int64_t q = 0; q < t.quads; ++q) {
        __m256i bv[H];
#pragma GCC unroll 8
        for (int h = 0; h < H; ++h) bv[h] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + (h / 2) * ps + 32 * (h % 2)));
#pragma GCC unroll 8
        for (int r = 0; r < R; ++r) {
          const __m256i av = broadcast(a + r * t.a_row);
#pragma GCC unroll 8
          for (int h = 0; h < H; ++h) acc[r][h] = dpbusd(acc[r][h], av, bv[h]);
        }
        a += t.a_quad;
        b += 64;
      }
    } else {
      // int4: low nibbles first, then the high ones from a second load (as in
      // the AVX-512 kernel: fewer live registers).
      const __m256i low = _mm256_set1_epi8(0x0F);
      for (int64_t q = 0; q < t.quads; q += 2) {
        __m256i bv[H];
#pragma GCC unroll 8
        for (int h = 0; h < H; ++h)
          bv[h] = _mm256_and_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + (h / 2) * ps + 32 * (h % 2))), low);
#pragma GCC unroll 8
        for (int r = 0; r < R; ++r) {
          const __m256i av = broadcast(a + r * t.a_row);
#pragma GCC unroll 8
          for (int h = 0; h < H; ++h) acc[r][h] = dpbusd(acc[r][h], av, bv[h]);
        }
#pragma GCC unroll 8
        for (int h = 0; h < H; ++h)
          bv[h] = _mm256_and_si256(
              _mm256_srli_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + (h / 2) * ps + 32 * (h % 2))), 4), low);
#pragma GCC unroll 8
        for (int r = 0; r < R; ++r) {
          const __m256i av = broadcast(a + t.a_quad + r * t.a_row);
#pragma GCC unroll 8
          for (int h = 0; h < H; ++h) acc[r][h] = dpbusd(acc[r][h], av, bv[h]);
        }
        a += 2 * t.a_quad;
        b += 64;
      }
    }
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r)
#pragma GCC unroll 8
      for (int h = 0; h < H; ++h) _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + r * ld + 8 * h), acc[r][h]);
  }

  // One function per weight width: GCC allocates each loop's registers on its
  // own (sharing a function, the int4 loop's needs cost the int8 loop copies).
  template <int R, int W>
  static void run_dot(const s8_detail::Tile<uint8_t>& t, int32_t* out, int64_t ld) {
    if (t.g->b.bits == 8)
      dot<R, W, 8>(t, out, ld);
    else
      dot<R, W, 4>(t, out, ld);
  }

  template <int R, int W>
  static void tile(const s8_detail::Tile<uint8_t>& t) {
    if (!t.final) {
      run_dot<R, W>(t, t.partial, t.ld_partial);
      return;
    }
    alignas(32) int32_t sums[R][16 * W];
    run_dot<R, W>(t, &sums[0][0], 16 * W);
    for (int r = 0; r < R; ++r)
      for (int c = 0; c < 16 * W; c += 8)
        s8_avx2::store8(t, r, c, _mm256_load_si256(reinterpret_cast<const __m256i*>(&sums[r][c])));
  }
};

}  // namespace

void gemm_s8_vnni256(const s8::GemmArgs& g) { s8_detail::run_gemm<Vnni256Kernel>(g); }

}  // namespace lite
