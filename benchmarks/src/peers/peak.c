/* This core's peak, one thread: fp32 FMA (GFLOP/s), int8 multiply-accumulate
 * (GOP/s, 2 ops per u8·s8 product) and popcount (Gbit/s: bits counted per second),
 * each as a loop of independent accumulator chains at the widest ISA the compile
 * flags allow (src/peak.ts picks them from /proc/cpuinfo). 12 chains cover
 * latency × ports on current x86 cores (FMA 4 cycles × 2 ports needs 8; VNNI
 * 5 × 2; vector popcount 2–3 × 2; scalar popcnt 3 × 1–4).
 * usage: peak MIN_SAMPLE_SEC SAMPLES
 * prints {"fp32":{"isa":..,"chains":..,"rates":[..]},"int8":..,"popcount":..}, a
 * kernel without an ISA to run on as {"skipped":"why"}; the parent keeps the best rate
 * (noise only ever lowers a peak). */
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define CHAINS 12
#define R12(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11)
#define R6(X) X(0) X(1) X(2) X(3) X(4) X(5)
/* The value is used (so its chain is computed) without any instruction. */
#define KEEP(x) __asm__ volatile("" : : "v"(x));
/* The value becomes unknown to the optimizer, so work on it cannot be hoisted out of the loop. */
#define OPAQUE(x) __asm__ volatile("" : "+v"(x));

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Each kernel runs `iters` iterations and returns the operations done. */
typedef double (*kernel_fn)(long iters);

/* ---------------------------------------------------------------- fp32 FMA */
#if defined(__AVX512F__)
#define FP32_ISA "avx512f"
typedef __m512 vf;
#define VF_LANES 16
#define VF_SET1 _mm512_set1_ps
#define VF_FMA(c, a, b) _mm512_fmadd_ps(c, a, b)
#elif defined(__FMA__)
#define FP32_ISA "avx2-fma"
typedef __m256 vf;
#define VF_LANES 8
#define VF_SET1 _mm256_set1_ps
#define VF_FMA(c, a, b) _mm256_fmadd_ps(c, a, b)
#elif defined(__SSE2__)
#define FP32_ISA "sse2 (mul + add, no FMA)"
typedef __m128 vf;
#define VF_LANES 4
#define VF_SET1 _mm_set1_ps
#define VF_FMA(c, a, b) _mm_add_ps(_mm_mul_ps(c, a), b)
#endif

#ifdef FP32_ISA
static double fp32_kernel(long iters) {
  /* c·0.999999 + 1e-7 converges to 0.1: no overflow, no denormals. */
  const vf a = VF_SET1(0.999999f), b = VF_SET1(1e-7f);
#define DECL(i) vf c##i = VF_SET1(0.01f * (i + 1));
  R12(DECL)
#undef DECL
  for (long it = 0; it < iters; it++) {
#define STEP(i) c##i = VF_FMA(c##i, a, b);
    R12(STEP)
#undef STEP
  }
#define USE(i) KEEP(c##i)
  R12(USE)
#undef USE
  return (double)iters * CHAINS * VF_LANES * 2;
}
#endif

/* ---------------------------------------------------------------- int8 */
#if defined(__AVX512VNNI__) && defined(__AVX512BW__)
#define INT8_ISA "avx512-vnni (vpdpbusd zmm)"
typedef __m512i vi;
#define VI_BYTES 64
#define VI_SET1 _mm512_set1_epi8
#define VI_DOT(c, a, b) _mm512_dpbusd_epi32(c, a, b)
#elif defined(__AVXVNNI__)
#define INT8_ISA "avx-vnni (vpdpbusd ymm)"
typedef __m256i vi;
#define VI_BYTES 32
#define VI_SET1 _mm256_set1_epi8
#define VI_DOT(c, a, b) _mm256_dpbusd_avx_epi32(c, a, b)
#elif defined(__AVX512BW__)
#define INT8_ISA "avx512bw (vpmaddubsw + vpmaddwd + vpaddd zmm)"
#define INT8_MADD 1
typedef __m512i vi;
#define VI_BYTES 64
#define VI_SET1 _mm512_set1_epi8
#define VI_MADD(c, a, b) _mm512_add_epi32(c, _mm512_madd_epi16(_mm512_maddubs_epi16(a, b), _mm512_set1_epi16(1)))
#elif defined(__AVX2__)
#define INT8_ISA "avx2 (vpmaddubsw + vpmaddwd + vpaddd ymm)"
#define INT8_MADD 1
typedef __m256i vi;
#define VI_BYTES 32
#define VI_SET1 _mm256_set1_epi8
#define VI_MADD(c, a, b) _mm256_add_epi32(c, _mm256_madd_epi16(_mm256_maddubs_epi16(a, b), _mm256_set1_epi16(1)))
#endif

