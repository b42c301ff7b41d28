// AVX512-VNNI path: vpdpbusd multiplies a broadcast quad of activations (u8) by
// a 64-byte quad of a weight panel (s8, 16 columns × 4 k) and adds each lane's
// four products into its int32 sum, exactly. Tiles of MR rows × V panels hold 24
// zmm sums: 6×4 for wide products (≈95% of vpdpbusd peak on Zen 5, one thread),
// 8×3, 12×2 and 12×1 for products only 3, 2 or 1 panels wide.
#include <immintrin.h>

#include <type_traits>

#include "gemm_s8_driver.h"

namespace lite {
namespace {

// GCC 12 compiles _mm512_dpbusd_epi32 with a register copy (and often a spill)
// per call; as one-instruction asm the sums stay put (≈2.5× faster tiles).
inline __m512i dpbusd(__m512i acc, __m512i a, __m512i b) {
  asm("vpdpbusd %2, %1, %0" : "+v"(acc) : "v"(a), "v"(b));
  return acc;
}

typedef int32_t __attribute__((may_alias)) aliased_i32;

// Four activation bytes to every lane. Asm keeps GCC from hoisting all of a
// tile's broadcasts at once (more live registers than there are).
inline __m512i broadcast(const uint8_t* p) {
  __m512i v;
  asm("vpbroadcastd %1, %0" : "=v"(v) : "m"(*reinterpret_cast<const aliased_i32*>(p)));
  return v;
}

inline __mmask16 mask_for(int cols) { return cols >= 16 ? 0xFFFF : cols <= 0 ? 0 : static_cast<__mmask16>((1u << cols) - 1); }

// The epilogue of a tile of `rows` × 16·W sums (row r at sums + r·16·W): x = Σ A·B
// − zpA·colsum − row correction, then the output conversion O (gemm_s8.h). The
// per-row and per-column values are copied to locals first: stores to C could
// alias them, and reloading them per vector costs more than the conversion.
template <s8::Output O, int W>
void epilogue(const s8_detail::Tile<uint8_t>& t, int rows, const int32_t* sums) {
  using T = typename std::conditional<O == s8::Output::Int32, int32_t,
            typename std::conditional<O == s8::Output::Float32, float, uint8_t>::type>::type;
  const s8::GemmArgs& g = *t.g;
  __m512i colsum[W];
  __m512 scale[W], bias[W];
  __mmask16 mask[W];
  for (int w = 0; w < W; ++w) {
    colsum[w] = _mm512_loadu_si512(g.colsum + t.j + 16 * w);
    scale[w] = _mm512_loadu_ps(g.col_scale + t.j + 16 * w);
    bias[w] = _mm512_loadu_ps(g.col_bias + t.j + 16 * w);
    mask[w] = mask_for(t.cols - 16 * w);
  }
  const __m512 lo = _mm512_set1_ps(g.lo), hi = _mm512_set1_ps(g.hi);
  const __m512i out_zp = _mm512_set1_epi32(g.out_zero_point);
  T* out = static_cast<T*>(g.out) + t.i * g.n + t.j;
  const int64_t ld = g.n;
  int32_t zp[s8_detail::kMaxRows], corr[s8_detail::kMaxRows];
  float row_scale[s8_detail::kMaxRows];
  for (int r = 0; r < rows; ++r) {
    zp[r] = t.row_zp[r];
    corr[r] = t.row_corr[r];
    row_scale[r] = t.row_scale[r];
  }
  for (int r = 0; r < rows; ++r) {
    const __m512i zp_r = _mm512_set1_epi32(zp[r]), corr_r = _mm512_set1_epi32(corr[r]);
    const __m512 rs = _mm512_set1_ps(row_scale[r]);
#pragma GCC unroll 4
    for (int w = 0; w < W; ++w) {
      const __m512i acc = _mm512_load_si512(sums + r * 16 * W + 16 * w);
      const __m512i x = _mm512_sub_epi32(_mm512_sub_epi32(acc, _mm512_mullo_epi32(zp_r, colsum[w])), corr_r);
      T* dst = out + r * ld + 16 * w;
      if (O == s8::Output::Int32) {
        _mm512_mask_storeu_epi32(dst, mask[w], x);
        continue;
      }
      __m512 y = _mm512_fmadd_ps(_mm512_cvtepi32_ps(x), _mm512_mul_ps(rs, scale[w]), bias[w]);
      y = _mm512_min_ps(_mm512_max_ps(y, lo), hi);
      if (O == s8::Output::Float32) {
        _mm512_mask_storeu_ps(dst, mask[w], y);
        continue;
      }
      // y is already clamped to the output's range: truncating to bytes is exact.
      _mm_mask_storeu_epi8(dst, mask[w], _mm512_cvtepi32_epi8(_mm512_add_epi32(_mm512_cvtps_epi32(y), out_zp)));
    }
  }
}

template <int Rows, int Panels>
struct Vnni512Kernel {
  static constexpr int MR = Rows, V = Panels, kPartial = 1;
  using AElem = uint8_t;

