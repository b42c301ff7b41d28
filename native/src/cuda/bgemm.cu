// Binary GEMM on CUDA: ±1 values packed 64 per word (bconv.h layout, bit 1 =
// −1, padding bits 0 in both operands), acc = k − 2·Σ __popcll(a xor b),
// exactly the CPU bgemm's integers.
#include "device.cuh"

namespace lite::cuda {
namespace {

constexpr int kWords = 16;  // 64-bit words (1024 values) staged per step

__global__ void bgemm_kernel(int64_t m, int64_t n, int64_t k, int64_t kw, const uint64_t* __restrict__ a,
                             const uint64_t* __restrict__ b, DeviceIntOutput out) {
  __shared__ uint64_t as[kTile][kWords + 1];
  __shared__ uint64_t bs[kTile][kWords + 1];
  const int tx = threadIdx.x, ty = threadIdx.y;
  const int64_t j = static_cast<int64_t>(blockIdx.x) * kTile + tx;
  const int64_t jb = static_cast<int64_t>(blockIdx.x) * kTile + ty;
  for (int64_t i0 = static_cast<int64_t>(blockIdx.y) * kTile; i0 < m; i0 += static_cast<int64_t>(gridDim.y) * kTile) {
    const int64_t i = i0 + ty;
    int pop = 0;
    for (int64_t w0 = 0; w0 < kw; w0 += kWords) {
      const int64_t w = w0 + tx;
      as[ty][tx] = (i < m && w < kw) ? a[i * kw + w] : 0ull;
      bs[ty][tx] = (jb < n && w < kw) ? b[jb * kw + w] : 0ull;
      __syncthreads();
#pragma unroll
      for (int q = 0; q < kWords; ++q) pop += __popcll(as[ty][q] ^ bs[tx][q]);
      __syncthreads();
    }
    if (i < m && j < n) {
      const int acc = static_cast<int>(k) - 2 * pop;
      out.store(i, j, n, acc);
    }
  }
}

}  // namespace

void bgemm(const BgemmArgs& g) {
  require_device();
  if (g.m == 0 || g.n == 0) return;
  const int64_t kw = (g.k + 63) / 64;
  DeviceBuffer<uint64_t> da(g.a, static_cast<size_t>(g.m * kw)), db(g.b, static_cast<size_t>(g.n * kw));
  IntOutputBuffers out(g.out, g.m, g.n);
  bgemm_kernel<<<tile_grid(g.m, g.n), dim3(kTile, kTile)>>>(g.m, g.n, g.k, kw, da.get(), db.get(), out.view());
  check_launch("bgemm_kernel");
  out.download();
}

}  // namespace lite::cuda