#if defined(INT8_ISA) && !defined(INT8_MADD)
#define INT8_CHAINS CHAINS
static double int8_kernel(long iters) {
  const vi a = VI_SET1(3), b = VI_SET1(-2);
#define DECL(i) vi c##i = VI_SET1((char)i);
  R12(DECL)
#undef DECL
  for (long it = 0; it < iters; it++) {
#define STEP(i) c##i = VI_DOT(c##i, a, b);
    R12(STEP)
#undef STEP
  }
#define USE(i) KEEP(c##i)
  R12(USE)
#undef USE
  return (double)iters * CHAINS * VI_BYTES * 2;
}
#elif defined(INT8_ISA)
/* Without VNNI a chain is only the add; the multiplies read an operand made opaque
 * each iteration, so they run every time, and 6 chains (12 registers + 2 constants)
 * fit the 16 ymm registers. */
#define INT8_CHAINS 6
static double int8_kernel(long iters) {
  const vi b = VI_SET1(-2);
#define DECL(i) vi c##i = VI_SET1((char)i), a##i = VI_SET1((char)(i + 1));
  R6(DECL)
#undef DECL
  for (long it = 0; it < iters; it++) {
#define STEP(i) OPAQUE(a##i) c##i = VI_MADD(c##i, a##i, b);
    R6(STEP)
#undef STEP
  }
#define USE(i) KEEP(c##i)
  R6(USE)
#undef USE
  return (double)iters * 6 * VI_BYTES * 2;
}
#endif

/* ---------------------------------------------------------------- popcount */
#if defined(__AVX512VPOPCNTDQ__)
#define POPCNT_ISA "avx512-vpopcntdq (vpopcntq zmm)"
static double popcount_kernel(long iters) {
  /* x = popcount(x): each chain is its own input, so nothing can be hoisted. */
#define DECL(i) __m512i x##i = _mm512_set1_epi64(0x0123456789abcdefLL * (i + 1)); OPAQUE(x##i)
  R12(DECL)
#undef DECL
  for (long it = 0; it < iters; it++) {
#define STEP(i) x##i = _mm512_popcnt_epi64(x##i);
    R12(STEP)
#undef STEP
  }
#define USE(i) KEEP(x##i)
  R12(USE)
#undef USE
  return (double)iters * CHAINS * 512;
}
#elif defined(__POPCNT__)
#define POPCNT_ISA "popcnt (scalar, 64-bit)"
static double popcount_kernel(long iters) {
#define DECL(i) unsigned long long x##i = 0x0123456789abcdefULL * (i + 1);
  R12(DECL)
#undef DECL
  for (long it = 0; it < iters; it++) {
    /* "+r": the compiler cannot fold popcount(popcount(x)) when it cannot see x. */
#define STEP(i) __asm__ volatile("" : "+r"(x##i)); x##i = (unsigned long long)__builtin_popcountll(x##i);
    R12(STEP)
#undef STEP
  }
#define USE(i) __asm__ volatile("" : : "r"(x##i));
  R12(USE)
#undef USE
  return (double)iters * CHAINS * 64;
}
#endif

/* Doubles the iteration count until one run lasts min_sample seconds, then prints
 * `samples` rates in giga-operations per second. */
static void measure(const char *name, const char *isa, int chains, kernel_fn fn, double min_sample, int samples, int first) {
  long iters = 1 << 12;
  for (;;) {
    double t0 = now();
    fn(iters);
    if (now() - t0 >= min_sample || iters > (1L << 40)) break;
    iters *= 2;
  }
  printf("%s\"%s\":{\"isa\":\"%s\",\"chains\":%d,\"rates\":[", first ? "" : ",", name, isa, chains);
  for (int s = 0; s < samples; s++) {
    double t0 = now();
    double ops = fn(iters);
    printf("%s%.6g", s ? "," : "", ops / (now() - t0) / 1e9);
  }
  printf("]}");
}

__attribute__((unused)) static void skipped(const char *name, const char *why) { printf(",\"%s\":{\"skipped\":\"%s\"}", name, why); }

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s MIN_SAMPLE_SEC SAMPLES\n", argv[0]);
    return 2;
  }
  double min_sample = atof(argv[1]);
  int samples = atoi(argv[2]);
  printf("{");
#ifdef FP32_ISA
  measure("fp32", FP32_ISA, CHAINS, fp32_kernel, min_sample, samples, 1);
#else
  printf("\"fp32\":{\"skipped\":\"not an x86-64 build\"}");
#endif
#ifdef INT8_ISA
  measure("int8", INT8_ISA, INT8_CHAINS, int8_kernel, min_sample, samples, 0);
#else
  skipped("int8", "no AVX2 or VNNI");
#endif
#ifdef POPCNT_ISA
  measure("popcount", POPCNT_ISA, CHAINS, popcount_kernel, min_sample, samples, 0);
#else
  skipped("popcount", "no POPCNT or AVX-512 VPOPCNTDQ");
#endif
  printf("}\n");
  return 0;
}
