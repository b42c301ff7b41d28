// The blocked, packed GEMM driver (the BLIS loop nest), shared by every path.
// Each gemm_<isa>.cc includes this file, compiled with its own flags, and
// instantiates run_gemm with its register-blocked micro-kernel:
//
//   struct Kernel {
//     static constexpr int MR, NR;   // register tile
//     // For the first R rows and `cols` columns of the tile:
//     // acc = sum_k a[k*MR + i] * b[k*ldb + j]; then
//     // c = acc (+ c when accumulate) (+ bias[j], activation when bias/act given).
//     // b always holds NR readable columns (packed panels are zero-padded); c and
//     // bias only `cols` (edge tiles use masked loads and stores).
//     template <int R>
//     static void tile(int64_t k, const float* a, const float* b, int64_t ldb, float* c, int64_t ldc,
//                      int cols, bool accumulate, const float* bias, Activation act);
//   };
#pragma once
#include <algorithm>
#include <array>
#include <utility>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "../kernels.h"
#include "../runtime/thread_pool.h"

namespace lite {
// Internal linkage: each ISA's file gets its own copy, compiled with its own flags
// (a shared weak symbol could let the linker keep an AVX2 copy for the ref path).
namespace {
namespace gemm_detail {

// Tuned on AVX-512 (Sapphire Rapids-class, 48 KB L1d, 2 MB L2): a deep K block
// amortises the C tile's loads and stores; hardware prefetch streams B panels.
constexpr int64_t kKc = 512;   // depth of a packed block
constexpr int64_t kMc = 96;    // rows of packed A kept in L2
constexpr int64_t kNc = 2048;  // columns of packed B kept in L3

struct AlignedFree {
  void operator()(float* p) const { std::free(p); }
};
using Buffer = std::unique_ptr<float, AlignedFree>;

inline Buffer allocate(int64_t floats) {
  const size_t bytes = (static_cast<size_t>(floats) * sizeof(float) + 63) / 64 * 64;
  return Buffer(static_cast<float*>(std::aligned_alloc(64, bytes)));
}

inline float activate(float v, Activation act) {
  if (act == Activation::Relu) return v > 0.f ? v : 0.f;
  if (act == Activation::Relu6) return v > 0.f ? (v < 6.f ? v : 6.f) : 0.f;
  return v;
}

// Element (i, kk) of op(A) and (kk, j) of op(B).
inline float at_a(const GemmArgs& g, int64_t i, int64_t kk) {
  return g.trans_a ? g.a[kk * g.m + i] : g.a[i * g.k + kk];
}
inline float at_b(const GemmArgs& g, int64_t kk, int64_t j) {
  return g.trans_b ? g.b[j * g.k + kk] : g.b[kk * g.n + j];
}

// Packs op(A)[i0:i0+mc, k0:k0+kc] into MR-row micro-panels: panel p holds
// a[kk*MR + r] = op(A)[i0 + p*MR + r, k0 + kk], rows past m zero.
template <int MR>
void pack_a(const GemmArgs& g, int64_t i0, int64_t mc, int64_t k0, int64_t kc, float* out) {
  for (int64_t p = 0; p < mc; p += MR) {
    const int64_t rows = std::min<int64_t>(MR, mc - p);
    if (!g.trans_a) {
      for (int64_t r = 0; r < rows; ++r) {
        const float* src = g.a + (i0 + p + r) * g.k + k0;
        for (int64_t kk = 0; kk < kc; ++kk) out[kk * MR + r] = src[kk];
      }
    } else {
      for (int64_t kk = 0; kk < kc; ++kk) {
        const float* src = g.a + (k0 + kk) * g.m + i0 + p;
        for (int64_t r = 0; r < rows; ++r) out[kk * MR + r] = src[r];
      }
    }
    for (int64_t r = rows; r < MR; ++r)
      for (int64_t kk = 0; kk < kc; ++kk) out[kk * MR + r] = 0.f;
    out += MR * kc;
  }
}

// Packs op(B)[k0:k0+kc, j0:j0+nc] into NR-column micro-panels (columns past n zero).
template <int NR>
void pack_b(const GemmArgs& g, int64_t k0, int64_t kc, int64_t j0, int64_t nc, float* out) {
  for (int64_t p = 0; p < nc; p += NR) {
    const int64_t cols = std::min<int64_t>(NR, nc - p);
    if (!g.trans_b) {
      for (int64_t kk = 0; kk < kc; ++kk) {
        const float* src = g.b + (k0 + kk) * g.n + j0 + p;
        float* dst = out + kk * NR;
        std::memcpy(dst, src, cols * sizeof(float));
        for (int64_t c = cols; c < NR; ++c) dst[c] = 0.f;
      }
    } else {
      for (int64_t c = 0; c < cols; ++c) {
        const float* src = g.b + (j0 + p + c) * g.k + k0;
        for (int64_t kk = 0; kk < kc; ++kk) out[kk * NR + c] = src[kk];
      }
      for (int64_t c = cols; c < NR; ++c)
        for (int64_t kk = 0; kk < kc; ++kk) out[kk * NR + c] = 0.f;
    }
    out += NR * kc;
  }
}

using TileFn = void (*)(int64_t, const float*, const float*, int64_t, float*, int64_t, int, bool, const float*,
                       Activation);

// The kernel's tile function for each row count 1..MR (edge tiles in M use fewer rows).
template <class K, size_t... R>
constexpr std::array<TileFn, sizeof...(R)> tile_table(std::index_sequence<R...>) {
  return {&K::template tile<static_cast<int>(R) + 1>...};
}

// One tile of C at (i, j): up to MR rows and NR columns.
template <class K>
inline void tile(const GemmArgs& g, int64_t i, int64_t j, int64_t kc, const float* a_panel,
                 const float* b_panel, int64_t ldb, bool accumulate, bool epilogue) {
  static constexpr auto kTiles = tile_table<K>(std::make_index_sequence<K::MR>{});
  const float* bias = epilogue && g.bias ? g.bias + j : nullptr;
  const Activation act = epilogue ? g.act : Activation::Linear;
  const int64_t rows = std::min<int64_t>(K::MR, g.m - i), cols = std::min<int64_t>(K::NR, g.n - j);
  kTiles[rows - 1](kc, a_panel, b_panel, ldb, g.c + i * g.n + j, g.n, static_cast<int>(cols), accumulate, bias, act);
}

// The serial loop nest over C[i_begin:i_end, j_begin:j_end].
template <class K>
void gemm_block(const GemmArgs& g, int64_t i_begin, int64_t i_end, int64_t j_begin, int64_t j_end) {
  constexpr int MR = K::MR, NR = K::NR;
  const int64_t mc_max = std::min<int64_t>(kMc, (i_end - i_begin + MR - 1) / MR * MR);
  const int64_t nc_max = std::min<int64_t>(kNc, (j_end - j_begin + NR - 1) / NR * NR);
  const int64_t kc_max = std::min<int64_t>(kKc, g.k);
  Buffer a_pack = allocate(mc_max * kc_max);
  // Few rows of C: B is read in place (no transpose) rather than packed, as packing
  // would cost as much as the product itself.
  const bool b_in_place = !g.trans_b && (i_end - i_begin) <= 2 * MR;
  Buffer b_pack = allocate(nc_max * kc_max);
  for (int64_t j0 = j_begin; j0 < j_end; j0 += kNc) {
    const int64_t nc = std::min<int64_t>(kNc, j_end - j0);
    for (int64_t k0 = 0; k0 < g.k; k0 += kKc) {
      const int64_t kc = std::min<int64_t>(kKc, g.k - k0);
      const bool accumulate = g.accumulate || k0 > 0;
      const bool epilogue = !g.accumulate && k0 + kc == g.k;
      const int64_t full_cols = b_in_place ? nc / NR * NR : 0;
      if (full_cols < nc) pack_b<NR>(g, k0, kc, j0 + full_cols, nc - full_cols, b_pack.get());
      for (int64_t i0 = i_begin; i0 < i_end; i0 += kMc) {
        const int64_t mc = std::min<int64_t>(kMc, i_end - i0);
        pack_a<MR>(g, i0, mc, k0, kc, a_pack.get());
        for (int64_t jr = 0; jr < nc; jr += NR) {
          const bool in_place = jr < full_cols;
          const float* b_panel = in_place ? g.b + k0 * g.n + j0 + jr
                                          : b_pack.get() + (jr - full_cols) * kc;
          const int64_t ldb = in_place ? g.n : NR;
          for (int64_t ir = 0; ir < mc; ir += MR)
            tile<K>(g, i0 + ir, j0 + jr, kc, a_pack.get() + ir * kc, b_panel, ldb, accumulate, epilogue);
        }
      }
    }
  }
}

// Each thread packs all of the operand the split does not divide (B for a split
// of the rows, A for one of the columns): divide the larger one, as long as it
// has a tile for every thread.
inline bool split_rows(int64_t m, int64_t n, int64_t row_tiles, int64_t col_tiles, int threads) {
  if (row_tiles < threads) return false;
  if (col_tiles < threads) return true;
  return m >= n;
}

// Splits C across the pool (see split_rows).
template <class K>
void run_gemm(const GemmArgs& g) {
  if (g.m == 0 || g.n == 0) return;
  if (g.k == 0) {
    for (int64_t i = 0; i < g.m; ++i)
      for (int64_t j = 0; j < g.n; ++j) {
        float& c = g.c[i * g.n + j];
        if (g.accumulate) continue;
        c = activate(g.bias ? g.bias[j] : 0.f, g.act);
      }
    return;
  }
  const int64_t row_tiles = (g.m + K::MR - 1) / K::MR, col_tiles = (g.n + K::NR - 1) / K::NR;
  const int64_t flops = g.m * g.n * g.k;
  // Waking a worker costs 25-50 µs on a loaded VM: below ~8M multiply-adds (tens
  // of µs of work) one thread finishes sooner.
  const int threads = flops < (int64_t{1} << 23) ? 1 : num_threads();
  if (threads <= 1) {
    gemm_block<K>(g, 0, g.m, 0, g.n);
  } else if (split_rows(g.m, g.n, row_tiles, col_tiles, threads)) {
    parallel_for(std::min<int64_t>(row_tiles, threads), [&](int64_t begin, int64_t end) {
      const int64_t parts = std::min<int64_t>(row_tiles, threads);
      for (int64_t p = begin; p < end; ++p) {
        const int64_t i0 = row_tiles * p / parts * K::MR, i1 = std::min(g.m, row_tiles * (p + 1) / parts * K::MR);
        gemm_block<K>(g, i0, i1, 0, g.n);
      }
    });
  } else {
    parallel_for(std::min<int64_t>(col_tiles, threads), [&](int64_t begin, int64_t end) {
      const int64_t parts = std::min<int64_t>(col_tiles, threads);
      for (int64_t p = begin; p < end; ++p) {
        const int64_t j0 = col_tiles * p / parts * K::NR, j1 = std::min(g.n, col_tiles * (p + 1) / parts * K::NR);
        gemm_block<K>(g, 0, g.m, j0, j1);
      }
    });
  }
}

}  // namespace gemm_detail
}  // namespace
}  // namespace lite
