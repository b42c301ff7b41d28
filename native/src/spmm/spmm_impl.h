// The sparse GEMM's kernels, written once over the vector abstraction
// (simd/simd.h) and a path's Ops (index gather, int8 widening); each
// spmm_<isa>.cc includes this file, compiled with its own flags, and
// instantiates LITE_SPMM_PATH with its Ops:
//
//   struct Ops {
//     using I = <Simd type>;                       // L lanes, L divides 16
//     // xs[min(idx[c], lim)] for lanes c < L (xs: a segment of x)
//     static I::V gather(const float* xs, const uint8_t* idx, uint32_t lim);
//     static I::V values(const float* v);  static I::V values(const int8_t* q);
//     // out[c] = (base + min(idx[c], lim))·L, c < L   // offsets into a transposed tile
//     static void offsets(const uint8_t* idx, uint32_t lim, int32_t base, int32_t* out);
//     static void widen(const int8_t* q, float* out);  // L int8 → float
//   };
//
// Two kernels read the same packed chunks (spmm.h), walking each chunk's
// steps segment by segment (Segments below); the AVX-512 path has a third for
// batch 1-3 in spmm_avx512.cc:
// - rows (few rows): lanes are a chunk's columns; each step gathers the 16
//   activations its 16 columns need and FMAs them into the column sums, so an
//   output vector is finished with no reduction. One pass per ≤ 4 rows.
// - tiles (more rows): lanes are rows, as XNNPACK's spmm vectorizes over
//   pixels. X is transposed into tiles of L rows (k×L each), and each stored
//   value is broadcast and FMA'd into its column's accumulator with the tile's
//   row k; an L×L block of accumulators (L columns × L rows) is transposed once
//   at the end. No gathers, L useful lanes per FMA. With 16 lanes (AVX-512)
//   up to 4 tiles share each step's offsets and broadcasts (tile_group).
//   X's tiles start 64-byte aligned (unaligned rows split every load in two).
#pragma once
#include <algorithm>
#include <cstdint>
#include <vector>

#include "../runtime/thread_pool.h"
#include "../simd/simd.h"
#include "spmm.h"

namespace lite {
namespace {
namespace spmm_detail {

using sparse::kChunk;
using sparse::kSegment;
using sparse::SpmmArgs;

// Walks chunk b's segments: fn(first step, step count, segment's first row,
// largest offset into the segment that stays below k).
template <class Fn>
inline void for_segments(const SpmmArgs& a, int64_t b, const Fn& fn) {
  const int64_t segments = a.w.segments();
  const uint8_t* counts = a.seg_steps + b * segments;
  int64_t s = a.chunk_start[b];
  for (int64_t g = 0; g < segments; ++g) {
    const int64_t count = counts[g], base = g * kSegment;
    if (count == 0) continue;
    fn(s, count, base, static_cast<uint32_t>(std::min<int64_t>(kSegment, a.w.k - base) - 1));
    s += count;
  }
}

// Below this many rows the gather kernel wins (one gather per row and step
// beats transposing X when there are few rows to share it); see spmm_<isa>.cc.
// Work (stored entries × rows) below which one thread finishes sooner than
// waking the pool (25-50 µs on a loaded VM, as for gemm_f32).
constexpr int64_t kMinThreadedWork = int64_t{1} << 21;

template <class Ops>
struct Kernels {
  using I = typename Ops::I;
  using V = typename I::V;
  static constexpr int L = I::L;
  static constexpr int G = kChunk / L;  // vectors per step of a chunk
  static_assert(kChunk % L == 0, "a chunk is whole vectors");

  // The epilogue on the sums of columns [j, j + cols): scale (int8), bias, activation.
  static V finish(V acc, const SpmmArgs& a, int64_t j, int64_t cols) {
    const V bias = a.bias ? load_n<I>(a.bias + j, cols) : I::zero();
    acc = a.scale ? I::fma(acc, I::load(a.scale + j), bias) : I::add(acc, bias);
    if (a.act != Activation::Linear) {
      acc = I::max(acc, I::zero());
      const float six = 6.f;
      if (a.act == Activation::Relu6) acc = I::min(acc, I::bcast(&six));
    }
    return acc;
  }

