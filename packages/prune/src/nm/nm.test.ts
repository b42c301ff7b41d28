import { describe, expect, it } from 'vitest';
import { checkNM, nmMask, parseNM } from './nm.js';

const rand = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin((i + 1) * seed * 12.9898) * 2 - 1);

describe('N:M', () => {
  it('keeps the N largest of every M along the reduction dimension of each output channel', () => {
    // dense [8, 2]: column 0 is rows 0..7 at even indices.
    const scores = Float32Array.from([1, 8, 5, 7, 3, 6, 2, 5, 9, 1, 4, 2, 6, 3, 7, 4]);
    const mask = nmMask(scores, [8, 2], 2, 4);
    // column 0: rows [1,5,3,2] → keep rows 1,2; rows [9,4,6,7] → keep rows 4,7
    expect([0, 2, 4, 6, 8, 10, 12, 14].map((i) => mask[i])).toEqual([0, 1, 1, 0, 1, 0, 0, 1]);
    // column 1: rows [8,7,6,5] → keep rows 0,1; rows [1,2,3,4] → keep rows 6,7
    expect([1, 3, 5, 7, 9, 11, 13, 15].map((i) => mask[i])).toEqual([1, 1, 0, 0, 0, 0, 1, 1]);
  });

  it('a 2:4 mask of a conv kernel passes the checker; the unpruned kernel fails it, group by group', () => {
    const shape = [5, 5, 10, 20];
    const values = rand(5 * 5 * 10 * 20, 3);
    const mask = nmMask(values.map(Math.abs), shape, 2, 4);
    const pruned = values.map((v, i) => (mask[i] ? v : 0));
    expect(checkNM(pruned, shape, 2, 4)).toEqual([]);
    // 250 rows: 62 full groups and one of 2 per channel; the dense kernel breaks every full group.
    const violations = checkNM(values, shape, 2, 4);
    expect(violations).toHaveLength(62 * 20);
    expect(violations[0]).toEqual({ channel: 0, group: 0, nonzeros: 4 });
    // exactly half of the weights kept (the partial group of 2 keeps both)
    expect(mask.reduce((a, b) => a + b, 0)).toBe(20 * (62 * 2 + 2));
  });

  it('finds a single extra nonzero, and parses patterns with clear errors', () => {
    const v = new Float32Array(16);
    v[0] = 1;
    v[2] = 1; // column 0 rows 0,1
    expect(checkNM(v, [8, 2], 2, 4)).toEqual([]);
    v[4] = 1; // column 0 row 2: three in group 0
    expect(checkNM(v, [8, 2], 2, 4)).toEqual([{ channel: 0, group: 0, nonzeros: 3 }]);
    expect(parseNM('2:4')).toEqual({ n: 2, m: 4 });
    expect(() => parseNM('2-4')).toThrow(/two integers like 2:4/);
    expect(() => parseNM('4:4')).toThrow(/1 ≤ N < M/);
    expect(() => checkNM(v, [16], 2, 4)).toThrow(/rank ≥ 2/);
  });
});
