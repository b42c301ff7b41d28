// The native elementwise kernels and sums against their references, on every
// instruction-set path (the test script runs this folder once per LITE_ISA).
import { describe, expect, it } from 'vitest';
import { createRng } from '../data/random.js';
import { kernelInfo, kernels, reference, type BinaryOp } from './index.js';

function data(n: number, seed: number, special = false): Float32Array {
  const rng = createRng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.next() * 2 - 1;
  if (special && n >= 4) out.set([NaN, -0, 0, Infinity], 0);
  return out;
}

/** Equal element for element (NaN matches NaN, -0 matches -0), or within a relative tolerance. */
function sameValues(actual: Float32Array, expected: Float32Array, tolerance = 0) {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    const e = expected[i], a = actual[i];
    const ok = tolerance === 0 ? Object.is(a, e) : Math.abs(a - e) <= tolerance * Math.max(1, Math.abs(e));
    if (!ok) expect.fail(`[${i}]: native ${a}, reference ${e}`);
  }
}

// Sizes that cross the kernels' vector widths and threading chunks.
const SIZES = [1, 2, 3, 5, 16, 17, 31, 33, 127, 1023, 32768, 32769, 100_003, 1_048_577];

describe(`elementwise kernels, native vs reference (${kernelInfo().isa})`, () => {
  it('binary ops with same shape, trailing vectors and scalars', () => {
    for (const op of ['add', 'sub', 'rsub', 'mul'] as BinaryOp[]) {
      for (const n of SIZES) {
        for (const period of new Set([n, 1, 3, 10, 17].filter((p) => p <= n && n % p === 0))) {
          const a = data(n, n + period, true), b = data(period, period * 7 + 1);
          const want = new Float32Array(n), got = new Float32Array(n);
          reference.binary(op, a, b, want);
          kernels.binary(op, a, b, got);
          sameValues(got, want);
        }
      }
    }
  });

  it('relu and step, NaN and signed zeros included', () => {
    for (const n of SIZES) {
      const x = data(n, n, true);
      const want = new Float32Array(n), got = new Float32Array(n);
      reference.relu(x, want);
      kernels.relu(x, got);
      sameValues(got, want);
      for (const alpha of [0, 0.25]) {
        reference.step(x, want, alpha);
        kernels.step(x, got, alpha);
        sameValues(got, want);
      }
    }
  });

  it('sums over rows and along rows, all small shapes and large ones', () => {
    const shapes: [number, number][] = [];
    for (let r = 0; r <= 6; r++) for (let c = 0; c <= 6; c++) shapes.push([r, c]);
    shapes.push([36864, 10], [4096, 20], [1, 100_003], [100_003, 1], [1023, 17], [64, 50], [9000, 1024]);
    for (const [rows, cols] of shapes) {
      const x = data(rows * cols, rows * 131 + cols);
      for (const axis of [0, 1] as const) {
        const n = axis === 0 ? cols : rows;
        const want = new Float32Array(n), got = new Float32Array(n).fill(NaN);
        reference.sum(x, want, rows, cols, axis);
        kernels.sum(x, got, rows, cols, axis);
        sameValues(got, want, 1e-6);
      }
    }
  });
});
