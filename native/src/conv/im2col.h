// The pieces of an im2col convolution shared by the fp32 conv (conv.cc) and the
// int8 one (conv_s8/conv_s8.cc): the pixel walk, im2col for any element type
// (padding taps hold `pad`: 0 for floats, the zero point for uint8), the
// per-thread parts and L2-sized pixel tiles, and the calling thread's scratch.
// Output pixel m (batch-major) has the im2col row
//   cols[m, (wR·fw + wC)·inC + c] = x[b, xR, xC, c]   (pad where the tap is in the padding).
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "../kernels.h"
#include "../runtime/thread_pool.h"

namespace lite::im2col {

constexpr int64_t kPartTileBytes = int64_t{1} << 19;    // 512 KB of cols per thread tile (L2)
constexpr int64_t kSingleTileBytes = int64_t{1} << 22;  // 4 MB when one threaded GEMM does the work
constexpr int64_t kMinPartMacs = int64_t{1} << 18;      // below this a part is not worth a thread

inline int64_t filter_k(const ConvShape& s) { return s.filter_h * s.filter_w * s.in_c; }
inline int64_t pixels(const ConvShape& s) { return s.batch * s.out_h * s.out_w; }

// A 1×1, stride-1, unpadded conv whose output grid is its input grid: x is already cols.
inline bool pointwise(const ConvShape& s) {
  return s.filter_h == 1 && s.filter_w == 1 && s.stride_h == 1 && s.stride_w == 1 && s.pad_top == 0 &&
         s.pad_left == 0 && s.out_h == s.in_h && s.out_w == s.in_w;
}

// Per-calling-thread scratch that persists across calls (no page faults per conv).
// Allocated outside parallel regions, so a failed allocation reaches the binding.
inline float* scratch(int slot, int64_t floats) {
  thread_local std::vector<float> buffers[2];
  std::vector<float>& b = buffers[slot];
  if (static_cast<int64_t>(b.size()) < floats) b.resize(static_cast<size_t>(floats));
  return b.data();
}
inline uint8_t* scratch_bytes(int slot, int64_t bytes) {
  return reinterpret_cast<uint8_t*>(scratch(slot, (bytes + 3) / 4));
}

// How many parts to split `units` into (1 = let the GEMM thread itself). macs
// is a double as m·k·n may pass int64 for shapes the binding accepts.
inline int64_t parts_for(int64_t units, double macs) {
  const int64_t threads = num_threads();
  if (units < threads) return 1;
  return static_cast<int64_t>(std::clamp<double>(macs / kMinPartMacs, 1, threads));
}

// Runs fn(begin, end, part) over `parts` equal slices of [0, units).
template <class Fn>
void run_parts(int64_t parts, int64_t units, const Fn& fn) {
  if (parts <= 1) {
    fn(int64_t{0}, units, int64_t{0});
    return;
  }
  parallel_for(parts, [&](int64_t p0, int64_t p1) {
    for (int64_t p = p0; p < p1; ++p) fn(units * p / parts, units * (p + 1) / parts, p);
  });
}

// Pixels per tile of im2col rows `row_bytes` long: at least one pixel, else what
// fits the tile budget.
inline int64_t tile_pixels(int64_t parts, int64_t row_bytes) {
  const bool threaded_gemm = parts == 1 && num_threads() > 1;
  return std::max<int64_t>(1, (threaded_gemm ? kSingleTileBytes : kPartTileBytes) / row_bytes);
}

// Pixel m's (b, yR, yC), advanced one pixel at a time.
struct Pixel {
  int64_t b, y_r, y_c;
  Pixel(const ConvShape& s, int64_t m)
      : b(m / (s.out_h * s.out_w)), y_r(m / s.out_w % s.out_h), y_c(m % s.out_w) {}
  void next(const ConvShape& s) {
    if (++y_c < s.out_w) return;
    y_c = 0;
    if (++y_r < s.out_h) return;
    y_r = 0;
    ++b;
  }
};

// Calls tap(wR·fw + wC, input pixel index or -1 when in the padding) for each tap of pixel p.
template <class Tap>
inline void for_each_tap(const ConvShape& s, const Pixel& p, const Tap& tap) {
  const int64_t x_c0 = p.y_c * s.stride_w - s.pad_left;
  for (int64_t w_r = 0; w_r < s.filter_h; ++w_r) {
    const int64_t x_r = p.y_r * s.stride_h - s.pad_top + w_r * s.dilation_h;
    const bool row_in = x_r >= 0 && x_r < s.in_h;
    for (int64_t w_c = 0; w_c < s.filter_w; ++w_c) {
      const int64_t x_c = x_c0 + w_c * s.dilation_w;
      const bool in = row_in && x_c >= 0 && x_c < s.in_w;
      tap(w_r * s.filter_w + w_c, in ? (p.b * s.in_h + x_r) * s.in_w + x_c : int64_t{-1});
    }
  }
}

// dst[0, n) = src[0, n). Runs here are short (often fw·inC = 5 floats or 10
// bytes): a libc memmove call per run would cost more than the copy, so short
// runs move as fixed-size blocks the compiler inlines, the last one overlapping
// the one before it (src and dst never overlap each other).
template <class T>
inline void copy_run(T* dst_t, const T* src_t, int64_t n) {
  auto* dst = reinterpret_cast<unsigned char*>(dst_t);
  const auto* src = reinterpret_cast<const unsigned char*>(src_t);
  const int64_t bytes = n * static_cast<int64_t>(sizeof(T));
  if (bytes >= 128) {
    std::memcpy(dst, src, static_cast<size_t>(bytes));
  } else if (bytes >= 32) {
    for (int64_t i = 0; i + 32 <= bytes; i += 32) std::memcpy(dst + i, src + i, 32);
    std::memcpy(dst + bytes - 32, src + bytes - 32, 32);
  } else if (bytes >= 16) {
    std::memcpy(dst, src, 16);
    std::memcpy(dst + bytes - 16, src + bytes - 16, 16);
  } else if (bytes >= 8) {
    std::memcpy(dst, src, 8);
    std::memcpy(dst + bytes - 8, src + bytes - 8, 8);
  } else if (bytes >= 4) {
    std::memcpy(dst, src, 4);
    std::memcpy(dst + bytes - 4, src + bytes - 4, 4);
  } else {
    for (int64_t i = 0; i < bytes; ++i) dst[i] = src[i];
  }
}

// Whether pixel p's taps along a row are one contiguous, in-bounds run of x
// (dilation 1, window inside the columns): then each filter row is one run.
inline bool row_is_run(const ConvShape& s, const Pixel& p) {
  const int64_t x_c0 = p.y_c * s.stride_w - s.pad_left;
  return s.dilation_w == 1 && x_c0 >= 0 && x_c0 + s.filter_w <= s.in_w;
}

// How many pixels from p on (at most `limit`, all in p's output row) have every
// filter row as one run: their windows lie inside the columns.
inline int64_t run_pixels(const ConvShape& s, const Pixel& p, int64_t limit) {
  if (!row_is_run(s, p)) return 0;
  const int64_t last = (s.in_w - s.filter_w + s.pad_left) / s.stride_w;  // the last such column
  return std::min({limit, last - p.y_c + 1, s.out_w - p.y_c});
}

// cols rows for `count` pixels of one output row from p on, all of whose filter
// rows are runs: filter row by filter row, so each pixel's run is the previous
// one's moved by stride·inC (no per-pixel address arithmetic; these are most of
// an im2col).
template <class T>
void im2col_row_runs(const ConvShape& s, const T* x, const Pixel& p, int64_t count, T* dst, T pad, int64_t ld) {
  const int64_t run = s.filter_w * s.in_c, step = s.stride_w * s.in_c;
  const int64_t x_c0 = p.y_c * s.stride_w - s.pad_left;
  for (int64_t w_r = 0; w_r < s.filter_h; ++w_r, dst += run) {
    const int64_t x_r = p.y_r * s.stride_h - s.pad_top + w_r * s.dilation_h;
    if (x_r < 0 || x_r >= s.in_h) {
      for (int64_t j = 0; j < count; ++j) std::fill_n(dst + j * ld, run, pad);
      continue;
    }
    const T* src = x + ((p.b * s.in_h + x_r) * s.in_w + x_c0) * s.in_c;
    for (int64_t j = 0; j < count; ++j) copy_run(dst + j * ld, src + j * step, run);
  }
}

// cols rows (ld apart, ld ≥ k; elements past k are 0) for pixels [m0, m1);
// taps in the padding hold `pad`.
template <class T>
void im2col_serial(const ConvShape& s, const T* x, int64_t m0, int64_t m1, T* cols, T pad, int64_t ld) {
  const int64_t k = filter_k(s);
  if (ld > k)
    for (int64_t m = m0; m < m1; ++m) std::fill(cols + (m - m0) * ld + k, cols + (m - m0 + 1) * ld, T{0});
  Pixel p(s, m0);
  for (int64_t m = m0; m < m1;) {
    T* dst = cols + (m - m0) * ld;
    if (const int64_t count = run_pixels(s, p, m1 - m)) {
      im2col_row_runs(s, x, p, count, dst, pad, ld);
      m += count;
      for (int64_t j = 0; j < count; ++j) p.next(s);
      continue;
    }
    for_each_tap(s, p, [&](int64_t t, int64_t at) {
      if (at < 0)
        std::fill_n(dst + t * s.in_c, s.in_c, pad);
      else
        copy_run(dst + t * s.in_c, x + at * s.in_c, s.in_c);
    });
    ++m;
    p.next(s);
  }
}

// im2col, split over the pool (serial when already inside a part). Rows are
// ld elements apart (default k).
template <class T>
void im2col(const ConvShape& s, const T* x, int64_t m0, int64_t m1, T* cols, T pad, int64_t ld = 0) {
  if (ld == 0) ld = filter_k(s);
  parallel_for(m1 - m0, [&](int64_t a, int64_t b) { im2col_serial(s, x, m0 + a, m0 + b, cols + a * ld, pad, ld); });
}

}  // namespace lite::im2col
