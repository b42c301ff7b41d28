// Sparse matmul on CUDA: dense x (m×k) times CSR weights W (k×n).
//
// The host turns W's CSR (over k rows) into its transpose's (over n columns,
// entries in increasing k), so each output y[i, j] is a gather over column
// j's nonzeros: deterministic, no atomics. One thread per output; a block
// covers kTile columns × kTile rows of x.
#include <vector>

#include "device.cuh"

namespace lite::cuda {
namespace {

__global__ void spmm_kernel(int64_t m, int64_t n, int64_t k, const float* __restrict__ x,
                            const int32_t* __restrict__ col_ptr, const int32_t* __restrict__ row,
                            const float* __restrict__ values, const float* __restrict__ bias, Act act,
                            float* __restrict__ y) {
  const int64_t j = static_cast<int64_t>(blockIdx.x) * kTile + threadIdx.x;
  if (j >= n) return;
  const int32_t e0 = col_ptr[j], e1 = col_ptr[j + 1];
  const float b = bias ? bias[j] : 0.f;
  for (int64_t i = static_cast<int64_t>(blockIdx.y) * kTile + threadIdx.y; i < m;
       i += static_cast<int64_t>(gridDim.y) * kTile) {
    const float* xi = x + i * k;
    float acc = 0.f;
    for (int32_t e = e0; e < e1; ++e) acc = __fmaf_rn(xi[row[e]], values[e], acc);
    y[i * n + j] = activate(acc + b, act);
  }
}

}  // namespace

void spmm(const SpmmArgs& g) {
  require_device();
  if (g.m == 0 || g.n == 0) return;
  // CSR over k rows → CSR over n columns (counting sort, stable in k).
  std::vector<int32_t> col_ptr(static_cast<size_t>(g.n) + 1, 0), row(static_cast<size_t>(g.nnz));
  std::vector<float> values(static_cast<size_t>(g.nnz));
  for (int64_t e = 0; e < g.nnz; ++e) ++col_ptr[g.col[e] + 1];
  for (int64_t j = 0; j < g.n; ++j) col_ptr[j + 1] += col_ptr[j];
  std::vector<int32_t> next(col_ptr.begin(), col_ptr.end() - 1);
  for (int64_t p = 0; p < g.k; ++p)
    for (int32_t e = g.row_ptr[p]; e < g.row_ptr[p + 1]; ++e) {
      const int32_t at = next[g.col[e]]++;
      row[at] = static_cast<int32_t>(p);
      values[at] = g.values[e];
    }
  DeviceBuffer<float> dx(g.x, static_cast<size_t>(g.m * g.k));
  DeviceBuffer<int32_t> dptr(col_ptr.data(), col_ptr.size()), drow(row.data(), row.size());
  DeviceBuffer<float> dval(values.data(), values.size());
  DeviceBuffer<float> dbias(g.bias, g.bias ? static_cast<size_t>(g.n) : 0);
  DeviceBuffer<float> dy(static_cast<size_t>(g.m * g.n));
  spmm_kernel<<<tile_grid(g.m, g.n), dim3(kTile, kTile)>>>(g.m, g.n, g.k, dx.get(), dptr.get(), drow.get(),
                                                             dval.get(), dbias.get(), g.act, dy.get());
  check_launch("spmm_kernel");
  dy.download(g.y);
}

}  // namespace lite::cuda
