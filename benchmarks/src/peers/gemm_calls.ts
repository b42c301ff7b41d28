// GEMM calls on fixed seeded operands, shared by the children that time them.
import native from '@lite/native';
import { randomMatrix } from './child.js';

/** The activations' zero point the int8 GEMM calls use. */
export const ZERO_POINT_A = 7;

/** Seeded uint8 activations (m×k) and int8 weights (k×n): int8 kernel time does not depend on the values. */
export function int8Operands(m: number, n: number, k: number): { a: Uint8Array; b: Int8Array } {
  return {
    a: Uint8Array.from(randomMatrix(m * k, 1), (v) => Math.floor((v + 1) * 127.5)),
    b: Int8Array.from(randomMatrix(k * n, 2), (v) => Math.round(v * 127)),
  };
}

/**
 * One native.gemmS8 call on a (m×k uint8) and B packed once: float32 out through
 * the epilogue a layer uses (scaleA·scaleB[j] per column, bias), or the exact int32 sums.
 */
export function int8GemmCall(m: number, n: number, k: number, out: 'float32' | 'int32'): () => void {
  const { a, b } = int8Operands(m, n, k);
  const packed = native.packS8(k, n, b);
  if (out === 'int32') {
    const c = new Int32Array(m * n);
    return () => native.gemmS8(m, n, k, a, packed, c, { zeroPointA: ZERO_POINT_A });
  }
  const c = new Float32Array(m * n);
  const scaleB = Float32Array.from({ length: n }, (_, j) => 0.01 + j * 1e-5);
  const bias = Float32Array.from({ length: n }, (_, j) => (j % 7) * 0.1);
  const options = { zeroPointA: ZERO_POINT_A, scaleA: 0.02, scaleB, bias };
  return () => native.gemmS8(m, n, k, a, packed, c, options);
}

/** One native.gemm (fp32) call, C = A·B, on seeded operands. */
export function fp32GemmCall(m: number, n: number, k: number): () => void {
  const a = randomMatrix(m * k, 1);
  const b = randomMatrix(k * n, 2);
  const c = new Float32Array(m * n);
  return () => native.gemm(m, n, k, a, b, c);
}
