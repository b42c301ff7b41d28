import { describe, expect, it } from 'vitest';
import { barChartSvg } from './chart.js';

const bars = (svg: string) => [...svg.matchAll(/<rect class="bar" x="([\d.]+)" y="(\d+)" width="([\d.]+)"[^>]* data-value="([\d.e+-]+)"/g)]
  .map((m) => ({ x: Number(m[1]), y: Number(m[2]), width: Number(m[3]), value: Number(m[4]) }));

describe('barChartSvg', () => {
  it('draws one bar per value, anchored at 1×, with a legend entry per peer', () => {
    const svg = barChartSvg([
      { group: 'gemm 512³', series: 'OpenBLAS 1T', value: 0.5 },
      { group: 'gemm 512³', series: 'tfjs-wasm', value: 5 },
      { group: 'binary <conv>', series: 'lite fp32', value: 50 },
      { group: 'skipped', series: 'x', value: NaN },
    ], 'speedups & more');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).not.toMatch(/<script|href=/);
    const drawn = bars(svg);
    expect(drawn.map((b) => b.value)).toEqual([0.5, 5, 50]);
    // 0.5× ends where 5× and 50× start (the 1× line); 50× is longer than 5×.
    expect(drawn[0]!.x + drawn[0]!.width).toBeCloseTo(drawn[1]!.x, 1);
    expect(drawn[2]!.width).toBeGreaterThan(drawn[1]!.width);
    expect(svg).toContain('vs OpenBLAS 1T');
    expect(svg).toContain('binary &#60;conv&#62;');
    expect(svg).toContain('speedups &#38; more');
    expect(svg).not.toContain('vs x');
  });

  it('keeps a group\'s bars together', () => {
    const svg = barChartSvg([
      { group: 'a', series: 'p', value: 2 },
      { group: 'b', series: 'p', value: 3 },
      { group: 'a', series: 'q', value: 4 },
    ], 't');
    expect(bars(svg).map((b) => b.value)).toEqual([2, 4, 3]);
  });

  it('says so when there is nothing to draw', () => {
    expect(barChartSvg([], 't')).toContain('no results to chart');
  });
});
