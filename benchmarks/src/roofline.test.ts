import { describe, expect, it } from 'vitest';
import { binaryMacs, binaryPercentOfPeak, type BinaryRow } from './binary.js';
import type { GemmRow } from './gemm.js';
import { noPeak, type Peak } from './peak.js';
import { pct, percentOfPeak } from './roofline.js';
import { spmmPercentOfPeak } from './sparse.js';

const rate = (r: number) => ({ isa: 'test', chains: 12, rate: r, rates: [r] });
const PEAK: Peak = { threads: 1, fp32: rate(200), int8: rate(800), popcount: rate(4000), cflags: [] };

describe('percentOfPeak', () => {
  it('divides by the peak of the matching kind, times the threads', () => {
    expect(percentOfPeak(150, PEAK, 'fp32')).toBe(75);
    expect(percentOfPeak(400, PEAK, 'int8')).toBe(50);
    expect(percentOfPeak(300, PEAK, 'fp32', 2)).toBe(75);
  });

  it('is null when the rate or the peak is missing', () => {
    expect(percentOfPeak(null, PEAK, 'fp32')).toBeNull();
    expect(percentOfPeak(NaN, PEAK, 'fp32')).toBeNull();
    expect(percentOfPeak(100, undefined, 'fp32')).toBeNull();
    expect(percentOfPeak(100, noPeak('no cc'), 'fp32')).toBeNull();
  });

  it('formats as a cell', () => {
    expect(pct(83.4)).toBe('83%');
    expect(pct(7.71)).toBe('7.7%');
    expect(pct(null)).toBe('—');
  });
});

describe('op counts', () => {
  it('binary rows: M·N·K 1-bit MACs against popcount, 2 flops per MAC against FMA', () => {
    expect(binaryMacs('GEMM 1024³')).toBe(1024 ** 3);
    expect(binaryMacs('3×3 conv 56×56×64→64')).toBe(56 * 56 * 64 * 9 * 64);
    expect(binaryMacs('an unknown case')).toBeNull();
    // 1024³ MACs in 1 ms: 1073.7 G MAC/s.
    const row: BinaryRow = { label: 'GEMM 1024³', kind: 'gemm', ms: { fp32: 10, binary: 1 }, ratio: 10, goal: 14, met: false };
    expect(binaryPercentOfPeak(row, 'binary', PEAK)).toBeCloseTo((100 * 1024 ** 3) / 1e6 / 4000, 6);
    expect(binaryPercentOfPeak(row, 'fp32', PEAK)).toBeCloseTo((100 * 2 * 1024 ** 3) / 1e7 / 200, 6);
    expect(binaryPercentOfPeak({ ...row, label: 'renamed' }, 'binary', PEAK)).toBeNull();
  });

  it('spmm: the dense-equivalent rate times the kept fraction, against fp32', () => {
    const row = { gflops: { spmm: 200, dense: 40 } } as unknown as GemmRow;
    expect(spmmPercentOfPeak({ sparsity: 0.9 }, row, PEAK)).toBeCloseTo(10, 9);
    expect(spmmPercentOfPeak({ sparsity: 0.9 }, { gflops: {} } as unknown as GemmRow, PEAK)).toBeNull();
  });
});
