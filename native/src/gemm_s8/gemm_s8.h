// The int8 GEMM's shared definitions: the packed-weights layout (one layout for
// every instruction-set path, so a packed buffer works whichever path runs) and
// the arguments the kernels take.
//
// C[m,n] = Σ_k (A[m,k] − zpA)·B[k,n], A uint8 activations with a zero point, B
// int8 (or int4) symmetric weights, packed once. The kernels compute Σ A·B and
// subtract zpA·colsum(B) afterwards, so the inner loop never touches zpA.
#pragma once
#include <cstdint>

namespace lite::s8 {

// ---------------------------------------------------------------- packed B
//
// A packed buffer (all integers little-endian):
//   [0, 64)     header: u32 magic 'LPKB', version, bits (8|4), k, n, kPadded,
//               panels, then zeros
//   [64, …)     int32 column sums Σ_k B[k,j], panels·16 of them (padding 0)
//   then        the panels, each `panel_bytes` long
//
// Columns go in panels of 16 (one 64-byte vector of 16 int32 lanes; a 256-bit
// path reads a panel as two halves). Inside a panel, k goes in quads of 4: quad
// q is 64 bytes, byte 4c + t holds B[4q + t, 16p + c] — the four bytes one
// vpdpbusd lane multiplies by four activations. Rows past k and columns past n
// are 0.
//
// int4 (bits 4) halves that: 64-byte chunk s holds quads 2s and 2s+1, byte
// 4c + t carrying quad 2s's value in its low nibble and quad 2s+1's in its high
// nibble, each stored as v + 8 (0..15, so unpacking is a mask, not a sign
// extension; the kernels subtract 8·Σ_k A[i,k] for it). Padding stores v = 0.
constexpr uint32_t kMagic = 0x424B504C;  // "LPKB"
constexpr uint32_t kVersion = 1;
constexpr int64_t kHeaderBytes = 64;
constexpr int64_t kPanel = 16;  // columns per panel

// The largest k: every sum of k products (A − zpA)·B, |…| ≤ 255·128, fits int32.
constexpr int64_t kMaxK = 65536;

struct Layout {
  int bits;             // 8 or 4
  int64_t k, n;
  int64_t k_padded;     // k rounded up to 4 (int8) or 8 (int4)
  int64_t panels;       // ceil(n / 16)
  int64_t panel_bytes;  // k_padded·16 (int8) or k_padded·8 (int4)
  int64_t colsum_offset() const { return kHeaderBytes; }
  int64_t data_offset() const { return kHeaderBytes + panels * kPanel * 4; }
  int64_t total_bytes() const { return data_offset() + panels * panel_bytes; }
};

Layout layout_for(int bits, int64_t k, int64_t n);

// Writes the whole packed buffer (layout.total_bytes() bytes). b is k×n row-major
// int8; b4 holds k·n int4 codes two per byte, element e in the low nibble of
// byte e/2 when e is even, else the high nibble (the Int4Tensor layout).
void pack_s8(const Layout& layout, const int8_t* b, uint8_t* out);
void pack_s4(const Layout& layout, const uint8_t* b4, uint8_t* out);

// Checks a buffer's header against its length; an empty string when it is a
// packed buffer, else what is wrong with it.
const char* read_layout(const uint8_t* buffer, int64_t bytes, Layout* layout);

// ---------------------------------------------------------------- GEMM

enum class Output : int32_t { Int32 = 0, Float32 = 1, Uint8 = 2, Int8 = 3 };

// Everything a path's gemm_s8 needs; the binding validates it all.
//
// For each element, x = Σ_k A·B − zpA_i·colsum_j (exact int32), then
//   Int32:          out = x
//   Float32:        out = clamp(fma(float(x), row_scale_i · col_scale_j, col_bias_j))
//   Uint8 / Int8:   y = clamp(fma(float(x), row_scale_i · col_scale_j, col_bias_j)),
//                   out = round_half_even(y) + out_zero_point
// with float32 arithmetic throughout (one rounding in the fma) and clamp(y) =
// min(max(y, lo), hi) written as in max_ps/min_ps: (y > lo ? y : lo), then
// (y < hi ? y : hi). The binding folds the activation and, for 8-bit outputs,
// the output scale into col_scale, col_bias, lo and hi (see binding).
struct GemmArgs {
  int64_t m, n, k;
  const uint8_t* a;  // m rows of k, lda apart
  // Row stride of A (≥ k). With lda ≥ b.k_padded (and its bytes past k zero),
  // a ragged k is read in place instead of being packed.
  int64_t lda;
  Layout b;
  const int32_t* colsum;      // b.panels·16
  const uint8_t* panels;      // b.panels·b.panel_bytes
  const int32_t* a_zero_point;  // one per row when per_row, else one
  const float* row_scale;       // one per row when per_row, else one
  bool per_row;
  const float* col_scale;  // b.panels·16 (padding 0)
  const float* col_bias;   // b.panels·16 (padding 0)
  float lo, hi;
  int32_t out_zero_point;
  Output output;
  void* out;  // m×n of the output type
};

// Dynamic quantization of an m×k float32 matrix to uint8, per row or per tensor:
// range [lo, hi] = [min(0, min x), max(0, max x)], scale = float((hi − lo) / 255)
// (1 when that is 0), zp = clamp(round_half_even(−lo / scale), 0, 255) (both in
// double), inv = float(1 / scale), q = round_half_even(clamp(x·inv, −zp, 255 − zp)) + zp
// (x·inv in float32). Writes q (m×k), scale and zp (m of each, or one). Returns
// false, writing nothing useful, when x holds NaN or ±Infinity.
struct QuantizeArgs {
  int64_t m, k;
  const float* x;
  bool per_row;
  uint8_t* q;
  float* scale;
  int32_t* zero_point;
};

// The int8 kernel the chosen path runs: 'ref', 'avx2', 'avxvnni' or 'avx512vnni'.
const char* kernel_name();

}  // namespace lite::s8
