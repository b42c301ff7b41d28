// The binary convolution driver every path shares, compiled once per path with
// that path's flags (so the epilogue loops vectorize for it). Isa supplies:
//   static constexpr int kRows;                               rows per block
//   template <Mode M> static void block(const Block&, int32_t* sums);
// block computes, for kRows output pixels × 8·npanels output channels,
// kMult<M> × the raw sum over the window's words (raw_word) into sums[r·32 + c].
//
// Geometry: the input is copied into a zero-bordered buffer when the window
// crosses the border (or to interleave a ternary input's two planes), so every
// output pixel reads its window at fixed offsets from one base pointer: word kk
// of pixel (oh, ow)'s window is at base + word_off[kk]. Weights are repacked
// per call (cheap next to the product) into column blocks of 4 panels of 8
// output channels, interleaved per window word so that one pointer and fixed
// offsets reach them all: word kk, panel p, plane q, lane l at
// block[((kk·4 + p)·planes + q)·8 + l].
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "../runtime/thread_pool.h"
#include "bconv.h"

namespace lite::bconv {

constexpr int kLanes = 8;          // output channels per panel
constexpr int kBlockPanels = 4;    // panels per column block
constexpr int kBlockCols = 32;     // channels per column block: one u32 of output bits
constexpr int kMaxRows = 8;

struct Block {
  const uint64_t* rows[kMaxRows];  // base pointer of each output pixel's window
  const int64_t* word_off;         // offset of each window word (kw of them) from a base pointer
  int64_t kw;                      // words per window and plane
  int64_t a_plane;                 // offset of a ternary input's nonzero words within a pixel
  const uint64_t* panels;          // the column block's weights (layout above)
  int npanels;                     // 1..kBlockPanels
};

// What a block's raw sums are multiplied by: acc = base + kMult·raw − border terms.
template <Mode M>
constexpr int32_t kMult = M == Mode::Ternary ? 1 : -2;

// The raw per-word sums the tiles add up (scalar form, for the ref path and tails):
//   Binary:          popcount(a xor w)
//   TernaryWeights:  popcount(nz_w ∧ (a xor s_w))
//   Ternary:         popcount(m) − 2·popcount(m ∧ (s_a xor s_w)), m = nz_a ∧ nz_w
template <Mode M>
inline int32_t raw_word(uint64_t a, uint64_t a_nz, uint64_t w, uint64_t w_nz) {
  if (M == Mode::Binary) return __builtin_popcountll(a ^ w);
  if (M == Mode::TernaryWeights) return __builtin_popcountll(w_nz & (a ^ w));
  const uint64_t m = a_nz & w_nz;
  return __builtin_popcountll(m) - 2 * __builtin_popcountll(m & (a ^ w));
}

// 64-byte aligned words (panel rows are one cache line each).
struct Words {
  std::unique_ptr<uint64_t, void (*)(void*)> p{nullptr, std::free};
  explicit Words(int64_t n, bool zero) {
    const size_t bytes = (static_cast<size_t>(std::max<int64_t>(n, 1)) * 8 + 63) / 64 * 64;
    p.reset(static_cast<uint64_t*>(std::aligned_alloc(64, bytes)));
    if (!p) throw std::bad_alloc();
    if (zero) std::memset(p.get(), 0, bytes);
  }
  uint64_t* get() const { return p.get(); }
};

// Work (output values × window words) below which one thread does it all: a
// worker's wake-up (25–50 µs) costs more than it saves.
constexpr int64_t kParallelWork = int64_t{1} << 22;

template <class Isa>
void run(const Args& g) {
  static_assert(Isa::kRows <= kMaxRows, "rows per block");
  const ConvShape& s = g.s;
  const int64_t wpt = (s.in_c + 63) / 64, taps = s.filter_h * s.filter_w, kw = taps * wpt;
  const int pa = g.mode == Mode::Ternary ? 2 : 1, pb = g.mode == Mode::Binary ? 1 : 2;
  const int64_t ext_h = (s.filter_h - 1) * s.dilation_h + 1, ext_w = (s.filter_w - 1) * s.dilation_w + 1;
  const int64_t pad_bottom = std::max<int64_t>(0, (s.out_h - 1) * s.stride_h + ext_h - s.pad_top - s.in_h);
  const int64_t pad_right = std::max<int64_t>(0, (s.out_w - 1) * s.stride_w + ext_w - s.pad_left - s.in_w);
  const bool border = s.pad_top > 0 || s.pad_left > 0 || pad_bottom > 0 || pad_right > 0;
  const int64_t hp = s.in_h + s.pad_top + pad_bottom, wp = s.in_w + s.pad_left + pad_right;
  const int64_t pixel_words = pa * wpt;

  // The input, bordered with zero words (+1) and planes interleaved when needed.
  const uint64_t* xa = g.x_sign;
  std::unique_ptr<Words> xbuf;
  if (border || pa == 2) {
    xbuf = std::make_unique<Words>(s.batch * hp * wp * pixel_words, border);
    uint64_t* dst = xbuf->get();
    for (int64_t b = 0; b < s.batch; ++b)
      for (int64_t h = 0; h < s.in_h; ++h) {
        const int64_t src_pixel = (b * s.in_h + h) * s.in_w;
        uint64_t* row = dst + ((b * hp + h + s.pad_top) * wp + s.pad_left) * pixel_words;
        if (pa == 1) {
          std::memcpy(row, g.x_sign + src_pixel * wpt, s.in_w * wpt * 8);
        } else {
          for (int64_t w = 0; w < s.in_w; ++w) {
            std::memcpy(row + w * pixel_words, g.x_sign + (src_pixel + w) * wpt, wpt * 8);
            std::memcpy(row + w * pixel_words + wpt, g.x_nonzero + (src_pixel + w) * wpt, wpt * 8);
          }
        }
      }
    xa = dst;
  }
  std::vector<int64_t> word_off(kw);
  for (int64_t kh = 0; kh < s.filter_h; ++kh)
    for (int64_t kx = 0; kx < s.filter_w; ++kx)
      for (int64_t w = 0; w < wpt; ++w)
        word_off[(kh * s.filter_w + kx) * wpt + w] = (kh * s.dilation_h * wp + kx * s.dilation_w) * pixel_words + w;

  // Weight blocks (channels past outC stay zero; their sums are never stored).
  const int64_t col_blocks = (s.out_c + kBlockCols - 1) / kBlockCols;
  const int64_t npan = (s.out_c + kLanes - 1) / kLanes, block_words = kw * kBlockCols * pb;
  Words panels(col_blocks * block_words, s.out_c % kBlockCols != 0);
  const uint64_t* wplane[2] = {g.w_sign, g.w_nonzero};
  for (int64_t j = 0; j < s.out_c; ++j) {
    const int64_t p = j % kBlockCols / kLanes;
    uint64_t* dst = panels.get() + j / kBlockCols * block_words + p * pb * kLanes + j % kLanes;
    for (int64_t kk = 0; kk < kw; ++kk)
      for (int q = 0; q < pb; ++q) dst[kk * kBlockCols * pb + q * kLanes] = wplane[q][j * kw + kk];
  }

  // acc = base[j] + sums − Σ_{border taps} wsum[t][j], the block's sums being
  // kMult·raw (block's contract above).
  const int64_t ncols = col_blocks * kBlockCols;  // whole blocks: the epilogue reads 32 at a time
  std::vector<int32_t> base(ncols, 0), wsum;
  const bool correct = border && g.mode != Mode::Ternary;
  if (correct) wsum.assign(taps * ncols, 0);
  for (int64_t j = 0; j < s.out_c; ++j)
    for (int64_t t = 0; t < taps; ++t) {
      int32_t plus_one_tap = 0;  // what an all-(+1) input tap adds
      if (g.mode == Mode::Binary) {
        plus_one_tap = static_cast<int32_t>(s.in_c);
        for (int64_t w = 0; w < wpt; ++w) plus_one_tap -= 2 * __builtin_popcountll(g.w_sign[(j * taps + t) * wpt + w]);
        base[j] += static_cast<int32_t>(s.in_c);
      } else if (g.mode == Mode::TernaryWeights) {
        for (int64_t w = 0; w < wpt; ++w) {
          const uint64_t nz = g.w_nonzero[(j * taps + t) * wpt + w], sg = g.w_sign[(j * taps + t) * wpt + w];
          plus_one_tap += __builtin_popcountll(nz) - 2 * __builtin_popcountll(nz & sg);
          base[j] += __builtin_popcountll(nz);
        }
      }
      if (correct) wsum[t * ncols + j] = plus_one_tap;
    }

  const int64_t m = s.batch * s.out_h * s.out_w, pixels = s.out_h * s.out_w;
  const int64_t row_blocks = (m + Isa::kRows - 1) / Isa::kRows;
  const int64_t out_words = 2 * ((s.out_c + 63) / 64);  // u32 per output pixel (Bits)

  // One task per block of kRows output pixels, across all column blocks.
  auto task = [&](int64_t rb) {
    const int64_t i0 = rb * Isa::kRows;
    const int rows = static_cast<int>(std::min<int64_t>(Isa::kRows, m - i0));
    Block blk;
    bool at_border[kMaxRows];
    int64_t ih[kMaxRows], iw[kMaxRows];
    int64_t b = i0 / pixels, y = i0 % pixels / s.out_w, x = i0 % s.out_w;  // stepped, not divided, per row
    for (int r = 0; r < Isa::kRows; ++r) {
      if (r < rows) {
        blk.rows[r] = xa + ((b * hp + y * s.stride_h) * wp + x * s.stride_w) * pixel_words;
        ih[r] = y * s.stride_h - s.pad_top;
        iw[r] = x * s.stride_w - s.pad_left;
        at_border[r] = correct && (ih[r] < 0 || iw[r] < 0 || ih[r] + ext_h > s.in_h || iw[r] + ext_w > s.in_w);
        if (++x == s.out_w) {
          x = 0;
          if (++y == s.out_h) y = 0, ++b;
        }
      } else {
        blk.rows[r] = blk.rows[r - 1];  // past the end: repeat a pixel, never stored
      }
    }
    blk.word_off = word_off.data();
    blk.kw = kw;
    blk.a_plane = wpt;
    for (int64_t cb = 0; cb < col_blocks; ++cb) {
      const int64_t j0 = cb * kBlockCols;
      const int cols = static_cast<int>(std::min<int64_t>(kBlockCols, s.out_c - j0));
      blk.panels = panels.get() + cb * block_words;
      blk.npanels = static_cast<int>(std::min<int64_t>(kBlockPanels, npan - cb * kBlockPanels));
      alignas(64) int32_t sums[kMaxRows * kBlockCols];
      switch (g.mode) {
        case Mode::Binary: Isa::template block<Mode::Binary>(blk, sums); break;
        case Mode::TernaryWeights: Isa::template block<Mode::TernaryWeights>(blk, sums); break;
        case Mode::Ternary: Isa::template block<Mode::Ternary>(blk, sums); break;
      }
      // acc = base + sums − border terms, in place, then the output transform
      // (switched once per block so its per-channel constants stay in registers).
      const int32_t* bj = base.data() + j0;
      for (int r = 0; r < rows; ++r) {
        int32_t* acc = sums + r * kBlockCols;
        for (int c = 0; c < cols; ++c) acc[c] += bj[c];
        if (at_border[r])
          for (int64_t kh = 0; kh < s.filter_h; ++kh)
            for (int64_t kx = 0; kx < s.filter_w; ++kx) {
              const int64_t yy = ih[r] + kh * s.dilation_h, xx = iw[r] + kx * s.dilation_w;
              if (yy >= 0 && yy < s.in_h && xx >= 0 && xx < s.in_w) continue;
              const int32_t* ws = wsum.data() + (kh * s.filter_w + kx) * ncols + j0;
              for (int c = 0; c < cols; ++c) acc[c] -= ws[c];
            }
      }
      switch (g.output) {
        case Output::Int32:
          for (int r = 0; r < rows; ++r) {
            int32_t* __restrict out = static_cast<int32_t*>(g.out) + (i0 + r) * s.out_c + j0;
            for (int c = 0; c < cols; ++c) out[c] = sums[r * kBlockCols + c];
          }
          break;
        case Output::Float32:
        case Output::Int8: {
          alignas(64) float sc[kBlockCols], bi[kBlockCols];
          std::memcpy(sc, g.scale + j0, cols * 4);
          std::memcpy(bi, g.bias + j0, cols * 4);
          const float lo = g.lo, hi = g.hi;
          auto affine = [&](int r, int c) {
            const float v = std::fma(static_cast<float>(sums[r * kBlockCols + c]), sc[c], bi[c]);
            const float above = v > lo ? v : lo;
            return above < hi ? above : hi;
          };
          if (g.output == Output::Float32) {
            for (int r = 0; r < rows; ++r) {
              float* __restrict out = static_cast<float*>(g.out) + (i0 + r) * s.out_c + j0;
              for (int c = 0; c < cols; ++c) out[c] = affine(r, c);
            }
          } else {
            for (int r = 0; r < rows; ++r) {
              int8_t* __restrict out = static_cast<int8_t*>(g.out) + (i0 + r) * s.out_c + j0;
              for (int c = 0; c < cols; ++c) out[c] = static_cast<int8_t>(std::nearbyint(affine(r, c)));
            }
          }
          break;
        }
        case Output::Bits:
          for (int r = 0; r < rows; ++r) {
            uint32_t word = 0;
            const int32_t* acc = sums + r * kBlockCols;
            for (int c = 0; c < cols; ++c)
              word |= static_cast<uint32_t>(g.flip[j0 + c] ? acc[c] > g.threshold[j0 + c] : acc[c] < g.threshold[j0 + c]) << c;
            uint32_t* out = static_cast<uint32_t*>(g.out) + (i0 + r) * out_words + j0 / 32;
            out[0] = word;
            if (j0 + kBlockCols >= s.out_c && j0 / 32 + 1 < out_words) out[1] = 0;  // the 64-bit word's padding half
          }
          break;
      }
    }
  };

  const int64_t tasks = row_blocks;
  if (m * s.out_c * kw * pb < kParallelWork || num_threads() == 1 || tasks == 1) {
    for (int64_t t = 0; t < tasks; ++t) task(t);
  } else {
    parallel_for(tasks, [&](int64_t begin, int64_t end) {
      for (int64_t t = begin; t < end; ++t) task(t);
    });
  }
}

}  // namespace lite::bconv
