// lite's optional CUDA kernels: the host-side interface the CUDA addon
// (addon_cuda.cc) calls. Plain C++ (no CUDA headers) so the binding compiles
// with the host compiler; the definitions live in the .cu files. Every
// function copies its inputs to the device, runs, copies the result back and
// throws std::runtime_error on any CUDA error (no device included). The
// binding validates all sizes and pointers before calling.
#pragma once
#include <cstdint>
#include <string>

namespace lite::cuda {

// 0 linear, 1 relu, 2 relu6 (as lite::Activation).
enum class Act : int32_t { Linear = 0, Relu = 1, Relu6 = 2 };

// True when a CUDA device can be used; otherwise false with `reason` set
// (never throws).
bool available(std::string* reason);
// The current device's name, compute capability and memory, e.g.
// "NVIDIA H100 80GB HBM3 (sm_90, 79.1 GiB)". Throws without a device.
std::string device_name();

// Where an integer GEMM's m×n result goes: out_i32 gets the exact sums acc;
// otherwise out_f32 gets act(fma(float(acc), scale[j], bias[j])) in float32.
struct IntGemmOutput {
  int32_t* out_i32;    // m×n, or null
  float* out_f32;      // m×n, or null
  const float* scale;  // n (out_f32)
  const float* bias;   // n (out_f32), or null
  Act act;
};

// x[i, j] = Σ_k (a[i, k] − zero_point_a)·b[k, j], exact in int32, with __dp4a.
// a: m×k uint8, b: k×n int8, both row-major.
struct GemmS8Args {
  int64_t m, n, k;
  const uint8_t* a;
  const int8_t* b;
  int32_t zero_point_a;
  IntGemmOutput out;
};
void gemm_s8(const GemmS8Args& args);

// y[i, j] = act(Σ_k x[i, k]·W[k, j] + bias[j]) for dense x (m×k, row-major) and
// W (k×n) given as CSR over its k rows. The sum for each y runs over column
// j's stored entries in increasing k.
struct SpmmArgs {
  int64_t m, n, k, nnz;
  const float* x;
  const int32_t* row_ptr;  // k + 1, row_ptr[0] = 0, non-decreasing, row_ptr[k] = nnz
  const int32_t* col;      // nnz, each in [0, n)
  const float* values;     // nnz
  const float* bias;       // n, or null
  Act act;
  float* y;  // m×n
};
void spmm(const SpmmArgs& args);

// Binary GEMM of ±1 values packed along k (native/src/bconv/bconv.h layout:
// ceil(k/64) 64-bit words per row, bit = 1 for −1, padding bits 0):
// acc[i, j] = k − 2·Σ popcount(a_i xor b_j).
struct BgemmArgs {
  int64_t m, n, k;
  const uint64_t* a;  // m rows
  const uint64_t* b;  // n rows
  IntGemmOutput out;
};
void bgemm(const BgemmArgs& args);

}  // namespace lite::cuda
