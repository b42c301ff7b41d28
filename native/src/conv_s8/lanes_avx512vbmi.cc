// The direct pixel-lane int8 convolution (lanes.h), AVX-512 VNNI + VBMI. A tile
// is 16 consecutive output pixels (m order); where it crosses output rows, each
// row's run of lanes is a segment with its own base, permuted under its lanes'
// byte mask. Sums start at −zp·colsum, so they end as the GEMM's x exactly.
// No std:: templates or shared inline helpers here: a copy compiled with these
// flags could be the one the linker keeps for baseline code.
#include <immintrin.h>

#include "lanes.h"

// GCC 12 flags the undefined vectors inside its own AVX-512 conversion intrinsics.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace lite::lanes {
namespace {

inline int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

typedef int32_t __attribute__((may_alias)) aliased_i32;

// acc += Σ_t a[4l + t]·w[t] per lane l, w's four bytes broadcast from memory
// (as asm: GCC would load and broadcast it into a register of its own first).
inline __m512i dpbusd_bcst(__m512i acc, __m512i a, const uint8_t* w) {
  asm("vpdpbusd %2%{1to16%}, %1, %0" : "+v"(acc) : "v"(a), "m"(*reinterpret_cast<const aliased_i32*>(w)));
  return acc;
}

struct Segment {
  const uint8_t* base;  // where lane 0's first tap would be
  __mmask64 bytes;      // its lanes' bytes
};

// The tile's segments from pixel m0 of y on; returns how many.
int segments(const Plan& plan, const uint8_t* padded, int64_t m0, int lanes, Segment* out) {
  int n = 0;
  for (int lane = 0; lane < lanes;) {
    const int64_t at = m0 + lane, b = at / (plan.out_h * plan.out_w), y_r = at / plan.out_w % plan.out_h,
                  y_c = at % plan.out_w;
    const int count = static_cast<int>(min64(lanes - lane, plan.out_w - y_c));
    const int64_t first = b * plan.image_step + y_r * plan.row_step + y_c * plan.lane_step;
    const uint64_t ones = count == kLanes ? ~uint64_t{0} : (uint64_t{1} << (4 * count)) - 1;
    out[n++] = {padded + first - lane * plan.lane_step, ones << (4 * lane)};
    lane += count;
  }
  return n;
}

// acc[n] += the tile's sums for channel n, its segments' pixels moved by `offset` (a pool phase).
template <int N>
inline void sums(const Plan& plan, const uint8_t* w, const Segment* seg, int segs, int64_t offset, __m512i* acc) {
  for (int64_t q = 0; q < plan.quads; ++q) {
    const __m512i idx = _mm512_loadu_si512(plan.index + 64 * q);
    const int64_t a = plan.source_a[q] + offset, b = plan.source_b[q] + offset;
    __m512i v = _mm512_permutex2var_epi8(_mm512_loadu_si512(seg[0].base + a), idx, _mm512_loadu_si512(seg[0].base + b));
    for (int i = 1; i < segs; ++i)
      v = _mm512_mask_mov_epi8(v, seg[i].bytes,
                               _mm512_permutex2var_epi8(_mm512_loadu_si512(seg[i].base + a), idx, _mm512_loadu_si512(seg[i].base + b)));
    const uint8_t* wq = w + 64 * q;
#pragma GCC unroll 16
    for (int n = 0; n < N; ++n) acc[n] = dpbusd_bcst(acc[n], v, wq + 4 * n);
  }
}

// Per-call constants of the epilogue and the byte transpose into NHWC.
struct Epilogue {
  int32_t init[kMaxChannels];  // −zp·colsum (wrapping)
  float scale[kMaxChannels], bias[kMaxChannels];
  __m512 lo, hi;
  __m512i out_zp;
  // Output chunk o (64 bytes of pixels × channels): byte e takes channel-major byte
  // 16n + p of the tile (p = e / N, n = e % N), from sums 0-1 (index & 127) or 2-3 (high).
  __m512i index[4];
  __mmask64 high[4];
};

Epilogue epilogue_for(const ConvS8Args& c, int32_t zp) {
  Epilogue e{};
  const int64_t n = c.shape.out_c;
  for (int64_t j = 0; j < n; ++j) {
    e.init[j] = static_cast<int32_t>(0u - static_cast<uint32_t>(zp) * static_cast<uint32_t>(c.colsum[j]));
    e.scale[j] = c.row_scale * c.col_scale[j];
    e.bias[j] = c.col_bias[j];
  }
  e.lo = _mm512_set1_ps(c.lo);
  e.hi = _mm512_set1_ps(c.hi);
  e.out_zp = _mm512_set1_epi32(c.out_zero_point);
  for (int o = 0; o < 4; ++o) {
    alignas(64) uint8_t idx[64];
    uint64_t high = 0;
    for (int b = 0; b < 64; ++b) {
      const int64_t at = 64 * o + b, src = at < kLanes * n ? 16 * (at % n) + at / n : 0;
      idx[b] = static_cast<uint8_t>(src & 127);
      if (src >= 128) high |= uint64_t{1} << b;
    }
    e.index[o] = _mm512_load_si512(idx);
    e.high[o] = high;
  }
  return e;
}

template <int N>
void run_tiles(const ConvS8Args& c, const uint8_t* padded, const Plan& plan, const Epilogue& e, int64_t t0, int64_t t1) {
  const int64_t m = c.shape.batch * plan.out_h * plan.out_w;
  const uint8_t* w = c.panels;  // panel 0: quad q, channel n at 64q + 4n
  uint8_t* y = static_cast<uint8_t*>(c.y);
  Segment seg[kLanes];
  for (int64_t t = t0; t < t1; ++t) {
    const int64_t m0 = t * kLanes;
    const int lanes = static_cast<int>(min64(kLanes, m - m0));
    const int segs = segments(plan, padded, m0, lanes, seg);
    __m512i acc[N];
#pragma GCC unroll 16
    for (int n = 0; n < N; ++n) acc[n] = _mm512_set1_epi32(e.init[n]);
    sums<N>(plan, w, seg, segs, plan.phase[0], acc);
    for (int64_t ph = 1; ph < plan.phases; ++ph) {  // the pool: max over the window's sums
      __m512i more[N];
#pragma GCC unroll 16
      for (int n = 0; n < N; ++n) more[n] = _mm512_set1_epi32(e.init[n]);
      sums<N>(plan, w, seg, segs, plan.phase[ph], more);
#pragma GCC unroll 16
      for (int n = 0; n < N; ++n) acc[n] = _mm512_max_epi32(acc[n], more[n]);
    }
    // Requantize channel n's 16 pixels (the GEMM epilogue's arithmetic), bytes 16n.. of the tile.
    __m512i tile[4] = {_mm512_setzero_si512(), _mm512_setzero_si512(), _mm512_setzero_si512(), _mm512_setzero_si512()};
#pragma GCC unroll 16
    for (int n = 0; n < N; ++n) {
      __m512 v = _mm512_fmadd_ps(_mm512_cvtepi32_ps(acc[n]), _mm512_set1_ps(e.scale[n]), _mm512_set1_ps(e.bias[n]));
      v = _mm512_min_ps(_mm512_max_ps(v, e.lo), e.hi);
      const __m128i q = _mm512_cvtepi32_epi8(_mm512_add_epi32(_mm512_cvtps_epi32(v), e.out_zp));
      tile[n / 4] = _mm512_inserti32x4(tile[n / 4], q, n % 4);
    }
    uint8_t* dst = y + m0 * N;
    const int64_t bytes = int64_t{lanes} * N;
#pragma GCC unroll 4
    for (int o = 0; o < (16 * N + 63) / 64; ++o) {
      __m512i out = _mm512_permutex2var_epi8(tile[0], e.index[o], tile[1]);
      if (N > 8) out = _mm512_mask_mov_epi8(out, e.high[o], _mm512_permutex2var_epi8(tile[2], e.index[o], tile[3]));
      const int64_t left = bytes - 64 * o;
      if (left <= 0) break;
      _mm512_mask_storeu_epi8(dst + 64 * o, left >= 64 ? ~__mmask64{0} : (__mmask64{1} << left) - 1, out);
    }
  }
}

}  // namespace

void run_avx512vbmi(const ConvS8Args& c, const uint8_t* padded, int32_t zero_point, const Plan& plan, int64_t t0, int64_t t1) {
  const Epilogue e = epilogue_for(c, zero_point);
  switch (c.shape.out_c) {
#define LITE_LANES_CASE(n) \
  case n: return run_tiles<n>(c, padded, plan, e, t0, t1);
    LITE_LANES_CASE(1) LITE_LANES_CASE(2) LITE_LANES_CASE(3) LITE_LANES_CASE(4) LITE_LANES_CASE(5) LITE_LANES_CASE(6)
    LITE_LANES_CASE(7) LITE_LANES_CASE(8) LITE_LANES_CASE(9) LITE_LANES_CASE(10) LITE_LANES_CASE(11) LITE_LANES_CASE(12)
    LITE_LANES_CASE(13) LITE_LANES_CASE(14) LITE_LANES_CASE(15) LITE_LANES_CASE(16)
#undef LITE_LANES_CASE
  }
}

}  // namespace lite::lanes
