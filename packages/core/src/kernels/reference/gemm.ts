import type { GemmOptions } from '../types.js';
import { activate } from './activation.js';

/** Reference GEMM: the obvious triple loop, accumulated in float64. */
export function gemm(
  m: number, n: number, k: number,
  a: Float32Array, b: Float32Array, c: Float32Array,
  options: GemmOptions = {},
): void {
  const { transA = false, transB = false, accumulate = false, bias = null, activation } = options;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) {
        const av = transA ? a[p * m + i] : a[i * k + p];
        const bv = transB ? b[j * k + p] : b[p * n + j];
        sum += av * bv;
      }
      c[i * n + j] = accumulate ? c[i * n + j] + sum : activate(sum + (bias ? bias[j] : 0), activation);
    }
  }
}
