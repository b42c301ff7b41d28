// The binary convolution driver every path shares, compiled once per path with
// that path's flags (so the epilogue loops vectorize for it). Isa supplies:
//   static constexpr int kRows;                               rows per block
//   template <Mode M> static void block(const Block&, int32_t* sums);
// block computes, for kRows output pixels × 8·npanels output channels,
// kMult<M> × the raw sum over the window's words (raw_word) into sums[r·32 + c];
// optionally (Fused below) fused_binary runs whole ranges of binary tiles with
// the output transform in registers, for outC a multiple of 32.
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
#include <type_traits>
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

// The binary path with the output transform in registers (optional:
// Isa::fused_binary(const Block&, const Fused&, t0, t1) runs tiles [t0, t1) of
// kRows pixels over one column block of 32 channels; Int32, Float32 and Bits
// output): acc = off[i][j0 + c] − 2·raw, then
//   Int32: out = acc; Float32: out = clamp(fma(float(acc), scale[c], bias[c]), lo, hi)
//   Bits:  bit c of one u32 = flip bit c ? acc > threshold[c] : acc < threshold[c]
struct Fused {
  const uint64_t* const* pix;  // tiles·kRows window base pointers (past m: repeats, never stored)
  const int32_t* const* off;   // tiles·kRows rows of ncols int32: base − the pixel's border terms
  int64_t m;                   // output pixels: rows past it are not stored
  int64_t j0;                  // the column block's first channel
  char* out;                   // pixel 0's first output of the column block
  int64_t out_stride;          // bytes per output pixel
  Output output;
  const float* scale;          // 32 (Float32)
  const float* bias;           // 32 (Float32)
  float lo, hi;
  const int32_t* threshold;    // 32 (Bits)
  uint32_t flip;               // bit c: channel c's flip (Bits)
};

