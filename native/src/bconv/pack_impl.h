// packBits for every path: rows × channels values → sign (x < 0) or nonzero
// (x ≠ 0) bits, 32 channels per u32 (bconv.h). Isa supplies the full-word
// step, word(const T* x, bool nonzero) → u32 for 32 values; the tail of a row
// is scalar.
#pragma once
#include <cstdint>
#include <cstring>

#include "../runtime/thread_pool.h"

namespace lite::bconv {

template <class T>
inline uint32_t tail_word(const T* x, int64_t n, bool nonzero) {
  uint32_t w = 0;
  for (int64_t c = 0; c < n; ++c) w |= static_cast<uint32_t>(nonzero ? x[c] != 0 : x[c] < 0) << c;
  return w;
}

// Values packed below which one thread does it all.
constexpr int64_t kParallelPack = int64_t{1} << 18;

template <class Isa, class T>
void pack(const T* x, int64_t rows, int64_t channels, int64_t row_words, bool nonzero, uint32_t* out) {
  auto some = [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const T* xr = x + r * channels;
      uint32_t* o = out + r * row_words;
      int64_t c = 0, w = 0;
      for (; c + 32 <= channels; c += 32) o[w++] = Isa::word(xr + c, nonzero);
      if (c < channels) o[w++] = tail_word(xr + c, channels - c, nonzero);
      for (; w < row_words; ++w) o[w] = 0;
    }
  };
  if (rows * channels < kParallelPack || rows == 1)
    some(0, rows);
  else
    parallel_for(rows, some);
}

}  // namespace lite::bconv

// A path's two pack entries (bconv.h, BinaryKernels), on its Isa.
#define LITE_BPACK_ENTRIES(isa, Isa)                                                                      \
  void bpack_f32_##isa(const float* x, int64_t rows, int64_t channels, int64_t row_words, bool nonzero,   \
                       uint32_t* out) {                                                                  \
    bconv::pack<Isa>(x, rows, channels, row_words, nonzero, out);                                        \
  }                                                                                                      \
  void bpack_s8_##isa(const int8_t* x, int64_t rows, int64_t channels, int64_t row_words, bool nonzero,  \
                      uint32_t* out) {                                                                   \
    bconv::pack<Isa>(x, rows, channels, row_words, nonzero, out);                                        \
  }
