// Binary and ternary convolution and GEMM by XNOR + popcount.
//
// Packed bits (one layout for every path and for the binding):
//   A tensor of rows × C values (NHWC activations: rows = N·H·W; OHWI filters:
//   rows = O·H·W) is stored row by row, each row as ceil(C / 64) little-endian
//   64-bit words; channel c is bit c % 64 of word c / 64, and bits past C are 0.
//   Sign plane: 1 where x < 0 (−1), 0 elsewhere (+1; so the padding is +1, as in
//   LCE). Ternary values {−1, 0, +1} add a nonzero plane: 1 where x ≠ 0 (the sign
//   plane's bits under a 0 of the nonzero plane are ignored).
//
// The exact integer result of a pixel and output channel o is the dot product
// of ±1 (or ternary) values over the filter window with ZERO padding, as an fp32
// convolution computes it:
//   binary:   acc = taps·C − 2·Σ popcount(x xor w) − Σ_{taps in the border} wsum(tap, o)
// where a tap outside the input reads an all-zero word (+1 everywhere) and
// wsum(tap, o) = Σ_c w[o, tap, c] is what that +1 tap added; it is subtracted
// again (LCE's "zero padding" correction). Padding channels add 0 (both bits 0).
//   ternary weights, binary activations: acc = Σ popcount(nz_w) − 2·Σ popcount(nz_w ∧ (x xor s_w))
//   ternary both:  acc = Σ popcount(m) − 2·popcount(m ∧ (s_x xor s_w)), m = nz_x ∧ nz_w
// (padding taps of ternary activations have nz = 0: nothing to correct).
#pragma once
#include <cstdint>

#include "../kernels.h"

namespace lite::bconv {

// taps·C at most 2^24: every |acc| is then exact as a float32.
constexpr int64_t kMaxK = int64_t{1} << 24;

enum class Mode : int32_t {
  Binary = 0,          // ±1 activations × ±1 weights
  TernaryWeights = 1,  // ±1 activations × {−1, 0, +1} weights
  Ternary = 2,         // {−1, 0, +1} activations × {−1, 0, +1} weights
};

enum class Output : int32_t {
  Int32 = 0,    // out = acc
  Float32 = 1,  // out = clamp(fma(float(acc), scale[o], bias[o]), lo, hi)
  Int8 = 2,     // out = round_half_even(clamp(fma(float(acc), scale[o], bias[o]), lo, hi)), lo ≥ −128, hi ≤ 127
  Bits = 3,     // packed sign bits of the output: bit = flip[o] ? acc > threshold[o] : acc < threshold[o]
};

// One convolution (a GEMM is the 1×1 convolution over [1, M, 1, K] with N
// output channels). The binding validates everything.
struct Args {
  ConvShape s;
  Mode mode;
  const uint64_t* x_sign;     // batch·inH·inW rows of ceil(inC/64) words
  const uint64_t* x_nonzero;  // Mode::Ternary only
  const uint64_t* w_sign;     // outC·filterH·filterW rows of ceil(inC/64) words (OHWI)
  const uint64_t* w_nonzero;  // ternary modes only
  Output output;
  // Float32 / Int8: clamp is (y > lo ? y : lo) then (y < hi ? y : hi).
  const float* scale;  // outC
  const float* bias;   // outC
  float lo, hi;
  // Bits: one per output channel.
  const int32_t* threshold;
  const uint8_t* flip;  // 0: bit = acc < threshold; else bit = acc > threshold
  void* out;            // batch·outH·outW rows of outC values, or of 2·ceil(outC/64) u32 words (Bits)
};

}  // namespace lite::bconv

namespace lite {

// One path's binary kernels (KernelTable::binary_kernels).
struct BinaryKernels {
  // Packs rows × channels values into bits, 32 channels per u32 (two u32 make
  // one little-endian 64-bit word), row_words u32 per row (≥ ceil(channels/32);
  // the rest are zeroed). nonzero: the nonzero plane (x ≠ 0), else the sign
  // plane (x < 0; NaN and −0 give 0).
  void (*pack_f32)(const float* x, int64_t rows, int64_t channels, int64_t row_words, bool nonzero, uint32_t* out);
  void (*pack_s8)(const int8_t* x, int64_t rows, int64_t channels, int64_t row_words, bool nonzero, uint32_t* out);
  void (*conv)(const bconv::Args& args);
};

}  // namespace lite