  // Sums of one K block for R rows × W panels, started from t.partial when
  // t.load_partial, written to `out` (row r at out + r·ld). Its own function so
  // the sums live in registers: their array never has its address taken.
  template <int R, int W, int Bits>
  __attribute__((noinline)) static void dot(const s8_detail::Tile<uint8_t>& t, int32_t* out, int64_t ld) {
    __m512i acc[R][W];
#pragma GCC unroll 24
    for (int r = 0; r < R; ++r)
#pragma GCC unroll 4
      for (int w = 0; w < W; ++w)
        acc[r][w] = t.load_partial ? _mm512_loadu_si512(t.partial + r * t.ld_partial + 16 * w) : _mm512_setzero_si512();
    const uint8_t* a = t.a;
    const uint8_t* b = t.b;
    const int64_t ps = t.panel_stride;
    if constexpr (Bits == 8) {
      for (int64_t q = 0; q < t.quads; ++q) {
        __m512i bv[W];
#pragma GCC unroll 4
        for (int w = 0; w < W; ++w) bv[w] = _mm512_loadu_si512(b + w * ps);
#pragma GCC unroll 24
        for (int r = 0; r < R; ++r) {
          const __m512i av = broadcast(a + r * t.a_row);
#pragma GCC unroll 4
          for (int w = 0; w < W; ++w) acc[r][w] = dpbusd(acc[r][w], av, bv[w]);
        }
        a += t.a_quad;
        b += 64;
      }
    } else {
      // int4: one 64-byte chunk holds two quads, in its low and high nibbles. The
      // high nibbles are unpacked after the low ones are used (a second load
      // from L1), so only W unpacked vectors are live beside the 24 sums.
      const __m512i low = _mm512_set1_epi8(0x0F);
      for (int64_t q = 0; q < t.quads; q += 2) {
        __m512i bv[W];
#pragma GCC unroll 4
        for (int w = 0; w < W; ++w) bv[w] = _mm512_and_si512(_mm512_loadu_si512(b + w * ps), low);
#pragma GCC unroll 24
        for (int r = 0; r < R; ++r) {
          const __m512i av = broadcast(a + r * t.a_row);
#pragma GCC unroll 4
          for (int w = 0; w < W; ++w) acc[r][w] = dpbusd(acc[r][w], av, bv[w]);
        }
#pragma GCC unroll 4
        for (int w = 0; w < W; ++w) bv[w] = _mm512_and_si512(_mm512_srli_epi16(_mm512_loadu_si512(b + w * ps), 4), low);
#pragma GCC unroll 24
        for (int r = 0; r < R; ++r) {
          const __m512i av = broadcast(a + t.a_quad + r * t.a_row);
#pragma GCC unroll 4
          for (int w = 0; w < W; ++w) acc[r][w] = dpbusd(acc[r][w], av, bv[w]);
        }
        a += 2 * t.a_quad;
        b += 64;
      }
    }
#pragma GCC unroll 24
    for (int r = 0; r < R; ++r)
#pragma GCC unroll 4
      for (int w = 0; w < W; ++w) _mm512_storeu_si512(out + r * ld + 16 * w, acc[r][w]);
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
    alignas(64) int32_t sums[R * 16 * W];
    run_dot<R, W>(t, sums, 16 * W);
    switch (t.g->output) {
      case s8::Output::Int32: epilogue<s8::Output::Int32, W>(t, R, sums); break;
      case s8::Output::Float32: epilogue<s8::Output::Float32, W>(t, R, sums); break;
      default: epilogue<s8::Output::Uint8, W>(t, R, sums); break;  // int8 too: the same bytes
    }
  }
};

}  // namespace

void gemm_s8_vnni512(const s8::GemmArgs& g) {
  if (g.b.panels <= 1)
    s8_detail::run_gemm<Vnni512Kernel<12, 1>>(g);
  else if (g.b.panels <= 2)
    s8_detail::run_gemm<Vnni512Kernel<12, 2>>(g);
  else if (g.b.panels <= 3)
    s8_detail::run_gemm<Vnni512Kernel<8, 3>>(g);
  else
    s8_detail::run_gemm<Vnni512Kernel<6, 4>>(g);
}

}  // namespace lite
