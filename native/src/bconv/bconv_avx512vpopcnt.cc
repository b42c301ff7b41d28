// AVX-512 VPOPCNTDQ path: eight 64-bit lanes per zmm (one panel of 8 output
// channels), vpopcntq, and vpternlogq for the ternary masks. Tiles of 6 output
// pixels × 4 panels hold 24 zmm sums (binary; ternary 6 × 2): per window word,
// 3 vector ops per 512 bit-products (xor, popcount, add).
#include <immintrin.h>

#include <algorithm>

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

  // The window's raw sums for kRows pixels × V panels (inlined into the
  // out-of-line callers below: its 30 live zmm get the register allocator to themselves).
  template <Mode M, int V>
  __attribute__((always_inline)) static inline void accumulate(const bconv::Block& b, const uint64_t* const* rows, const uint64_t* w,
                                                              __m512i (&acc)[kRows][V]) {
    constexpr int pb = M == Mode::Binary ? 1 : 2;
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
        const uint64_t* a = rows[r] + off;
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

  // Tiles [t0, t1) of a binary column block (4 panels) with the output
  // transform in registers (driver.h, Fused): no int32 sums stored and read back.
  __attribute__((noinline)) static void fused_binary(const bconv::Block& b, const bconv::Fused& f, int64_t t0, int64_t t1) {
    const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    // Locals, not reads through f: the output stores could alias f for all the compiler knows.
    const int32_t* const* const offs = f.off;
    const uint64_t* const* const pix = f.pix;
    const int64_t j0 = f.j0, m = f.m, stride = f.out_stride;
    const float* const scale = f.scale;
    const float* const bias = f.bias;
    const int32_t* const threshold = f.threshold;
    const float flo = f.lo, fhi = f.hi;
    const uint32_t fflip = f.flip;
    char* const out_base = f.out;
    const bconv::Output output = f.output;
    for (int64_t t = t0; t < t1; ++t) {
      const int64_t i0 = t * kRows;
      __m512i acc[kRows][4];
      accumulate<Mode::Binary, 4>(b, pix + i0, b.panels, acc);
      const int rows = static_cast<int>(std::min<int64_t>(kRows, m - i0));
      char* out0 = out_base + i0 * stride;
      // acc = off − 2·raw, channels 0–15 and 16–31 of row r.
      auto row_acc = [&](int r, int h) {
        const __m512i raw = _mm512_permutex2var_epi32(acc[r][2 * h], even, acc[r][2 * h + 1]);
        return _mm512_sub_epi32(_mm512_loadu_si512(offs[i0 + r] + j0 + 16 * h), _mm512_add_epi32(raw, raw));
      };
      switch (output) {
        case bconv::Output::Float32: {
          const __m512 lo = _mm512_set1_ps(flo), hi = _mm512_set1_ps(fhi);
#pragma GCC unroll 6
          for (int r = 0; r < kRows; ++r) {
            if (r >= rows) break;
            float* out = reinterpret_cast<float*>(out0 + r * stride);
            for (int h = 0; h < 2; ++h) {
              const __m512 v = _mm512_fmadd_ps(_mm512_cvtepi32_ps(row_acc(r, h)), _mm512_loadu_ps(scale + 16 * h),
                                               _mm512_loadu_ps(bias + 16 * h));
              // (v > lo ? v : lo) then (y < hi ? y : hi), as the scalar epilogue.
              _mm512_storeu_ps(out + 16 * h, _mm512_min_ps(_mm512_max_ps(v, lo), hi));
            }
          }
          break;
        }
        case bconv::Output::Bits: {
          const __mmask16 flip[2] = {static_cast<__mmask16>(fflip), static_cast<__mmask16>(fflip >> 16)};
#pragma GCC unroll 6
          for (int r = 0; r < kRows; ++r) {
            if (r >= rows) break;
            uint32_t word = 0;
            for (int h = 0; h < 2; ++h) {
              const __m512i a = row_acc(r, h), th = _mm512_loadu_si512(threshold + 16 * h);
              const __mmask16 bits = _kor_mask16(_mm512_mask_cmpgt_epi32_mask(flip[h], a, th),
                                                 _mm512_mask_cmplt_epi32_mask(_knot_mask16(flip[h]), a, th));
              word |= static_cast<uint32_t>(bits) << (16 * h);
            }
            *reinterpret_cast<uint32_t*>(out0 + r * stride) = word;
          }
          break;
        }
        default:
#pragma GCC unroll 6
          for (int r = 0; r < kRows; ++r) {
            if (r >= rows) break;
            int32_t* out = reinterpret_cast<int32_t*>(out0 + r * stride);
            for (int h = 0; h < 2; ++h) _mm512_storeu_si512(out + 16 * h, row_acc(r, h));
          }
          break;
      }
    }
  }

  template <Mode M, int V>
  __attribute__((noinline)) static void tile(const bconv::Block& b, const uint64_t* w, int32_t* sums) {
    __m512i acc[kRows][V];
    accumulate<M, V>(b, b.rows, w, acc);
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