  // Rows [i0, i0 + R) × chunks [b0, b1) on the gather kernel.
  template <class T, int R>
  static void rows(const SpmmArgs& a, int64_t i0, int64_t b0, int64_t b1) {
    const T* values = static_cast<const T*>(a.values);
    const float* x[R];
    for (int r = 0; r < R; ++r) x[r] = a.x + (i0 + r) * a.w.k;
    for (int64_t b = b0; b < b1; ++b) {
      V acc[R][G];
      for (int r = 0; r < R; ++r)
        for (int g = 0; g < G; ++g) acc[r][g] = I::zero();
      for_segments(a, b, [&](int64_t s0, int64_t count, int64_t base, uint32_t lim) {
        for (int64_t s = s0; s < s0 + count; ++s) {
          const uint8_t* idx = a.indices + s * kChunk;
          for (int g = 0; g < G; ++g) {
            const V v = Ops::values(values + s * kChunk + g * L);
            for (int r = 0; r < R; ++r) acc[r][g] = I::fma(Ops::gather(x[r] + base, idx + g * L, lim), v, acc[r][g]);
          }
        }
      });
      for (int g = 0; g < G; ++g) {
        const int64_t j = b * kChunk + g * L, cols = std::min<int64_t>(L, a.w.n - j);
        if (cols <= 0) break;
        for (int r = 0; r < R; ++r) store_n<I>(a.y + (i0 + r) * a.w.n + j, finish(acc[r][g], a, j, cols), cols);
      }
    }
  }

  template <class T>
  static void rows_all(const SpmmArgs& a, int64_t b0, int64_t b1) {
    int64_t i = 0;
    for (; i + 4 <= a.m; i += 4) rows<T, 4>(a, i, b0, b1);
    switch (a.m - i) {
      case 3: rows<T, 3>(a, i, b0, b1); break;
      case 2: rows<T, 2>(a, i, b0, b1); break;
      case 1: rows<T, 1>(a, i, b0, b1); break;
      default: break;
    }
  }

  // xt holds ceil(m / L) tiles of k×L: xt[(t·k + kk)·L + r] = x[t·L + r, kk], rows past m 0.
  static void transpose_x(const SpmmArgs& a, float* xt) {
    const int64_t k = a.w.k, tiles = (a.m + L - 1) / L;
    for (int64_t t = 0; t < tiles; ++t) {
      const int64_t rows = std::min<int64_t>(L, a.m - t * L);
      float* tile = xt + t * k * L;
      int64_t kk = 0;
      for (; kk + L <= k; kk += L) {
        V block[L];
        for (int r = 0; r < L; ++r) block[r] = r < rows ? I::load(a.x + (t * L + r) * k + kk) : I::zero();
        I::transpose(block);
        for (int c = 0; c < L; ++c) I::store(tile + (kk + c) * L, block[c]);
      }
      for (; kk < k; ++kk)
        for (int r = 0; r < L; ++r) tile[kk * L + r] = r < rows ? a.x[(t * L + r) * k + kk] : 0.f;
    }
  }

  // Chunks [b0, b1) × every row tile on the tile kernel.
  template <class T>
  static void tiles(const SpmmArgs& a, const float* xt, int64_t b0, int64_t b1) {
    const T* values = static_cast<const T*>(a.values);
    const int64_t tile_count = (a.m + L - 1) / L;
    for (int64_t b = b0; b < b1; ++b) {
      for (int g = 0; g < G; ++g) {
        const int64_t j = b * kChunk + g * L, cols = std::min<int64_t>(L, a.w.n - j);
        if (cols <= 0) break;
        for (int64_t t = 0; t < tile_count; ++t) {
          const float* tile = xt + t * a.w.k * L;
          V acc[L];
          for (int c = 0; c < L; ++c) acc[c] = I::zero();
          for_segments(a, b, [&](int64_t s0, int64_t count, int64_t base, uint32_t lim) {
            for (int64_t s = s0; s < s0 + count; ++s) {
              alignas(64) int32_t off[L];
              alignas(64) float widened[L];
              Ops::offsets(a.indices + s * kChunk + g * L, lim, static_cast<int32_t>(base), off);
              const float* w = weights(values + s * kChunk + g * L, widened);
              for (int c = 0; c < L; ++c) acc[c] = I::fma(I::bcast(w + c), I::load(tile + off[c]), acc[c]);
            }
          });
          I::transpose(acc);  // acc[r]: row t·L + r, columns [j, j + L)
          const int64_t rows = std::min<int64_t>(L, a.m - t * L);
          for (int64_t r = 0; r < rows; ++r)
            store_n<I>(a.y + (t * L + r) * a.w.n + j, finish(acc[r], a, j, cols), cols);
        }
      }
    }
  }

