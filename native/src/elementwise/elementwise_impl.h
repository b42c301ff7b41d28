// Elementwise kernels and sums, shared by every instruction-set path:
// elementwise_<isa>.cc includes this file, compiled with its own flags, and the
// compiler vectorises the loops. Internal linkage and no std:: templates, so no
// ISA's copy can be merged into another's. These are the small per-activation
// ops of a training step (bias add, relu and its gradient, bias gradients).
#pragma once
#include <cstdint>
#include <cstdlib>

#include "../kernels.h"
#include "../runtime/thread_pool.h"

namespace lite {
namespace {

// Elements per task. These loops are memory-bound and take microseconds: waking a
// worker costs tens of microseconds, so only large arrays are split.
constexpr int64_t kChunk = 1 << 19;

inline int64_t ew_min(int64_t a, int64_t b) { return a < b ? a : b; }

// Runs fn(begin, end) over [0, n) in chunks of at least kChunk, across the pool.
template <class Fn>
void ew_chunks(int64_t n, const Fn& fn) {
  const int64_t tasks = (n + kChunk - 1) / kChunk;
  if (tasks <= 1) {
    fn(int64_t{0}, n);
    return;
  }
  parallel_for(tasks, [&](int64_t t0, int64_t t1) { fn(t0 * kChunk, ew_min(n, t1 * kChunk)); });
}

template <BinaryOp Op>
inline float ew_apply(float a, float b) {
  if (Op == BinaryOp::Add) return a + b;
  if (Op == BinaryOp::Sub) return a - b;
  if (Op == BinaryOp::ReverseSub) return b - a;
  return a * b;
}

// out[i] = a[i] op b[i] for i in [i0, i1).
template <BinaryOp Op>
void ew_binary_range(const float* __restrict a, const float* __restrict b, float* __restrict out, int64_t i0,
                     int64_t i1) {
  for (int64_t i = i0; i < i1; ++i) out[i] = ew_apply<Op>(a[i], b[i]);
}

// out[i] = a[i] op s for i in [i0, i1).
template <BinaryOp Op>
void ew_binary_scalar_range(const float* __restrict a, float s, float* __restrict out, int64_t i0, int64_t i1) {
  for (int64_t i = i0; i < i1; ++i) out[i] = ew_apply<Op>(a[i], s);
}

template <BinaryOp Op>
void ew_binary(const float* a, const float* b, int64_t n, int64_t period, float* out) {
  if (period == n) {
    ew_chunks(n, [&](int64_t i0, int64_t i1) { ew_binary_range<Op>(a, b, out, i0, i1); });
  } else if (period == 1) {
    const float s = b[0];
    ew_chunks(n, [&](int64_t i0, int64_t i1) { ew_binary_scalar_range<Op>(a, s, out, i0, i1); });
  } else {
    // Whole rows of `period` per task, so b is indexed without a modulo.
    const int64_t rows = n / period, rows_per_task = kChunk / period + 1;
    const int64_t tasks = (rows + rows_per_task - 1) / rows_per_task;
    parallel_for(tasks, [&](int64_t t0, int64_t t1) {
      for (int64_t r = t0 * rows_per_task; r < ew_min(rows, t1 * rows_per_task); ++r)
        ew_binary_range<Op>(a + r * period, b, out + r * period, 0, period);
    });
  }
}

void ew_binary_any(BinaryOp op, const float* a, const float* b, int64_t n, int64_t period, float* out) {
  switch (op) {
    case BinaryOp::Add: return ew_binary<BinaryOp::Add>(a, b, n, period, out);
    case BinaryOp::Sub: return ew_binary<BinaryOp::Sub>(a, b, n, period, out);
    case BinaryOp::ReverseSub: return ew_binary<BinaryOp::ReverseSub>(a, b, n, period, out);
    case BinaryOp::Mul: return ew_binary<BinaryOp::Mul>(a, b, n, period, out);
  }
}

// The loops live in plain functions with restrict-qualified pointers: written
// inside the threading lambdas, one of GCC's copies of a loop came out scalar
// and branchy (10-50x slower on random signs).

// NaN stays NaN (x < 0 is false for it), as in tfjs.
void ew_relu_range(const float* __restrict x, float* __restrict out, int64_t i0, int64_t i1) {
  for (int64_t i = i0; i < i1; ++i) out[i] = x[i] < 0.f ? 0.f : x[i];
}

// Two selects, no branch.
void ew_step_range(const float* __restrict x, float alpha, float* __restrict out, int64_t i0, int64_t i1) {
  for (int64_t i = i0; i < i1; ++i) {
    const float v = x[i];
    const float s = v > 0.f ? 1.f : alpha;
    out[i] = v == v ? s : v;
  }
}

void ew_relu(const float* x, int64_t n, float* out) {
  ew_chunks(n, [&](int64_t i0, int64_t i1) { ew_relu_range(x, out, i0, i1); });
}

void ew_step(const float* x, int64_t n, float alpha, float* out) {
  ew_chunks(n, [&](int64_t i0, int64_t i1) { ew_step_range(x, alpha, out, i0, i1); });
}

// Column sums: each task sums a band of rows into its own float64 partials,
// then the partials are added in task order (deterministic for a thread count).
void ew_sum_rows(const float* __restrict x, int64_t rows, int64_t cols, float* __restrict out) {
  for (int64_t c = 0; c < cols; ++c) out[c] = 0.f;
  if (rows == 0 || cols == 0) return;
  const int64_t max_tasks = 4 * static_cast<int64_t>(num_threads());
  int64_t band = kChunk / cols + 1;
  if (band < (rows + max_tasks - 1) / max_tasks) band = (rows + max_tasks - 1) / max_tasks;
  const int64_t tasks = (rows + band - 1) / band;
  double* partial = static_cast<double*>(std::calloc(static_cast<size_t>(tasks * cols), sizeof(double)));
  if (partial == nullptr) {  // no room for partials: one strided pass per column
    for (int64_t c = 0; c < cols; ++c) {
      double s = 0;
      for (int64_t r = 0; r < rows; ++r) s += x[r * cols + c];
      out[c] = static_cast<float>(s);
    }
    return;
  }
  parallel_for(tasks, [&](int64_t t0, int64_t t1) {
    for (int64_t t = t0; t < t1; ++t) {
      double* __restrict acc = partial + t * cols;
      for (int64_t r = t * band; r < ew_min(rows, (t + 1) * band); ++r)
        for (int64_t c = 0; c < cols; ++c) acc[c] += x[r * cols + c];
    }
  });
  for (int64_t c = 0; c < cols; ++c) {
    double s = 0;
    for (int64_t t = 0; t < tasks; ++t) s += partial[t * cols + c];
    out[c] = static_cast<float>(s);
  }
  std::free(partial);
}

// Row sums, four float64 chains per row.
void ew_sum_cols(const float* __restrict x, int64_t rows, int64_t cols, float* __restrict out) {
  parallel_for(rows, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const float* row = x + r * cols;
      double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      int64_t c = 0;
      for (; c + 4 <= cols; c += 4) {
        s0 += row[c];
        s1 += row[c + 1];
        s2 += row[c + 2];
        s3 += row[c + 3];
      }
      for (; c < cols; ++c) s0 += row[c];
      out[r] = static_cast<float>((s0 + s1) + (s2 + s3));
    }
  });
}

}  // namespace
}  // namespace lite

// Defines the path's entry points, e.g. LITE_ELEMENTWISE_PATH(avx2).
#define LITE_ELEMENTWISE_PATH(isa)                                                                        \
  namespace lite {                                                                                        \
  void binary_##isa(BinaryOp op, const float* a, const float* b, int64_t n, int64_t period, float* out) { \
    ew_binary_any(op, a, b, n, period, out);                                                              \
  }                                                                                                       \
  void relu_##isa(const float* x, int64_t n, float* out) { ew_relu(x, n, out); }                          \
  void step_##isa(const float* x, int64_t n, float alpha, float* out) { ew_step(x, n, alpha, out); }      \
  void sum_##isa(const float* x, int64_t rows, int64_t cols, bool over_rows, float* out) {                \
    if (over_rows)                                                                                        \
      ew_sum_rows(x, rows, cols, out);                                                                    \
    else                                                                                                  \
      ew_sum_cols(x, rows, cols, out);                                                                    \
  }                                                                                                       \
  }
