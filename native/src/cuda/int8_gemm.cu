// int8 GEMM on CUDA: uint8 activations × int8 weights with dp4a (4 byte
// products summed into int32 per instruction, sm_61+), exact int32 sums.
//
// Layout on the device: a as m rows of kw = ceil(k/4) u32 words (4 uint8
// each), B transposed to n rows of kw words (4 int8 each); both zero-padded
// past k (a zero weight makes the padded activations add nothing). The zero
// point is applied once per output: Σ (a − zp)·b = Σ a·b − zp·Σ b.
#include <vector>

#include "device.cuh"

namespace lite::cuda {
namespace {

// d = c + Σ_i u8(a)_i · s8(b)_i (PTX dp4a with unsigned a, signed b).
__device__ __forceinline__ int dp4a_us(unsigned a, unsigned b, int c) {
  int d;
  asm("dp4a.u32.s32 %0, %1, %2, %3;" : "=r"(d) : "r"(a), "r"(b), "r"(c));
  return d;
}

constexpr int kWords = 16;  // k words (64 values) staged per step

__global__ void gemm_s8_kernel(int64_t m, int64_t n, int64_t kw, const unsigned* __restrict__ a,
                               const unsigned* __restrict__ bt, int zp, DeviceIntOutput out) {
  __shared__ unsigned as[kTile][kWords + 1];
  __shared__ unsigned bs[kTile][kWords + 1];
  const int tx = threadIdx.x, ty = threadIdx.y;
  const int64_t j = static_cast<int64_t>(blockIdx.x) * kTile + tx;
  const int64_t jb = static_cast<int64_t>(blockIdx.x) * kTile + ty;  // the B row this thread stages
  for (int64_t i0 = static_cast<int64_t>(blockIdx.y) * kTile; i0 < m; i0 += static_cast<int64_t>(gridDim.y) * kTile) {
    const int64_t i = i0 + ty;
    int acc = 0, bsum = 0;
    for (int64_t w0 = 0; w0 < kw; w0 += kWords) {
      const int64_t w = w0 + tx;
      as[ty][tx] = (i < m && w < kw) ? a[i * kw + w] : 0u;
      bs[ty][tx] = (jb < n && w < kw) ? bt[jb * kw + w] : 0u;
      __syncthreads();
#pragma unroll
      for (int q = 0; q < kWords; ++q) {
        acc = dp4a_us(as[ty][q], bs[tx][q], acc);
        if (zp) bsum = __dp4a(0x01010101, static_cast<int>(bs[tx][q]), bsum);
      }
      __syncthreads();
    }
    if (i < m && j < n) {
      const int x = acc - zp * bsum;
      out.store(i, j, n, x);
    }
  }
}

}  // namespace

void gemm_s8(const GemmS8Args& g) {
  require_device();
  if (g.m == 0 || g.n == 0) return;
  const int64_t kw = (g.k + 3) / 4;
  // Pack on the host: a row-padded, B transposed (k×n → n×kw words).
  std::vector<unsigned> a(static_cast<size_t>(g.m * kw), 0u), bt(static_cast<size_t>(g.n * kw), 0u);
  for (int64_t i = 0; i < g.m; ++i) {
    auto* row = reinterpret_cast<uint8_t*>(a.data() + i * kw);
    for (int64_t p = 0; p < g.k; ++p) row[p] = g.a[i * g.k + p];
  }
  for (int64_t p = 0; p < g.k; ++p) {
    const int8_t* src = g.b + p * g.n;
    for (int64_t j = 0; j < g.n; ++j) reinterpret_cast<int8_t*>(bt.data() + j * kw)[p] = src[j];
  }
  DeviceBuffer<unsigned> da(a.data(), a.size()), db(bt.data(), bt.size());
  IntOutputBuffers out(g.out, g.m, g.n);
  gemm_s8_kernel<<<tile_grid(g.m, g.n), dim3(kTile, kTile)>>>(g.m, g.n, kw, da.get(), db.get(), g.zero_point_a,
                                                                out.view());
  check_launch("gemm_s8_kernel");
  out.download();
}

}  // namespace lite::cuda
