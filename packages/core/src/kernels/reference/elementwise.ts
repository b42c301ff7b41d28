import type { BinaryOp } from '../types.js';

function apply(op: BinaryOp, a: number, b: number): number {
  switch (op) {
    case 'add': return a + b;
    case 'sub': return a - b;
    case 'rsub': return b - a;
    case 'mul': return a * b;
  }
}

/** Reference elementwise op with b repeating along a (b.length divides a.length). */
export function binary(op: BinaryOp, a: Float32Array, b: Float32Array, out: Float32Array): void {
  for (let i = 0; i < a.length; i++) out[i] = apply(op, a[i], b[i % b.length]);
}

/** Reference relu: negatives to 0, NaN kept. */
export function relu(x: Float32Array, out: Float32Array): void {
  for (let i = 0; i < x.length; i++) out[i] = x[i] < 0 ? 0 : x[i];
}

/** Reference step: 1 above 0, NaN for NaN, alpha otherwise. */
export function step(x: Float32Array, out: Float32Array, alpha: number): void {
  for (let i = 0; i < x.length; i++) out[i] = Number.isNaN(x[i]) ? NaN : x[i] > 0 ? 1 : alpha;
}

/** Reference sum of a rows×cols matrix over its rows (axis 0) or along each row (axis 1), in float64. */
export function sum(x: Float32Array, out: Float32Array, rows: number, cols: number, axis: 0 | 1): void {
  const acc = new Float64Array(axis === 0 ? cols : rows);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) acc[axis === 0 ? c : r] += x[r * cols + c];
  }
  out.set(acc);
}
