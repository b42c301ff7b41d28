// The blocked int8 GEMM driver (the BLIS loop nest over weights packed once),
// shared by every path: each gemm_s8_<isa>.cc includes it, compiled with its
// own flags, and instantiates run_gemm with its micro-kernel:
//
//   struct Kernel {
//     static constexpr int MR, V;  // register tile: MR rows × V panels (16·V columns)
//     static constexpr int kPartial;  // int32s a tile keeps per column between K blocks
//     using AElem = uint8_t | int16_t;  // activations as the kernel reads them (int16: zero-extended)
//     template <int R, int W> static void tile(const Tile<AElem>&);  // R ≤ MR rows, W ≤ V panels
//   };
//
// Loop order: column blocks › row blocks › K blocks › V panels (their K block is
// reused by every row tile) › MR rows. A tile sums a K block in registers; between
// K blocks the sums wait in a per-thread int32 scratch, and the last K block's
// tile applies the epilogue. uint8 kernels read A in place when its rows hold
// whole quads; otherwise (and for int16 kernels) each row block's K block of A
// is packed first, MR rows interleaved per quad, zero-padded.
#pragma once
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <type_traits>
#include <utility>

#include "../runtime/thread_pool.h"
#include "gemm_s8.h"

namespace lite {
// Internal linkage: each path's copy keeps its own flags (see gemm_f32/gemm_driver.h).
namespace {
namespace s8_detail {

using s8::GemmArgs;
using s8::kPanel;

// Tuned on Zen 5 (48 KB L1d, 1 MB L2), where streaming B panels from L2 keeps up
// with the int8 kernels: K blocks as deep as 4096 (so most products never store
// partial sums), 96 rows per block, columns unblocked up to 4096. Measured
// against blocks of 256–2048 k and 48–384 rows: within noise or slower.
constexpr int64_t kKc = 4096;      // k per block (a multiple of 8: whole int4 chunks)
constexpr int64_t kMc = 96;        // rows per block
constexpr int64_t kNcPanels = 256; // panels (16 columns each) per column block

// The most rows any kernel's tile has (epilogues keep per-row values on the stack).
constexpr int kMaxRows = 24;

template <class AElem>
struct Tile {
  int64_t quads;            // k quads in this K block
  const AElem* a;           // A: quad q, row r at a + q·a_quad + r·a_row (4 elements)
  int64_t a_row, a_quad;    // packed: 4 and 4·MR; read in place: k and 4
  const uint8_t* b;         // the first panel's bytes for this K block
  int64_t panel_stride;     // bytes from one panel to the next
  int32_t* partial;         // this tile's sums between K blocks: row r at partial + r·ld_partial
  int64_t ld_partial;
  bool load_partial;        // start from partial (not zero)
  bool final;               // last K block: apply the epilogue, else store to partial
  // Epilogue (final only): rows i.., columns j.. of C, `cols` of them valid.
  const GemmArgs* g;
  int64_t i, j;
  int cols;
  const int32_t* row_zp;     // zpA per row of the tile
  const int32_t* row_corr;   // subtracted per row (int4: 8·Σ_k A)
  const float* row_scale;    // per row of the tile
};

struct FreeDeleter {
  void operator()(void* p) const { std::free(p); }
};
template <class T>
using Buffer = std::unique_ptr<T, FreeDeleter>;

template <class T>
Buffer<T> allocate(int64_t count) {
  const size_t bytes = (static_cast<size_t>(std::max<int64_t>(count, 1)) * sizeof(T) + 63) / 64 * 64;
  return Buffer<T>(static_cast<T*>(std::aligned_alloc(64, bytes)));
}

inline float clamp(float y, float lo, float hi) {
  y = y > lo ? y : lo;
  return y < hi ? y : hi;
}

// Scalar epilogue of one element (the ref path, and the spec the vector ones follow).
inline void store_scalar(const GemmArgs& g, int64_t i, int64_t j, int32_t x, float row_scale) {
  const int64_t at = i * g.n + j;
  if (g.output == s8::Output::Int32) {
    static_cast<int32_t*>(g.out)[at] = x;
    return;
  }
  const float m = row_scale * g.col_scale[j];
  const float y = clamp(std::fma(static_cast<float>(x), m, g.col_bias[j]), g.lo, g.hi);
  if (g.output == s8::Output::Float32) {
    static_cast<float*>(g.out)[at] = y;
    return;
  }
  const int32_t q = static_cast<int32_t>(std::nearbyint(y)) + g.out_zero_point;
  if (g.output == s8::Output::Uint8)
    static_cast<uint8_t*>(g.out)[at] = static_cast<uint8_t>(q);
  else
    static_cast<int8_t*>(g.out)[at] = static_cast<int8_t>(q);
}

// Packs A[i0:i0+rows, 4·q0 : 4·(q0+quads)) into MR-row micro-panels: panel p holds
// quad q of row r at 4·(q·MR + r); rows past `rows` and k past g.k are zero.
template <int MR, class AElem>
void pack_a(const GemmArgs& g, int64_t i0, int64_t rows, int64_t q0, int64_t quads, AElem* out) {
  const int64_t full_quads = std::clamp<int64_t>(g.k / 4 - q0, 0, quads);  // quads wholly inside k
  for (int64_t p = 0; p < rows; p += MR) {
    const int64_t panel_rows = std::min<int64_t>(MR, rows - p);
    for (int64_t r = 0; r < MR; ++r) {
      AElem* dst = out + 4 * r;
      if (r >= panel_rows) {
        for (int64_t q = 0; q < quads; ++q) std::memset(dst + q * 4 * MR, 0, 4 * sizeof(AElem));
        continue;
      }
      const uint8_t* src = g.a + (i0 + p + r) * g.lda + 4 * q0;
      int64_t q = 0;
      for (; q < full_quads; ++q)
        for (int t = 0; t < 4; ++t) dst[q * 4 * MR + t] = src[4 * q + t];
      for (; q < quads; ++q)
        for (int t = 0; t < 4; ++t) {
          const int64_t kk = 4 * (q0 + q) + t;
          dst[q * 4 * MR + t] = kk < g.k ? src[4 * q + t] : 0;
        }
    }
    out += 4 * MR * quads;
  }
}

template <class K>
using TileFn = void (*)(const Tile<typename K::AElem>&);

template <class K, int R, size_t... W>
constexpr std::array<TileFn<K>, sizeof...(W)> tile_row(std::index_sequence<W...>) {
  return {&K::template tile<R, static_cast<int>(W) + 1>...};
}
template <class K, size_t... R>
constexpr std::array<std::array<TileFn<K>, K::V>, sizeof...(R)> tile_table(std::index_sequence<R...>) {
  return {tile_row<K, static_cast<int>(R) + 1>(std::make_index_sequence<K::V>{})...};
}

// The serial loop nest over C[i_begin:i_end, panels p_begin:p_end).
template <class K>
void gemm_block(const GemmArgs& g, int64_t i_begin, int64_t i_end, int64_t p_begin, int64_t p_end) {
  using AElem = typename K::AElem;
  constexpr int MR = K::MR, V = K::V;
  static constexpr auto kTiles = tile_table<K>(std::make_index_sequence<MR>{});
  const s8::Layout& b = g.b;
  const int64_t total_quads = b.k_padded / 4, kc_quads = kKc / 4;
  const int64_t quad_bytes = b.bits == 8 ? 64 : 32;
  const int64_t nc_panels = kNcPanels / V * V;
  const int64_t mc_max = std::min<int64_t>(kMc, (i_end - i_begin + MR - 1) / MR * MR);
  const int64_t kq_max = std::min(kc_quads, total_quads);
  const bool blocked_k = total_quads > kc_quads;
  const int64_t ld_partial = std::min(nc_panels, p_end - p_begin) * kPanel * K::kPartial;

  // uint8 kernels read A where it is when its rows hold whole quads (whole
  // pairs of quads for int4), or are padded to them with zeros; others (the
  // int16 AVX2 kernel, ragged unpadded k) pack it.
  const int64_t quad_elems = b.bits == 8 ? 4 : 8;
  const bool a_in_place = std::is_same<AElem, uint8_t>::value && g.lda % quad_elems == 0 &&
                          (g.k % quad_elems == 0 || g.lda >= b.k_padded);
  Buffer<AElem> a_pack = allocate<AElem>(a_in_place ? 0 : mc_max * kq_max * 4);
  Buffer<int32_t> partial = allocate<int32_t>(blocked_k ? mc_max * ld_partial : 0);
  Buffer<int32_t> row_zp = allocate<int32_t>(mc_max), row_corr = allocate<int32_t>(mc_max);
  Buffer<float> row_scale = allocate<float>(mc_max);

  for (int64_t pc = p_begin; pc < p_end; pc += nc_panels) {
    const int64_t pc_end = std::min(p_end, pc + nc_panels);
    for (int64_t ic = i_begin; ic < i_end; ic += kMc) {
      const int64_t mc = std::min(kMc, i_end - ic);
      for (int64_t r = 0; r < mc; ++r) {
        const int64_t i = ic + r, at = g.per_row ? i : 0;
        row_zp.get()[r] = g.a_zero_point[at];
        row_scale.get()[r] = g.row_scale[at];
        int32_t corr = 0;
        // int4 weights are stored as v + 8: take 8·Σ_k A back off.
        if (b.bits == 4)
          for (int64_t kk = 0; kk < g.k; ++kk) corr += g.a[i * g.lda + kk];
        row_corr.get()[r] = 8 * corr;
      }
      for (int64_t qc = 0; qc < total_quads; qc += kc_quads) {
        const int64_t kq = std::min(kc_quads, total_quads - qc);
        if (!a_in_place) pack_a<MR>(g, ic, mc, qc, kq, a_pack.get());
        Tile<AElem> t;
        t.quads = kq;
        t.a_row = a_in_place ? g.lda : 4;
        t.a_quad = a_in_place ? 4 : 4 * MR;
        t.panel_stride = b.panel_bytes;
        t.ld_partial = ld_partial;
        t.load_partial = qc > 0;
        t.final = qc + kq == total_quads;
        t.g = &g;
        for (int64_t pr = pc; pr < pc_end; pr += V) {
          const int w = static_cast<int>(std::min<int64_t>(V, pc_end - pr));
          t.b = g.panels + pr * b.panel_bytes + qc * quad_bytes;
          t.j = pr * kPanel;
          t.cols = static_cast<int>(std::min<int64_t>(w * kPanel, g.n - t.j));
          for (int64_t ir = 0; ir < mc; ir += MR) {
            const int rows = static_cast<int>(std::min<int64_t>(MR, mc - ir));
            t.a = a_in_place ? reinterpret_cast<const AElem*>(g.a + (ic + ir) * g.lda + 4 * qc) : a_pack.get() + ir * kq * 4;
            t.partial = partial.get() + ir * ld_partial + (pr - pc) * kPanel * K::kPartial;
            t.i = ic + ir;
            t.row_zp = row_zp.get() + ir;
            t.row_corr = row_corr.get() + ir;
            t.row_scale = row_scale.get() + ir;
            kTiles[rows - 1][w - 1](t);
          }
        }
      }
    }
  }
}

// Splits C across the pool along whichever dimension has more register tiles.
template <class K>
void run_gemm(const GemmArgs& g) {
  static_assert(K::MR <= kMaxRows, "tile taller than the epilogues allow");
  if (g.m == 0 || g.n == 0) return;
  if (g.b.k_padded == 0) {  // k = 0: every sum is 0
    for (int64_t i = 0; i < g.m; ++i)
      for (int64_t j = 0; j < g.n; ++j) store_scalar(g, i, j, 0, g.row_scale[g.per_row ? i : 0]);
    return;
  }
  const int64_t panels = g.b.panels;
  const int64_t row_tiles = (g.m + K::MR - 1) / K::MR, col_tiles = (panels + K::V - 1) / K::V;
  // Waking a worker costs 25-50 µs: below ~32M multiply-adds (tens of µs at int8
  // speed) one thread finishes sooner.
  const int64_t macs = g.m * g.n * std::max<int64_t>(g.k, 1);
  const int threads = macs < (int64_t{1} << 25) ? 1 : num_threads();
  if (threads <= 1) {
    gemm_block<K>(g, 0, g.m, 0, panels);
  } else if (row_tiles >= col_tiles) {
    const int64_t parts = std::min<int64_t>(row_tiles, threads);
    parallel_for(parts, [&](int64_t begin, int64_t end) {
      for (int64_t p = begin; p < end; ++p)
        gemm_block<K>(g, row_tiles * p / parts * K::MR, std::min(g.m, row_tiles * (p + 1) / parts * K::MR), 0, panels);
    });
  } else {
    const int64_t parts = std::min<int64_t>(col_tiles, threads);
    parallel_for(parts, [&](int64_t begin, int64_t end) {
      for (int64_t p = begin; p < end; ++p)
        gemm_block<K>(g, 0, g.m, col_tiles * p / parts * K::V, std::min(panels, col_tiles * (p + 1) / parts * K::V));
    });
  }
}

}  // namespace s8_detail
}  // namespace
}  // namespace lite
