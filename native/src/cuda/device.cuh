// Device-memory helper for the CUDA kernels: error checks that throw, an
// owning device buffer, and the device selection check every entry point runs.
#pragma once
#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "cuda_kernels.h"

namespace lite::cuda {

[[noreturn]] inline void fail(cudaError_t err, const char* what) {
  throw std::runtime_error(std::string("CUDA error in ") + what + ": " + cudaGetErrorString(err) + " (" +
                           cudaGetErrorName(err) + ")");
}

#define LITE_CUDA_CHECK(expr)                          \
  do {                                                 \
    const cudaError_t lite_err_ = (expr);              \
    if (lite_err_ != cudaSuccess) fail(lite_err_, #expr); \
  } while (0)

// Throws unless a device is usable (a clear message for "no device").
void require_device();

// An owning device allocation of `count` Ts (none for count 0).
template <typename T>
class DeviceBuffer {
 public:
  explicit DeviceBuffer(size_t count) : count_(count) {
    if (count_) LITE_CUDA_CHECK(cudaMalloc(reinterpret_cast<void**>(&ptr_), count_ * sizeof(T)));
  }
  DeviceBuffer(const T* host, size_t count) : DeviceBuffer(count) { upload(host); }
  ~DeviceBuffer() {
    if (ptr_) cudaFree(ptr_);
  }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;

  void upload(const T* host) {
    if (count_ && host) LITE_CUDA_CHECK(cudaMemcpy(ptr_, host, count_ * sizeof(T), cudaMemcpyHostToDevice));
  }
  void download(T* host) const {
    if (count_) LITE_CUDA_CHECK(cudaMemcpy(host, ptr_, count_ * sizeof(T), cudaMemcpyDeviceToHost));
  }
  T* get() const { return ptr_; }
  size_t size() const { return count_; }

 private:
  T* ptr_ = nullptr;
  size_t count_;
};

// After a launch: launch errors now, execution errors at the next sync.
inline void check_launch(const char* kernel) {
  LITE_CUDA_CHECK(cudaGetLastError());
  const cudaError_t err = cudaDeviceSynchronize();
  if (err != cudaSuccess) fail(err, kernel);
}

__device__ __forceinline__ float activate(float y, Act act) {
  if (act == Act::Relu) return y > 0.f ? y : 0.f;
  if (act == Act::Relu6) {
    y = y > 0.f ? y : 0.f;
    return y < 6.f ? y : 6.f;
  }
  return y;
}

// An IntGemmOutput on the device, and its epilogue.
struct DeviceIntOutput {
  int32_t* i32;
  float* f32;
  const float* scale;
  const float* bias;
  Act act;
  __device__ __forceinline__ void store(int64_t i, int64_t j, int64_t n, int acc) const {
    if (i32) i32[i * n + j] = acc;
    else f32[i * n + j] = activate(__fmaf_rn(static_cast<float>(acc), scale[j], bias ? bias[j] : 0.f), act);
  }
};

// The device buffers behind a DeviceIntOutput: allocate, then download.
class IntOutputBuffers {
 public:
  IntOutputBuffers(const IntGemmOutput& o, int64_t m, int64_t n)
      : host_(o),
        i32_(o.out_i32 ? static_cast<size_t>(m * n) : 0),
        f32_(o.out_i32 ? 0 : static_cast<size_t>(m * n)),
        scale_(o.out_i32 ? nullptr : o.scale, o.out_i32 ? 0 : static_cast<size_t>(n)),
        bias_(o.out_i32 ? nullptr : o.bias, o.out_i32 || !o.bias ? 0 : static_cast<size_t>(n)) {}
  DeviceIntOutput view() const { return {i32_.get(), f32_.get(), scale_.get(), bias_.get(), host_.act}; }
  void download() const {
    if (host_.out_i32) i32_.download(host_.out_i32);
    else f32_.download(host_.out_f32);
  }

 private:
  IntGemmOutput host_;
  DeviceBuffer<int32_t> i32_;
  DeviceBuffer<float> f32_, scale_, bias_;
};

// Output tiles: blocks of kTile×kTile threads, one output each; rows beyond
// 65535 blocks are covered by a grid-stride loop over y.
constexpr int kTile = 16;
inline dim3 tile_grid(int64_t m, int64_t n) {
  const int64_t gx = (n + kTile - 1) / kTile, gy = (m + kTile - 1) / kTile;
  return dim3(static_cast<unsigned>(gx), static_cast<unsigned>(gy < 65535 ? gy : 65535));
}

}  // namespace lite::cuda
