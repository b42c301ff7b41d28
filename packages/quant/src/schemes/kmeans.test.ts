import { decodeLite, decodeTensor, encodeLite, LiteFormatError, type KMeansTensor } from '@lite/core';
import { describe, expect, it } from 'vitest';
import { kmeansDequantize, kmeansQuantize, packIndices } from './kmeans.js';

/** Seeded normal values (Box–Muller) with standard deviation `std`. */
function gaussian(n: number, seed: number, std = 1): Float32Array {
  let s = seed >>> 0 || 1;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 1) / (2 ** 32 + 1);
  };
  return Float32Array.from({ length: n }, () => std * Math.sqrt(-2 * Math.log(next())) * Math.cos(2 * Math.PI * next()));
}

const sqError = (v: Float32Array, d: Float32Array) => v.reduce((s, x, i) => s + (x - d[i]) ** 2, 0);

describe('k-means weight sharing', () => {
  const v = gaussian(5000, 42, 0.1);

  it('centroids are sorted, at most 2^bits, and the error falls with every extra bit (2–8)', () => {
    let prev = Infinity;
    for (let bits = 2; bits <= 8; bits++) {
      const { codebook, indices, tensor } = kmeansQuantize(v, [100, 50], { bits });
      expect(codebook.length).toBeLessThanOrEqual(2 ** bits);
      expect(codebook.length).toBeGreaterThan(2 ** bits / 2);
      for (let j = 1; j < codebook.length; j++) expect(codebook[j]).toBeGreaterThan(codebook[j - 1]);
      expect(tensor.bits).toBe(bits);
      const d = kmeansDequantize(codebook, indices);
      expect(d).toEqual(decodeTensor(tensor));
      const err = sqError(v, d);
      expect(err).toBeLessThan(prev * 0.7);
      prev = err;
    }
  });

  it('starts from centroids spaced linearly between min and max; Lloyd steps then lower the error', () => {
    let min = Infinity;
    let max = -Infinity;
    for (const x of v) [min, max] = [Math.min(min, x), Math.max(max, x)];
    const init = kmeansQuantize(v, [5000], { bits: 3, iterations: 0 });
    const linear = Array.from({ length: 8 }, (_, j) => Math.fround(min + ((max - min) * j) / 7));
    expect(Array.from(init.codebook)).toEqual(linear);
    const fitted = kmeansQuantize(v, [5000], { bits: 3 });
    expect(sqError(v, kmeansDequantize(fitted.codebook, fitted.indices))).toBeLessThan(0.5 * sqError(v, kmeansDequantize(init.codebook, init.indices)));
    // Extremes stay represented (linear initialisation keeps a centroid near each end).
    expect(fitted.codebook[0]).toBeLessThan(min / 2);
    expect(fitted.codebook[7]).toBeGreaterThan(max / 2);
  });

  it('each value takes its nearest centroid', () => {
    const { codebook, indices } = kmeansQuantize(v.subarray(0, 500), [500], { bits: 4 });
    for (let i = 0; i < 500; i++) {
      const best = Math.min(...Array.from(codebook, (c) => Math.abs(c - v[i])));
      expect(Math.abs(codebook[indices[i]] - v[i])).toBe(best);
    }
  });

  it('indices round-trip exactly through .lite files', () => {
    const tensors = [2, 3, 4, 5, 8].map((bits) => kmeansQuantize(v.subarray(0, 999), [27, 37], { bits, name: `w${bits}` }));
    const g = { nodes: [], outputs: [], tensors: new Map(tensors.map((t) => [t.tensor.name, t.tensor])), provenance: [] };
    const back = decodeLite(encodeLite(g));
    for (const { tensor, indices, codebook } of tensors) {
      const b = back.tensors.get(tensor.name) as KMeansTensor;
      expect(b.codebook).toEqual(codebook);
      expect(Array.from(b.packed)).toEqual(Array.from(packIndices(indices, tensor.bits)));
      expect(decodeTensor(b)).toEqual(kmeansDequantize(codebook, indices));
    }
  });

  it('a tensor whose index points past the codebook is refused by the reader', () => {
    const { tensor } = kmeansQuantize(Float32Array.of(0, 1, 2), [3], { bits: 2, codebook: [0, 1, 2] });
    const g = { nodes: [], outputs: [], tensors: new Map([[tensor.name, tensor]]), provenance: [] };
    expect(() => encodeLite({ ...g, tensors: new Map([[tensor.name, { ...tensor, packed: Uint8Array.of(0b111111) }]]) })).toThrow(LiteFormatError);
  });

  it('rejects bits outside 2..8 and bad codebooks', () => {
    expect(() => kmeansQuantize(v, [5000], { bits: 1 })).toThrow(/bits must be an integer 2\.\.8/);
    expect(() => kmeansQuantize(v, [5000], { bits: 9 })).toThrow(/bits must be an integer 2\.\.8/);
    expect(() => kmeansQuantize(v, [5000], { bits: 2, codebook: [0, 0] })).toThrow(/strictly increasing/);
    expect(() => kmeansDequantize(Float32Array.of(1), [1])).toThrow(/index 0 is 1, but the codebook has 1 centroids/);
  });
});
