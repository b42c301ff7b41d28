import { describe, expect, it } from 'vitest';
import { maskZeros } from '../masks/index.js';
import { globalMasks, layerMasks, pruneLowest, pruneLowestAcross, thresholdMask, zerosFor } from './select.js';

describe('pruneLowest', () => {
  it('prunes exactly the asked count, ties at the cut going to the lowest index', () => {
    const scores = Float32Array.from([3, 1, 2, 1, 1, 5]);
    expect([...pruneLowest(scores, 2)]).toEqual([1, 0, 1, 0, 1, 1]);
    expect([...pruneLowest(scores, 4)]).toEqual([1, 0, 0, 0, 0, 1]);
    expect([...pruneLowest(scores, 0)]).toEqual([1, 1, 1, 1, 1, 1]);
    expect([...pruneLowest(scores, 6)]).toEqual([0, 0, 0, 0, 0, 0]);
    expect(() => pruneLowest(scores, 7)).toThrow(/cannot prune 7 of 6/);
  });

  it('gives exact counts on all-equal scores and on random ones', () => {
    expect(maskZeros(pruneLowest(new Float32Array(1000), 333))).toBe(333);
    const random = Float32Array.from({ length: 5000 }, (_, i) => Math.sin(i * 12.9898) * 43758.5453 % 1);
    for (const k of [1, 17, 2500, 4999]) expect(maskZeros(pruneLowest(random, k))).toBe(k);
  });

  it('ranks several arrays together (global) and per layer', () => {
    const a = Float32Array.from([0.1, 0.9, 0.2, 0.8]);
    const b = Float32Array.from([0.3, 0.05, 0.7, 0.6]);
    const [ma, mb] = pruneLowestAcross([a, b], 3);
    expect([...ma]).toEqual([0, 1, 0, 1]);
    expect([...mb]).toEqual([1, 0, 1, 1]);
    const g = globalMasks([a, b], 0.5);
    expect(maskZeros(g[0]) + maskZeros(g[1])).toBe(4);
    const l = layerMasks([a, b], [0.25, 0.75]);
    expect([maskZeros(l[0]), maskZeros(l[1])]).toEqual([1, 3]);
    expect(zerosFor(0.9, 21750)).toBe(19575);
  });
});

describe('thresholdMask', () => {
  it('prunes |w| < t and keeps |w| ≥ t', () => {
    expect([...thresholdMask(Float32Array.from([0.05, -0.05, 0.1, -0.1, 0.2, -0.0999, 0]), 0.1)]).toEqual([0, 0, 1, 1, 1, 0, 0]);
  });
});