template <class T, class = void>
struct HasFused : std::false_type {};
template <class T>
struct HasFused<T, std::void_t<decltype(&T::fused_binary)>> : std::true_type {};

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

  // Whether tap (kh, kx) of the window at input (ih, iw) lies in the border.
  auto outside = [&](int64_t ih, int64_t iw, int64_t kh, int64_t kx) {
    const int64_t yy = ih + kh * s.dilation_h, xx = iw + kx * s.dilation_w;
    return !(yy >= 0 && yy < s.in_h && xx >= 0 && xx < s.in_w);
  };

  const int64_t m = s.batch * s.out_h * s.out_w, pixels = s.out_h * s.out_w;
  const int64_t row_blocks = (m + Isa::kRows - 1) / Isa::kRows;
  const int64_t out_words = 2 * ((s.out_c + 63) / 64);  // u32 per output pixel (Bits)
  const int64_t tasks = row_blocks;
  const bool serial = m * s.out_c * kw * pb < kParallelWork || num_threads() == 1 || tasks == 1;

  // The fused path (binary, outC a multiple of 32, outputs other than Int8):
  // every pixel's window pointer and corrected base computed once, then the
  // ISA runs whole ranges of tiles per column block with the output transform
  // in registers.
  if constexpr (HasFused<Isa>::value) {
    if (g.mode == Mode::Binary && g.output != Output::Int8 && s.out_c % kBlockCols == 0) {
      const int64_t n = row_blocks * Isa::kRows;
      std::vector<const uint64_t*> pix(n);
      std::vector<const int32_t*> off(n, base.data());
      // Corrected bases, one per distinct set of border taps (a bit mask of
      // them up to 64 taps; past that, one per border pixel).
      std::vector<uint64_t> patterns;
      std::vector<int32_t> fixed;
      std::vector<int64_t> pattern_row;  // (pixel, row of fixed) pairs
      for (int64_t b = 0, i = 0; b < s.batch; ++b)
        for (int64_t y = 0; y < s.out_h; ++y) {
          const uint64_t* row = xa + (b * hp + y * s.stride_h) * wp * pixel_words;
          const int64_t ih = y * s.stride_h - s.pad_top;
          const bool row_border = correct && (ih < 0 || ih + ext_h > s.in_h);
          for (int64_t x = 0; x < s.out_w; ++x, ++i) {
            pix[i] = row + x * s.stride_w * pixel_words;
            const int64_t iw = x * s.stride_w - s.pad_left;
            if (!(row_border || (correct && (iw < 0 || iw + ext_w > s.in_w)))) continue;
            uint64_t key = 0;
            for (int64_t kh = 0; kh < s.filter_h; ++kh)
              for (int64_t kx = 0; kx < s.filter_w; ++kx)
                if (outside(ih, iw, kh, kx)) key |= uint64_t{1} << ((kh * s.filter_w + kx) % 64);
            size_t q = 0;
            if (taps <= 64)
              while (q < patterns.size() && patterns[q] != key) ++q;
            else
              q = patterns.size();
            if (q == patterns.size()) {
              patterns.push_back(key);
              fixed.insert(fixed.end(), base.begin(), base.end());
              int32_t* fix = fixed.data() + q * ncols;
              for (int64_t kh = 0; kh < s.filter_h; ++kh)
                for (int64_t kx = 0; kx < s.filter_w; ++kx) {
                  if (!outside(ih, iw, kh, kx)) continue;
                  const int32_t* ws = wsum.data() + (kh * s.filter_w + kx) * ncols;
                  for (int64_t j = 0; j < ncols; ++j) fix[j] -= ws[j];
                }
            }
            pattern_row.push_back(i);
            pattern_row.push_back(static_cast<int64_t>(q));
          }
        }
      for (size_t k = 0; k < pattern_row.size(); k += 2) off[pattern_row[k]] = fixed.data() + pattern_row[k + 1] * ncols;
      for (int64_t i = m; i < n; ++i) pix[i] = pix[m - 1];  // past the end: repeat a pixel, never stored
      std::vector<uint32_t> flips(col_blocks, 0);
      if (g.output == Output::Bits)
        for (int64_t j = 0; j < s.out_c; ++j) flips[j / kBlockCols] |= static_cast<uint32_t>(g.flip[j] != 0) << (j % kBlockCols);
      const int64_t elem = g.output == Output::Bits ? 0 : 4;
      auto range = [&](int64_t t0, int64_t t1) {
        Block blk;
        blk.word_off = word_off.data();
        blk.kw = kw;
        blk.a_plane = wpt;
        blk.npanels = kBlockPanels;
        for (int64_t cb = 0; cb < col_blocks; ++cb) {
          const int64_t j0 = cb * kBlockCols;
          blk.panels = panels.get() + cb * block_words;
          Fused f;
          f.pix = pix.data();
          f.off = off.data();
          f.m = m;
          f.j0 = j0;
          f.out = static_cast<char*>(g.out) + (elem ? j0 * elem : j0 / 32 * 4);
          f.out_stride = elem ? s.out_c * elem : out_words * 4;
          f.output = g.output;
          f.scale = g.scale ? g.scale + j0 : nullptr;
          f.bias = g.bias ? g.bias + j0 : nullptr;
          f.lo = g.lo;
          f.hi = g.hi;
          f.threshold = g.threshold ? g.threshold + j0 : nullptr;
          f.flip = flips[cb];
          Isa::fused_binary(blk, f, t0, t1);
        }
        if (g.output == Output::Bits && s.out_c % 64 != 0)  // the last 64-bit word's padding half
          for (int64_t i = t0 * Isa::kRows; i < std::min(m, t1 * Isa::kRows); ++i)
            static_cast<uint32_t*>(g.out)[i * out_words + out_words - 1] = 0;
      };
      if (serial) {
        range(0, tasks);
      } else {
        parallel_for(tasks, range);
      }
      return;
    }
  }

  // One task per block of kRows output pixels, across all column blocks.
  auto task = [&](int64_t rb) {
    const int64_t i0 = rb * Isa::kRows;
    const int rows = static_cast<int>(std::min<int64_t>(Isa::kRows, m - i0));
    Block blk;
    bool at_border[kMaxRows] = {};
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
    bool any_border = false;
    for (int r = 0; r < rows; ++r) any_border |= at_border[r];
    for (int64_t cb = 0; cb < col_blocks; ++cb) {
      const int64_t j0 = cb * kBlockCols;
      const int cols = static_cast<int>(std::min<int64_t>(kBlockCols, s.out_c - j0));
      blk.panels = panels.get() + cb * block_words;
      blk.npanels = static_cast<int>(std::min<int64_t>(kBlockPanels, npan - cb * kBlockPanels));
      // Per row: base − the border terms (one copy per row at the border).
      const int32_t* off[kMaxRows];
      alignas(64) int32_t corr[kMaxRows * kBlockCols];
      for (int r = 0; r < Isa::kRows; ++r) {
        off[r] = base.data() + j0;
        if (!any_border || r >= rows || !at_border[r]) continue;
        int32_t* acc = corr + r * kBlockCols;
        for (int c = 0; c < kBlockCols; ++c) acc[c] = off[r][c];
        for (int64_t kh = 0; kh < s.filter_h; ++kh)
          for (int64_t kx = 0; kx < s.filter_w; ++kx) {
            if (!outside(ih[r], iw[r], kh, kx)) continue;
            const int32_t* ws = wsum.data() + (kh * s.filter_w + kx) * ncols + j0;
            for (int c = 0; c < kBlockCols; ++c) acc[c] -= ws[c];
          }
        off[r] = acc;
      }
      alignas(64) int32_t sums[kMaxRows * kBlockCols];
      switch (g.mode) {
        case Mode::Binary: Isa::template block<Mode::Binary>(blk, sums); break;
        case Mode::TernaryWeights: Isa::template block<Mode::TernaryWeights>(blk, sums); break;
        case Mode::Ternary: Isa::template block<Mode::Ternary>(blk, sums); break;
      }
      // acc = base − border terms + sums, in place, then the output transform
      // (switched once per block so its per-channel constants stay in registers).
      for (int r = 0; r < rows; ++r) {
        int32_t* acc = sums + r * kBlockCols;
        for (int c = 0; c < cols; ++c) acc[c] += off[r][c];
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

  if (serial) {
    for (int64_t t = 0; t < tasks; ++t) task(t);
  } else {
    parallel_for(tasks, [&](int64_t begin, int64_t end) {
      for (int64_t t = begin; t < end; ++t) task(t);
    });
  }
}

}  // namespace lite::bconv
