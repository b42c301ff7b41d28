// Device discovery for the CUDA addon.
#include <cstdio>

#include "device.cuh"

namespace lite::cuda {

bool available(std::string* reason) {
  int count = 0;
  const cudaError_t err = cudaGetDeviceCount(&count);
  if (err != cudaSuccess) {
    if (reason) *reason = std::string(cudaGetErrorString(err)) + " (" + cudaGetErrorName(err) + ")";
    cudaGetLastError();  // clear it
    return false;
  }
  if (count == 0) {
    if (reason) *reason = "no CUDA device found";
    return false;
  }
  if (reason) reason->clear();
  return true;
}

void require_device() {
  std::string reason;
  if (!available(&reason)) throw std::runtime_error("lite CUDA: no usable device: " + reason);
}

std::string device_name() {
  require_device();
  int dev = 0;
  LITE_CUDA_CHECK(cudaGetDevice(&dev));
  cudaDeviceProp p{};
  LITE_CUDA_CHECK(cudaGetDeviceProperties(&p, dev));
  char buf[64];
  std::snprintf(buf, sizeof buf, " (sm_%d%d, %.1f GiB)", p.major, p.minor,
                static_cast<double>(p.totalGlobalMem) / (1024.0 * 1024.0 * 1024.0));
  return std::string(p.name) + buf;
}

}  // namespace lite::cuda