  // The tile kernel on groups of TT ≤ 4 row tiles at once (16-lane vectors):
  // each step's offsets and weight broadcasts are shared by the group's tiles,
  // so an FMA costs about one load (its tile row) instead of three (offset,
  // broadcast, row). A chunk's 16 columns go in passes of C (TT·C ≤ 24
  // accumulators) whose sums live in sc.acc between segments, and a
  // segment's offsets (and widened int8 values) are computed once into
  // off/wide for every pass. Chunks go in blocks of kBlock, segment by segment
  // across the block, so a segment of the group's tiles (64 rows × TT·64 B)
  // stays in L1 for all of the block's chunks.
  static constexpr int kBlock = 4;
  static constexpr int tile_cols(int tt) { return tt == 1 ? 16 : tt <= 3 ? 8 : 4; }

  struct Scratch {
    alignas(64) int32_t off[256 * kChunk];  // a segment has at most 255 steps
    alignas(64) float wide[256 * kChunk];   // int8 values only
    V acc[kBlock][4 * kChunk];              // [chunk of the block][tile·16 + column]
  };

  // Rows of tiles [t0, t0 + TT) × chunks [b0, b1), b1 - b0 ≤ kBlock.
  template <class T, int TT>
  static void tile_group(const SpmmArgs& a, const float* xt, int64_t b0, int64_t b1, int64_t t0, Scratch& sc) {
    constexpr int C = tile_cols(TT);
    static_assert(L == kChunk && kChunk % C == 0, "one vector per chunk step");
    const T* values = static_cast<const T*>(a.values);
    const int64_t k = a.w.k, segments = a.w.segments();
    const float* tile[TT];
    for (int t = 0; t < TT; ++t) tile[t] = xt + (t0 + t) * k * L;
    int64_t next[kBlock];  // each chunk's first step of the segment
    for (int64_t b = b0; b < b1; ++b) {
      next[b - b0] = a.chunk_start[b];
      for (int i = 0; i < TT * kChunk; ++i) sc.acc[b - b0][i] = I::zero();
    }
    for (int64_t g = 0; g < segments; ++g) {
      const int64_t base = g * kSegment;
      const uint32_t lim = static_cast<uint32_t>(std::min<int64_t>(kSegment, k - base) - 1);
      for (int64_t b = b0; b < b1; ++b) {
        const int64_t count = a.seg_steps[b * segments + g], s0 = next[b - b0];
        if (count == 0) continue;
        next[b - b0] = s0 + count;
        for (int64_t i = 0; i < count; ++i) {
          Ops::offsets(a.indices + (s0 + i) * kChunk, lim, static_cast<int32_t>(base), sc.off + i * kChunk);
          if constexpr (sizeof(T) == 1) Ops::widen(values + (s0 + i) * kChunk, sc.wide + i * kChunk);
        }
        const float* w;
        if constexpr (sizeof(T) == 1)
          w = sc.wide;
        else
          w = values + s0 * kChunk;
        V* acc_mem = sc.acc[b - b0];
        for (int c0 = 0; c0 < kChunk; c0 += C) {
          V acc[TT][C];
          for (int t = 0; t < TT; ++t)
            for (int c = 0; c < C; ++c) acc[t][c] = acc_mem[t * kChunk + c0 + c];
          const int32_t* o = sc.off + c0;
          const float* wc = w + c0;
          for (int64_t i = 0; i < count; ++i, o += kChunk, wc += kChunk) {
            for (int c = 0; c < C; ++c) {
              const V wv = I::bcast(wc + c);
              const int32_t oc = o[c];
              for (int t = 0; t < TT; ++t) acc[t][c] = I::fma(wv, I::load(tile[t] + oc), acc[t][c]);
            }
          }
          for (int t = 0; t < TT; ++t)
            for (int c = 0; c < C; ++c) acc_mem[t * kChunk + c0 + c] = acc[t][c];
        }
      }
    }
    for (int64_t b = b0; b < b1; ++b) {
      const int64_t j = b * kChunk, cols = std::min<int64_t>(L, a.w.n - j);
      for (int t = 0; t < TT; ++t) {
        V* acc = sc.acc[b - b0] + t * kChunk;
        I::transpose(acc);  // acc[r]: row (t0 + t)·L + r, columns [j, j + L)
        const int64_t rows = std::min<int64_t>(L, a.m - (t0 + t) * L);
        for (int64_t r = 0; r < rows; ++r)
          store_n<I>(a.y + ((t0 + t) * L + r) * a.w.n + j, finish(acc[r], a, j, cols), cols);
      }
    }
  }

