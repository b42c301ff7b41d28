// A small vector abstraction for kernels written once for every path: each
// <kernel>_<isa>.cc includes this header, compiled with its own flags, and
// uses the structs its flags allow (Simd512, Simd256, or the portable
// SimdRefN<N>; SimdRef has 4 lanes). Everything has internal linkage and no
// std:: templates, so no ISA's copy can be merged into another's.
//
//   L                    lanes of a vector V
//   zero, load, bcast    loads (unaligned)
//   store                store (unaligned)
//   M, lanes(lo, hi)     a mask of lanes [lo, hi) (clamped to [0, L))
//   load_m, store_m      masked: lanes off the mask are zero / left alone, and
//                        their memory is not touched (it may be invalid)
//   load_n<I>, store_n<I>  (free functions) masked to lanes [0, n)
//   fma(a, b, c)         a·b + c
//   add, div, max, min   lanewise; max(a, b) = a > b ? a : b (b when either is NaN), min alike
//   gt, eq, select       masks of a > b, a == b (false for NaN); select(m, a, b) = m ? a : b
//   hsum                 the sum of the lanes
//   transpose(r)         r[i][j] ↔ r[j][i] for an L×L block held in L vectors
#pragma once
#include <cstdint>
#include <cstring>

#if defined(__AVX2__) || defined(__AVX512F__)
#include <immintrin.h>
#endif

