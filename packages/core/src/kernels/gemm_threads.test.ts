// GEMMs big enough for the native driver to split across threads (by rows and by
// columns), against the reference, on every instruction-set path.
import { describe, expect, it } from 'vitest';
import { createRng } from '../data/random.js';
import { kernelInfo, kernels, reference, type GemmOptions } from './index.js';

function data(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.next() * 2 - 1);
}

function maxRelativeError(actual: Float32Array, expected: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / Math.max(1, Math.abs(expected[i])));
  return worst;
}

describe(`gemm across threads (${kernelInfo().isa}, ${kernelInfo().threads} threads)`, () => {
  // m·n·k above the single-thread cutoff (2^23); tall shapes split rows, wide ones columns.
  const shapes: [number, number, number][] = [[257, 301, 131], [1031, 67, 129], [7, 1500, 1000], [3, 4099, 700]];
  for (const [m, n, k] of shapes) {
    it(`${m}×${n}×${k}: transposes, bias and relu6, accumulate`, () => {
      const cases: GemmOptions[] = [{}, { transA: true }, { transB: true, bias: data(n, 5), activation: 'relu6' }, { accumulate: true }];
      cases.forEach((options, i) => {
        const a = data(m * k, i + 1), b = data(k * n, i + 2), start = data(m * n, i + 3);
        const want = start.slice(), got = start.slice();
        reference.gemm(m, n, k, a, b, want, options);
        kernels.gemm(m, n, k, a, b, got, options);
        expect(maxRelativeError(got, want)).toBeLessThan(1e-4);
      });
    });
  }
});