  template <class T>
  static void tiles_grouped(const SpmmArgs& a, const float* xt, int64_t b0, int64_t b1) {
    const int64_t tile_count = (a.m + L - 1) / L;
    thread_local Scratch sc;  // 52 KB: off the (worker) stack
    for (int64_t bb = b0; bb < b1; bb += kBlock) {
      const int64_t be = std::min<int64_t>(b1, bb + kBlock);
      for (int64_t t0 = 0; t0 < tile_count; t0 += 4) {
        switch (std::min<int64_t>(4, tile_count - t0)) {
          case 4: tile_group<T, 4>(a, xt, bb, be, t0, sc); break;
          case 3: tile_group<T, 3>(a, xt, bb, be, t0, sc); break;
          case 2: tile_group<T, 2>(a, xt, bb, be, t0, sc); break;
          default: tile_group<T, 1>(a, xt, bb, be, t0, sc); break;
        }
      }
    }
  }

  static const float* weights(const float* v, float*) { return v; }
  static const float* weights(const int8_t* q, float* out) {
    Ops::widen(q, out);
    return out;
  }

  template <class T>
  static void run_typed(const SpmmArgs& a, int64_t min_tile_rows) {
    if (a.m < min_tile_rows) {
      over_chunks(a, [&](int64_t b0, int64_t b1) { rows_all<T>(a, b0, b1); });
      return;
    }
    // Per calling thread, kept across calls (no page faults per call).
    thread_local std::vector<float> xt;
    const size_t floats = static_cast<size_t>((a.m + L - 1) / L * L * a.w.k);
    if (xt.size() < floats + 16) xt.resize(floats + 16);
    // 64-byte aligned: a tile row that straddles two cache lines costs two
    // L1 accesses per FMA (malloc aligns to 16 only).
    float* xt0 = xt.data() + (-(reinterpret_cast<uintptr_t>(xt.data()) / sizeof(float)) & 15);
    transpose_x(a, xt0);
    // The caller's xt: a worker naming xt would get its own (empty) thread_local.
    const float* tiles_x = xt0;
    if constexpr (L == kChunk)
      over_chunks(a, [&](int64_t b0, int64_t b1) { tiles_grouped<T>(a, tiles_x, b0, b1); });
    else
      over_chunks(a, [&](int64_t b0, int64_t b1) { tiles<T>(a, tiles_x, b0, b1); });
  }

  static void run(const SpmmArgs& a, int64_t min_tile_rows) {
    if (a.m == 0 || a.w.n == 0) return;
    if (a.w.value_bits == 8)
      run_typed<int8_t>(a, min_tile_rows);
    else
      run_typed<float>(a, min_tile_rows);
  }

  // Runs fn(b0, b1) over chunks [0, chunks), threaded when the work is large enough.
  template <class Fn>
  static void over_chunks(const SpmmArgs& a, const Fn& fn) {
    if (a.w.steps * kChunk * a.m >= kMinThreadedWork && num_threads() > 1)
      parallel_for(a.w.chunks, fn);
    else
      fn(int64_t{0}, a.w.chunks);
  }
};

}  // namespace spmm_detail
}  // namespace
}  // namespace lite

// Defines spmm_<isa> on the path's Ops, with the gather kernel below min_tile_rows rows.
#define LITE_SPMM_PATH(isa, Ops, min_tile_rows)                                                     \
  namespace lite {                                                                                  \
  void spmm_##isa(const sparse::SpmmArgs& a) { spmm_detail::Kernels<Ops>::run(a, min_tile_rows); } \
  }
