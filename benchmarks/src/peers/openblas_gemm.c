/* OpenBLAS sgemm timed with the same protocol as src/timing.ts, answering the
 * same JSON as the other GEMM children (see src/peers/child.ts).
 * usage: openblas_gemm SAMPLES MIN_SAMPLE_SEC MAX_TOTAL_SEC M N K [M N K ...]
 * Threads come from OPENBLAS_NUM_THREADS; the kernel set from CPU detection
 * (the parent unsets OPENBLAS_CORETYPE, which would pin an older core). */
#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

char *openblas_get_corename(void);
char *openblas_get_config(void);
int openblas_get_num_threads(void);

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static float *random_matrix(size_t len, unsigned seed) {
  float *p = malloc(len * sizeof(float));
  if (!p) { fprintf(stderr, "out of memory\n"); exit(1); }
  unsigned s = seed ? seed : 1;
  for (size_t i = 0; i < len; i++) {
    s ^= s << 13; s ^= s >> 17; s ^= s << 5;
    p[i] = (float)(s / 4294967296.0 * 2.0 - 1.0);
  }
  return p;
}

static void gemm(int m, int n, int k, const float *a, const float *b, float *c) {
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f, a, k, b, n, 0.0f, c, n);
}

int main(int argc, char **argv) {
  if (argc < 7 || (argc - 4) % 3 != 0) {
    fprintf(stderr, "usage: %s SAMPLES MIN_SAMPLE_SEC MAX_TOTAL_SEC M N K [M N K ...]\n", argv[0]);
    return 2;
  }
  int samples = atoi(argv[1]);
  double min_sample = atof(argv[2]), max_total = atof(argv[3]);
  printf("{\"info\":{\"core\":\"%s\",\"config\":\"%s\",\"threads\":%d},\"timings\":[",
         openblas_get_corename(), openblas_get_config(), openblas_get_num_threads());
  for (int i = 4; i < argc; i += 3) {
    int m = atoi(argv[i]), n = atoi(argv[i + 1]), k = atoi(argv[i + 2]);
    float *a = random_matrix((size_t)m * k, 1), *b = random_matrix((size_t)k * n, 2);
    float *c = calloc((size_t)m * n, sizeof(float));
    gemm(m, n, k, a, b, c); /* warm-up */
    double t0 = now();
    gemm(m, n, k, a, b, c);
    double first = now() - t0;
    if (first < 1e-9) first = 1e-9;
    long calls = (long)ceil(min_sample / first);
    if (calls < 1) calls = 1;
    int kept = (int)(max_total / (calls * first));
    if (kept > samples) kept = samples;
    if (kept < 1) kept = 1;
    printf("%s{\"m\":%d,\"n\":%d,\"k\":%d,\"secPerCall\":[", i > 4 ? "," : "", m, n, k);
    for (int s = 0; s < kept; s++) {
      t0 = now();
      for (long j = 0; j < calls; j++) gemm(m, n, k, a, b, c);
      printf("%s%.9g", s ? "," : "", (now() - t0) / calls);
    }
    printf("]}");
    free(a); free(b); free(c);
  }
  printf("]}\n");
  return 0;
}
