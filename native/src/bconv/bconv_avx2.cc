// AVX2 path: four 64-bit lanes per ymm, popcount by nibble lookup (vpshufb) and
// vpsadbw into 64-bit sums. Tiles of 3 output pixels × 8 channels (6 ymm sums).
#include <immintrin.h>

#include "driver.h"
#include "pack_impl.h"

namespace lite {
namespace {

using bconv::Mode;

struct Popcount {
  __m256i lut = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2,
                                 3, 3, 4);
  __m256i low = _mm256_set1_epi8(0x0F);
  // Per 64-bit lane.
  __m256i operator()(__m256i x) const {
    const __m256i lo = _mm256_shuffle_epi8(lut, _mm256_and_si256(x, low));
    const __m256i hi = _mm256_shuffle_epi8(lut, _mm256_and_si256(_mm256_srli_epi16(x, 4), low));
    return _mm256_sad_epu8(_mm256_add_epi8(lo, hi), _mm256_setzero_si256());
  }
};

struct Avx2Isa {
  static constexpr int kRows = 3;

  template <Mode M>
  static void block(const bconv::Block& b, int32_t* sums) {
    for (int p = 0; p < b.npanels; ++p) tile<M>(b, b.panels + p * (M == Mode::Binary ? 1 : 2) * bconv::kLanes, sums + p * bconv::kLanes);
  }

  template <Mode M>
  __attribute__((noinline)) static void tile(const bconv::Block& b, const uint64_t* w, int32_t* sums) {
    constexpr int pb = M == Mode::Binary ? 1 : 2;
    const Popcount popcount;
    __m256i acc[kRows][2];
    for (auto& row : acc) row[0] = row[1] = _mm256_setzero_si256();
    for (int64_t kk = 0; kk < b.kw; ++kk, w += bconv::kBlockCols * pb) {
      const int64_t off = b.word_off[kk];
      __m256i ws[2], wn[2];
      for (int h = 0; h < 2; ++h) {
        ws[h] = _mm256_load_si256(reinterpret_cast<const __m256i*>(w + 4 * h));
        if (pb == 2) wn[h] = _mm256_load_si256(reinterpret_cast<const __m256i*>(w + bconv::kLanes + 4 * h));
      }
      for (int r = 0; r < kRows; ++r) {
        const uint64_t* a = b.rows[r] + off;
        const __m256i as = _mm256_set1_epi64x(static_cast<long long>(a[0]));
        if (M == Mode::Binary) {
          for (int h = 0; h < 2; ++h) acc[r][h] = _mm256_add_epi64(acc[r][h], popcount(_mm256_xor_si256(as, ws[h])));
        } else if (M == Mode::TernaryWeights) {
          for (int h = 0; h < 2; ++h)
            acc[r][h] = _mm256_add_epi64(acc[r][h], popcount(_mm256_and_si256(wn[h], _mm256_xor_si256(as, ws[h]))));
        } else {
          const __m256i an = _mm256_set1_epi64x(static_cast<long long>(a[b.a_plane]));
          for (int h = 0; h < 2; ++h) {
            const __m256i m = _mm256_and_si256(an, wn[h]);
            const __m256i u = popcount(_mm256_and_si256(m, _mm256_xor_si256(as, ws[h])));
            acc[r][h] = _mm256_sub_epi64(_mm256_add_epi64(acc[r][h], popcount(m)), _mm256_add_epi64(u, u));
          }
        }
      }
    }
    // kMult × the low 32 bits of each 64-bit sum, 8 channels per row.
    const __m256i even = _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7);
    for (int r = 0; r < kRows; ++r) {
      const __m256i lo = _mm256_permutevar8x32_epi32(acc[r][0], even), hi = _mm256_permutevar8x32_epi32(acc[r][1], even);
      __m256i x = _mm256_permute2x128_si256(lo, hi, 0x20);
      if (bconv::kMult<M> != 1) x = _mm256_sub_epi32(_mm256_setzero_si256(), _mm256_add_epi32(x, x));
      _mm256_store_si256(reinterpret_cast<__m256i*>(sums + r * bconv::kBlockCols), x);
    }
  }
};

struct Avx2Pack {
  static uint32_t word(const float* x, bool nonzero) {
    uint32_t w = 0;
    const __m256 zero = _mm256_setzero_ps();
    for (int q = 0; q < 4; ++q) {
      const __m256 v = _mm256_loadu_ps(x + 8 * q);
      const __m256 bits = nonzero ? _mm256_cmp_ps(v, zero, _CMP_NEQ_UQ) : _mm256_cmp_ps(v, zero, _CMP_LT_OQ);
      w |= static_cast<uint32_t>(_mm256_movemask_ps(bits)) << (8 * q);
    }
    return w;
  }
  static uint32_t word(const int8_t* x, bool nonzero) {
    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x));
    if (!nonzero) return static_cast<uint32_t>(_mm256_movemask_epi8(v));
    return ~static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, _mm256_setzero_si256())));
  }
};

}  // namespace

LITE_BPACK_ENTRIES(avx2, Avx2Pack)
void bconv_avx2(const bconv::Args& args) { bconv::run<Avx2Isa>(args); }

}  // namespace lite
