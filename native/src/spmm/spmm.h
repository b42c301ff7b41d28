// The sparse GEMM's shared definitions: the packed-weights layout (one layout
// for every instruction-set path, so a packed buffer works whichever path runs)
// and the arguments the kernels take.
//
// Y[m,n] = act(X[m,k]·W[k,n]·scale[n] + bias[n]) with X dense float32 (row-major)
// and W sparse: float32 values (scale 1), or int8 values with one float32 scale
// per output column that the kernel applies to the column's float32 sum
// (dequantizing in the epilogue, so the inner loop is the same fp32 FMA).
#pragma once
#include <cstdint>

#include "../kernels.h"

namespace lite::sparse {

// ---------------------------------------------------------------- packed W
//
// Sliced ELLPACK over the output columns (the SELL-16 idea; XNNPACK's sparse
// GEMM also blocks output channels and keeps each one's nonzero input indices
// and values contiguous), with K cut into segments of 64 rows: columns go in
// chunks of 16, a chunk's steps go segment by segment, and step t of segment g
// of a chunk holds the t-th nonzero in rows [64g, 64g + 64) of each of its 16
// columns, so one step is one vector of 16 values plus 16 one-byte row offsets
// into one 64-row segment of x. A chunk-segment has as many steps as its
// fullest column there; shorter columns are padded with value 0 at offset 0.
// At batch 1 the AVX-512 path holds a segment of x in four registers and
// picks each step's 16 activations with two vpermt2ps (no gathers).
//
// A packed buffer (integers little-endian, every section 64-byte aligned):
//   [0, 64)   header: u32 magic 'LSPW', version, value_bits (32|8), k, n,
//             chunks, then u64 steps (all chunks), u64 nnz (stored nonzeros), zeros
//   start     int64 chunk_start[chunks + 1]: chunk b's steps are
//             [chunk_start[b], chunk_start[b + 1]); chunk_start[0] = 0, last = steps
//   counts    u8 seg_steps[chunks·segments] (segments = ceil(k / 64)): steps of
//             chunk b in segment g at [b·segments + g]; a chunk's sum to its steps
//   scales    (int8 only) float32 scale[chunks·16], padding columns 0
//   values    steps·16 float32 or int8: value of step s, lane c at [16s + c]
//   indices   steps·16 u8: the row of that value minus 64·segment (a
//             column's rows increase within a segment)
// Lane c of chunk b is column 16b + c; columns past n are all padding. Kernels
// clamp every offset into its segment and below k (the permute kernel wraps
// it within registers holding the segment, rows past k as 0), so a corrupted
// buffer gives wrong numbers, never an out-of-bounds read; the header, chunk_start and seg_steps are checked on
// every call.
constexpr uint32_t kMagic = 0x5750534C;  // "LSPW"
constexpr uint32_t kVersion = 2;
constexpr int64_t kHeaderBytes = 64;
constexpr int64_t kChunk = 16;  // columns per chunk
constexpr int64_t kSegment = 64;  // rows per segment (u8 offsets; four zmm of x)
constexpr int64_t kMaxK = 65536;

struct Layout {
  int value_bits;  // 32 (float32) or 8 (int8 with per-column scales)
  int64_t k, n, chunks, steps, nnz;
  static int64_t align(int64_t bytes) { return (bytes + 63) / 64 * 64; }
  int64_t segments() const { return (k + kSegment - 1) / kSegment; }
  int64_t start_offset() const { return kHeaderBytes; }
  int64_t counts_offset() const { return align(start_offset() + (chunks + 1) * 8); }
  int64_t scale_offset() const { return align(counts_offset() + chunks * segments()); }
  int64_t values_offset() const { return align(scale_offset() + (value_bits == 8 ? chunks * kChunk * 4 : 0)); }
  int64_t indices_offset() const { return align(values_offset() + steps * kChunk * value_bits / 8); }
  int64_t total_bytes() const { return align(indices_offset() + steps * kChunk); }
};

// The layout of w (k×n row-major, nonzero where w != 0), its chunk_start
// (chunks + 1 entries) and seg_steps (chunks·segments entries). `nonzero(i)`
// says whether element i is stored.
template <class NonZero>
Layout plan(int value_bits, int64_t k, int64_t n, const NonZero& nonzero, int64_t* chunk_start, uint8_t* seg_steps) {
  Layout l{value_bits, k, n, (n + kChunk - 1) / kChunk, 0, 0};
  const int64_t segments = l.segments();
  chunk_start[0] = 0;
  for (int64_t b = 0; b < l.chunks; ++b) {
    const int64_t j0 = b * kChunk, width = n - j0 < kChunk ? n - j0 : kChunk;
    for (int64_t g = 0; g < segments; ++g) {
      // Rows outer: a chunk's 16 columns share cache lines of w.
      int64_t count[kChunk] = {};
      const int64_t r1 = (g + 1) * kSegment < k ? (g + 1) * kSegment : k;
      for (int64_t r = g * kSegment; r < r1; ++r)
        for (int64_t c = 0; c < width; ++c) count[c] += nonzero(r * n + j0 + c) ? 1 : 0;
      int64_t longest = 0;
      for (int64_t c = 0; c < width; ++c) {
        l.nnz += count[c];
        if (count[c] > longest) longest = count[c];
      }
      seg_steps[b * segments + g] = static_cast<uint8_t>(longest);
      l.steps += longest;
    }
    chunk_start[b + 1] = l.steps;
  }
  return l;
}

// Writes the whole packed buffer (layout.total_bytes() bytes, zeroed by the
// caller) from w (k×n float32) or q (k×n int8) and scale (n).
void pack_f32(const Layout& layout, const int64_t* chunk_start, const uint8_t* seg_steps, const float* w, uint8_t* out);
void pack_s8(const Layout& layout, const int64_t* chunk_start, const uint8_t* seg_steps, const int8_t* q,
             const float* scale, uint8_t* out);

// Checks a buffer's header, chunk_start and seg_steps against its length; an empty string
// when it is a packed buffer, else what is wrong with it. `bytes` is the
// buffer's length; the buffer must be 8-byte aligned.
const char* read_layout(const uint8_t* buffer, int64_t bytes, Layout* layout);

// ---------------------------------------------------------------- kernel

// Everything a path's spmm needs; the binding validates it all.
struct SpmmArgs {
  int64_t m;
  Layout w;
  const int64_t* chunk_start;
  const uint8_t* seg_steps;  // chunks·segments
  const float* scale;   // chunks·16 (int8 values) or null (float32 values)
  const void* values;   // steps·16 float32 or int8
  const uint8_t* indices;  // row − 64·segment
  const float* x;       // m×k
  float* y;             // m×n
  const float* bias;    // n, or null
  Activation act;
};

}  // namespace lite::sparse

namespace lite::sparse {

// NHWC convolution with packed sparse HWIO filters (W is K×N with K =
// filterH·filterW·inC, N = outC): a 1×1 stride-1 unpadded conv is spmm on x
// itself (rows = pixels); others run spmm on im2col tiles of pixels.
// `w` carries the weights, bias and activation (m, x and y are set here).
void conv2d(const ConvShape& shape, const float* x, const SpmmArgs& w, float* y);

}  // namespace lite::sparse