namespace lite {
namespace {

// Portable path: N lanes as a GCC/Clang vector type, which the compiler maps to
// whatever the target has (SSE2 on baseline x86-64, NEON) or to scalars.
// (GCC takes no template-dependent vector_size, hence one type per lane count.)
template <int N>
struct RefTypes;
#define LITE_REF_TYPES(n)                                                  \
  template <>                                                              \
  struct RefTypes<n> {                                                     \
    typedef float V __attribute__((vector_size(n * sizeof(float))));     \
    typedef int32_t M __attribute__((vector_size(n * sizeof(int32_t)))); \
  };
LITE_REF_TYPES(2)
LITE_REF_TYPES(4)
LITE_REF_TYPES(8)
#undef LITE_REF_TYPES

template <int N>
struct SimdRefN {
  static constexpr int L = N;
  using V = typename RefTypes<N>::V;
  // A mask lane is all ones or zero (what vector comparisons give).
  using M = typename RefTypes<N>::M;
  static V zero() { return V{}; }
  static V load(const float* p) {
    V v;
    std::memcpy(&v, p, sizeof v);
    return v;
  }
  static V bcast(const float* p) { return V{} + *p; }
  static void store(float* p, V a) { std::memcpy(p, &a, sizeof a); }
  static M lanes(int64_t lo, int64_t hi) {
    M m;
    for (int i = 0; i < N; ++i) m[i] = i >= lo && i < hi ? -1 : 0;
    return m;
  }
  static V load_m(const float* p, M m) {
    V r = zero();
    for (int i = 0; i < N; ++i)
      if (m[i]) r[i] = p[i];
    return r;
  }
  static void store_m(float* p, V a, M m) {
    for (int i = 0; i < N; ++i)
      if (m[i]) p[i] = a[i];
  }
  static M gt(V a, V b) { return a > b; }
  static M eq(V a, V b) { return a == b; }
  static V select(M m, V a, V b) { return m ? a : b; }
  static V div(V a, V b) { return a / b; }
  static V fma(V a, V b, V c) { return a * b + c; }
  static V add(V a, V b) { return a + b; }
  static V max(V a, V b) { return a > b ? a : b; }
  static V min(V a, V b) { return a < b ? a : b; }
  static float hsum(V a) {
    float s = 0.f;
    for (int i = 0; i < N; ++i) s += a[i];
    return s;
  }
  static void transpose(V* r) {
    for (int i = 0; i < N; ++i)
      for (int j = i + 1; j < N; ++j) {
        const float t = r[i][j];
        r[i][j] = r[j][i];
        r[j][i] = t;
      }
  }
};
// One lane as a plain float (compilers keep one-element vectors in memory);
// select is bitwise, as a data-dependent branch would mispredict.
template <>
struct SimdRefN<1> {
  static constexpr int L = 1;
  using V = float;
  using M = uint32_t;  // all ones or zero
  static V zero() { return 0.f; }
  static V load(const float* p) { return *p; }
  static V bcast(const float* p) { return *p; }
  static void store(float* p, V a) { *p = a; }
  static M lanes(int64_t lo, int64_t hi) { return lo <= 0 && hi > 0 ? ~M{0} : 0; }
  static V load_m(const float* p, M m) { return m ? *p : 0.f; }
  static void store_m(float* p, V a, M m) {
    if (m) *p = a;
  }
  static M gt(V a, V b) { return a > b ? ~M{0} : 0; }
  static M eq(V a, V b) { return a == b ? ~M{0} : 0; }
  static V select(M m, V a, V b) {
    M x, y;
    std::memcpy(&x, &a, sizeof x);
    std::memcpy(&y, &b, sizeof y);
    x = (x & m) | (y & ~m);
    std::memcpy(&a, &x, sizeof a);
    return a;
  }
  static V div(V a, V b) { return a / b; }
  static V fma(V a, V b, V c) { return a * b + c; }
  static V add(V a, V b) { return a + b; }
  static V max(V a, V b) { return a > b ? a : b; }
  static V min(V a, V b) { return a < b ? a : b; }
  static float hsum(V a) { return a; }
  static void transpose(V*) {}
};

using SimdRef = SimdRefN<4>;

#if defined(__AVX2__)
struct Simd256 {
  static constexpr int L = 8;
  using V = __m256;
  using M = __m256i;
  // Lanes i with i < n.
  static M below(int64_t n) {
    const int c = n < 0 ? 0 : n > 8 ? 8 : static_cast<int>(n);
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(c), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  }
  static M lanes(int64_t lo, int64_t hi) { return _mm256_andnot_si256(below(lo), below(hi)); }
  static V zero() { return _mm256_setzero_ps(); }
  static V load(const float* p) { return _mm256_loadu_ps(p); }
  static V load_m(const float* p, M m) { return _mm256_maskload_ps(p, m); }
  static V bcast(const float* p) { return _mm256_broadcast_ss(p); }
  static void store(float* p, V a) { _mm256_storeu_ps(p, a); }
  static void store_m(float* p, V a, M m) { _mm256_maskstore_ps(p, m, a); }
  static M gt(V a, V b) { return _mm256_castps_si256(_mm256_cmp_ps(a, b, _CMP_GT_OQ)); }
  static M eq(V a, V b) { return _mm256_castps_si256(_mm256_cmp_ps(a, b, _CMP_EQ_OQ)); }
  static V select(M m, V a, V b) { return _mm256_blendv_ps(b, a, _mm256_castsi256_ps(m)); }
  static V fma(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
  static V add(V a, V b) { return _mm256_add_ps(a, b); }
  static V div(V a, V b) { return _mm256_div_ps(a, b); }
  static V max(V a, V b) { return _mm256_max_ps(a, b); }
  static V min(V a, V b) { return _mm256_min_ps(a, b); }
  static float hsum(V a) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    return _mm_cvtss_f32(_mm_add_ss(s, _mm_movehdup_ps(s)));
  }
  // 8×8: interleave pairs of rows, then pairs of pairs, then swap 128-bit halves.
  static void transpose(V* r) {
    __m256 t[8], u[8];
    for (int i = 0; i < 8; i += 2) {
      t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
      t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int i = 0; i < 8; i += 4) {
      u[i] = _mm256_shuffle_ps(t[i], t[i + 2], 0x44);
      u[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], 0xEE);
      u[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0x44);
      u[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0xEE);
    }
    for (int j = 0; j < 4; ++j) {
      r[j] = _mm256_permute2f128_ps(u[j], u[j + 4], 0x20);
      r[j + 4] = _mm256_permute2f128_ps(u[j], u[j + 4], 0x31);
    }
  }
};
#endif

#if defined(__AVX512F__)
struct Simd512 {
  static constexpr int L = 16;
  using V = __m512;
  using M = __mmask16;
  // Lanes i with i < n.
  static M below(int64_t n) { return n >= 16 ? M(0xFFFF) : n <= 0 ? M(0) : static_cast<M>((1u << n) - 1); }
  static M lanes(int64_t lo, int64_t hi) { return static_cast<M>(below(hi) & ~below(lo)); }
  static V zero() { return _mm512_setzero_ps(); }
  static V load(const float* p) { return _mm512_loadu_ps(p); }
  static V load_m(const float* p, M m) { return _mm512_maskz_loadu_ps(m, p); }
  static V bcast(const float* p) { return _mm512_set1_ps(*p); }
  static void store(float* p, V a) { _mm512_storeu_ps(p, a); }
  static void store_m(float* p, V a, M m) { _mm512_mask_storeu_ps(p, m, a); }
  static M gt(V a, V b) { return _mm512_cmp_ps_mask(a, b, _CMP_GT_OQ); }
  static M eq(V a, V b) { return _mm512_cmp_ps_mask(a, b, _CMP_EQ_OQ); }
  static V select(M m, V a, V b) { return _mm512_mask_blend_ps(m, b, a); }
  static V fma(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
  static V add(V a, V b) { return _mm512_add_ps(a, b); }
  static V div(V a, V b) { return _mm512_div_ps(a, b); }
  static V max(V a, V b) { return _mm512_max_ps(a, b); }
  static V min(V a, V b) { return _mm512_min_ps(a, b); }
  static float hsum(V a) { return _mm512_reduce_add_ps(a); }
  // 16×16: interleave pairs of rows (32-bit, then 64-bit) within 128-bit lanes,
  // then gather each column's four 128-bit pieces with two rounds of shuffles.
  static void transpose(V* r) {
    __m512 t[16], u[16];
    for (int i = 0; i < 16; i += 2) {
      t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
      t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int i = 0; i < 16; i += 4) {
      const __m512d a = _mm512_castps_pd(t[i]), b = _mm512_castps_pd(t[i + 1]);
      const __m512d c = _mm512_castps_pd(t[i + 2]), d = _mm512_castps_pd(t[i + 3]);
      u[i] = _mm512_castpd_ps(_mm512_unpacklo_pd(a, c));
      u[i + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(a, c));
      u[i + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(b, d));
      u[i + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(b, d));
    }
    // u[4q + j], 128-bit lane l, holds rows 4q..4q+3 of column 4l + j.
    for (int j = 0; j < 4; ++j) {
      const __m512 lo01 = _mm512_shuffle_f32x4(u[j], u[4 + j], 0x44), hi01 = _mm512_shuffle_f32x4(u[j], u[4 + j], 0xEE);
      const __m512 lo23 = _mm512_shuffle_f32x4(u[8 + j], u[12 + j], 0x44),
                   hi23 = _mm512_shuffle_f32x4(u[8 + j], u[12 + j], 0xEE);
      r[j] = _mm512_shuffle_f32x4(lo01, lo23, 0x88);
      r[4 + j] = _mm512_shuffle_f32x4(lo01, lo23, 0xDD);
      r[8 + j] = _mm512_shuffle_f32x4(hi01, hi23, 0x88);
      r[12 + j] = _mm512_shuffle_f32x4(hi01, hi23, 0xDD);
    }
  }
};
#endif

// Loads and stores of lanes [0, n), for any of the above.
template <class I>
inline typename I::V load_n(const float* p, int64_t n) {
  return I::load_m(p, I::lanes(0, n));
}
template <class I>
inline void store_n(float* p, typename I::V v, int64_t n) {
  I::store_m(p, v, I::lanes(0, n));
}

}  // namespace
}  // namespace lite
