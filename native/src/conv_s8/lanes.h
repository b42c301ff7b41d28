// The direct int8 convolution for few input bytes per output step and narrow
// outputs (a first conv over one channel: 5×5×1→10), where im2col moves runs of
// a few bytes and a 16-column weight panel leaves most lanes idle. Lanes are 16
// consecutive output pixels instead of 16 columns: each K quad of the 16 pixels
// is cut from the (padded) uint8 input by one byte permute (vpermi2b) of two
// 64-byte loads, and every output channel's weight quad is broadcast to it
// (vpdpbusd with {1to16}) — one instruction per channel and quad for all 16
// pixels. The epilogue requantizes one channel per vector and transposes the
// bytes into NHWC. AVX-512 VNNI + VBMI only; other paths keep im2col + GEMM,
// whose results are the same (exact int32 sums, the same epilogue).
#pragma once
#include <cstdint>
#include <vector>

#include "conv_s8.h"

namespace lite::lanes {

constexpr int kLanes = 16;
constexpr int kMaxChannels = 16;  // one vector of sums per output channel
constexpr int64_t kFrontSlack = 64, kBackSlack = 256;  // bytes around the padded input the loads may touch

// What the kernel reads: the input padded to whole windows ([batch, padH, padW,
// inC] uint8, the zero point in the padding, slack on both sides), and per K
// quad the offsets of its two 64-byte sources from a pixel's first tap and the
// permute putting lane p's four bytes at 4p..4p+3 (bit 6 picks the second source).
// With a fused max pool, lanes are pooled pixels and each window position (a
// phase) is a pass of its own, at its offset; the sums' max goes to the epilogue.
struct Plan {
  int64_t pad_h, pad_w;      // padded input rows and columns
  int64_t out_h, out_w;      // y's rows and columns (pooled)
  int64_t image_step;        // bytes from one padded image to the next
  int64_t row_step;          // bytes from one row of y to the next (pool stride·strideH padded rows)
  int64_t lane_step;         // bytes from one column of y to the next (pool stride·strideW·inC)
  int64_t phases;            // pool window positions (1 without a pool)
  const int64_t* phase;      // their offsets, in `sources`
  int64_t quads;             // k_padded / 4
  const int64_t* source_a;   // quads of each, in `sources` (the kernel file touches no std::vector)
  const int64_t* source_b;
  const uint8_t* index;      // quads·64, in `indices`
  std::vector<int64_t> sources;
  std::vector<uint8_t> indices;
};

// Whether this CPU and path have the kernel (the avx512 path with VNNI and VBMI).
bool available();

// Whether the kernel runs shape s pooled by `pool` (available, outC ≤
// kMaxChannels, padding ≥ 0, and every quad of 16 pixels fits two 64-byte sources), with its plan. conv2dS8 runs it
// for an int8 weight, a static input scale and a uint8 y.
bool runs(const ConvShape& s, const PoolWindow& pool, Plan* plan);

// y's pixels [16·t0, 16·t1) (tiles t0..t1) from the padded input (at the end of
// its front slack) with the input's zero point.
void run_avx512vbmi(const ConvS8Args& c, const uint8_t* padded, int32_t zero_point, const Plan& plan, int64_t t0, int64_t t1);

}  // namespace lite::lanes
