import { createRng } from '@lite/core';
import { describe, expect, it } from 'vitest';
import { Histogram } from './histogram.js';
import { CALIBRATION_METHODS, createObserver, type CalibrationMethod, type ObserverOptions } from './index.js';

/** Seeded N(0, σ²) samples (Box–Muller over core's createRng). */
function gaussian(n: number, seed: number, sigma = 1): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => sigma * Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next()));
}

/** `values` with `count` outliers of ±`size` spread through them. */
function withOutliers(values: Float32Array, count: number, size: number): Float32Array {
  const out = values.slice();
  for (let k = 0; k < count; k++) out[Math.floor(((k + 0.5) * out.length) / count)] = k % 2 === 0 ? size : -size;
  return out;
}

function calibrate(method: CalibrationMethod, batches: Float32Array[], options?: ObserverOptions): [number, number] {
  const observer = createObserver(method, options);
  for (const b of batches) observer.observe(b);
  return observer.range();
}

/** Mean squared error of 8-bit (or `bits`) asymmetric fake quantization on [lo, hi] (zero point rounded, 0 exact). */
function quantMse(values: Float32Array, [lo, hi]: [number, number], bits = 8): number {
  const top = 2 ** bits - 1;
  const s = (hi - lo) / top;
  const z = Math.round(-lo / s);
  let sum = 0;
  for (const x of values) {
    const q = Math.min(top, Math.max(0, Math.round(x / s) + z));
    sum += (x - (q - z) * s) ** 2;
  }
  return sum / values.length;
}

/**
 * The best range [−t, t] (or [0, t] when `oneSided`) for `bits` by brute force on the
 * data itself: t over a geometric grid (0.5% steps) from 0.5 to `tMax`.
 */
function bruteForceBest(values: Float32Array, oneSided: boolean, bits = 8, tMax = 8): { t: number; mse: number } {
  let best = { t: 0, mse: Infinity };
  for (let t = 0.5; t <= tMax; t *= 1.005) {
    const mse = quantMse(values, [oneSided ? 0 : -t, t], bits);
    if (mse < best.mse) best = { t, mse };
  }
  return best;
}

const lowest = (values: Float32Array) => values.reduce((m, x) => Math.min(m, x), 0);
const highest = (values: Float32Array) => values.reduce((m, x) => Math.max(m, x), 0);

/** Fraction of `values` above `hi` or below `lo`. */
const clippedFraction = (values: Float32Array, [lo, hi]: [number, number]) => values.filter((x) => x > hi || x < lo).length / values.length;

const N = 100_000;
const normal = gaussian(N, 1);
const noisy = withOutliers(normal, 6, 60); // a Gaussian (σ = 1) with a few huge outliers
const relu = normal.map((x) => Math.max(0, x)); // half-normal with half exact zeros

describe('minmax', () => {
  it('gives the data bounds widened to contain 0', () => {
    const rng = createRng(3);
    for (const [a, b] of [[1, 3], [-2, 5], [-4, -1]]) {
      const u = Float32Array.from({ length: 10_000 }, () => a + (b - a) * rng.next());
      const [lo, hi] = calibrate('minmax', [u]);
      expect(lo).toBe(lowest(u));
      expect(hi).toBe(highest(u));
      expect(lo).toBeCloseTo(Math.min(0, a), 2);
      expect(hi).toBeCloseTo(Math.max(0, b), 2);
    }
  });
});

describe('percentile', () => {
  it('clips each tail at the given percentile, well below the outliers', () => {
    const [lo, hi] = calibrate('percentile', [noisy]);
    // Φ⁻¹(0.9999) = 3.719 for N(0, 1).
    expect(hi).toBeGreaterThan(3.4);
    expect(hi).toBeLessThan(4.1);
    expect(lo).toBeLessThan(-3.4);
    expect(lo).toBeGreaterThan(-4.1);
    // Each tail holds at most 0.01% of the values (plus one, for interpolation within a bin).
    expect(noisy.filter((x) => x > hi).length).toBeLessThanOrEqual(N * 1e-4 + 1);
    expect(noisy.filter((x) => x < lo).length).toBeLessThanOrEqual(N * 1e-4 + 1);
    // ... and close to the exact empirical quantile.
    const sorted = noisy.slice().sort();
    expect(Math.abs(hi - sorted[Math.floor(N * 0.9999)])).toBeLessThan(0.1);
  });

  it('takes the percentile option; 100 is the data bounds; one-sided data keeps 0', () => {
    const [lo99, hi99] = calibrate('percentile', [normal], { percentile: 99 });
    expect(hi99).toBeCloseTo(2.326, 1); // Φ⁻¹(0.99)
    expect(lo99).toBeCloseTo(-2.326, 1);
    expect(calibrate('percentile', [noisy], { percentile: 100 })).toEqual(calibrate('minmax', [noisy]));
    const [rlo, rhi] = calibrate('percentile', [relu]);
    expect(rlo).toBe(0);
    expect(rhi).toBeGreaterThan(3.4);
    expect(rhi).toBeLessThan(4.1);
  });
});

describe('mse', () => {
  it('finds the range a brute-force search of the quantization MSE finds: about 4σ for 8-bit Gaussian data', () => {
    const range = calibrate('mse', [normal]);
    const best = bruteForceBest(normal, false);
    expect(best.t).toBeGreaterThan(3.5);
    expect(best.t).toBeLessThan(4.5);
    for (const end of [-range[0], range[1]]) {
      expect(end).toBeGreaterThan(best.t * 0.9);
      expect(end).toBeLessThan(best.t * 1.1);
    }
    expect(quantMse(normal, range)).toBeLessThan(best.mse * 1.01);
  });

  it('clips outliers when that pays (4 bits) and keeps them when it does not (8 bits), like the brute force', () => {
    // 4 bits: ~2.5–3σ, far below the outliers at 60σ, and 4× better than minmax.
    const r4 = calibrate('mse', [noisy], { bits: 4 });
    const b4 = bruteForceBest(noisy, false, 4);
    expect(b4.t).toBeLessThan(3.5);
    expect(r4[1]).toBeLessThan(3.5);
    expect(r4[0]).toBeGreaterThan(-3.5);
    expect(quantMse(noisy, r4, 4)).toBeLessThan(b4.mse * 1.01);
    expect(quantMse(noisy, r4, 4)).toBeLessThan(quantMse(noisy, calibrate('minmax', [noisy]), 4) / 4);
    // 8 bits: clipping k = 6 outliers at O = 60 costs ≈ k·O² = 21600, keeping them costs
    // ≈ N·(2·O/255)²/12 ≈ 460 of rounding: the optimum keeps them (brute force agrees).
    const r8 = calibrate('mse', [noisy]);
    const b8 = bruteForceBest(noisy, false, 8, 70);
    expect(b8.t).toBeGreaterThan(40);
    expect(quantMse(noisy, r8)).toBeLessThan(b8.mse * 1.01);
    expect(quantMse(noisy, r8)).toBeLessThanOrEqual(quantMse(noisy, calibrate('minmax', [noisy])));
  });

  it('gives [0, t] on ReLU outputs, with t where the brute-force optimum is', () => {
    for (const bits of [8, 4]) {
      const range = calibrate('mse', [relu], { bits });
      expect(range[0]).toBe(0);
      const best = bruteForceBest(relu, true, bits);
      expect(range[1]).toBeGreaterThan(best.t * 0.95);
      expect(range[1]).toBeLessThan(best.t * 1.05);
      expect(quantMse(relu, range, bits)).toBeLessThan(best.mse * 1.01);
    }
  });
});

describe('kl', () => {
  it('clips Gaussian data with outliers at a few σ, symmetrically', () => {
    const [lo, hi] = calibrate('kl', [noisy]);
    expect(hi).toBeGreaterThan(3);
    expect(hi).toBeLessThan(5);
    expect(lo).toBe(-hi);
  });

  it('gives [0, t] on ReLU outputs (exact zeros do not drag t down)', () => {
    const [lo, hi] = calibrate('kl', [relu]);
    expect(lo).toBe(0);
    expect(hi).toBeGreaterThan(3);
    expect(hi).toBeLessThanOrEqual(highest(relu));
  });

  it('keeps the whole range of degenerate data', () => {
    expect(calibrate('kl', [Float32Array.of(1, -1)])).toEqual([-1, 1]);
    expect(calibrate('kl', [Float32Array.of(0, 0, 2)])).toEqual([0, 2]);
  });
});

describe('every method', () => {
  it('gives a range containing 0, inside the data bounds', () => {
    for (const method of CALIBRATION_METHODS) {
      for (const data of [noisy, relu, relu.map((x) => -x - 1), Float32Array.from({ length: 1000 }, (_, i) => 2 + i / 1000)]) {
        const [lo, hi] = calibrate(method, [data]);
        expect(lo, method).toBeLessThanOrEqual(0);
        expect(hi, method).toBeGreaterThanOrEqual(0);
        expect(lo, method).toBeGreaterThanOrEqual(lowest(data));
        expect(hi, method).toBeLessThanOrEqual(highest(data));
      }
      expect(calibrate(method, [new Float32Array(10)])).toEqual([0, 0]);
    }
  });

  it('gives (nearly) the same range whether the data comes in one batch or several growing ones', () => {
    // Batches of growing spread force the histogram to re-bin several times.
    const sizes = [0.05, 0.2, 0.5, 1];
    for (const data of [noisy, relu]) {
      const batches: Float32Array[] = [];
      const per = N / sizes.length;
      sizes.forEach((f, k) => batches.push(data.slice(k * per, (k + 1) * per).map((x) => (x > f * 4 || x < -f * 4 ? Math.sign(x) * f * 4 : x))));
      const joined = new Float32Array(N);
      batches.forEach((b, k) => joined.set(b, k * per));
      for (const method of CALIBRATION_METHODS) {
        const one = calibrate(method, [joined]);
        const many = calibrate(method, batches);
        const extent = one[1] - one[0];
        expect(Math.abs(many[0] - one[0]), method).toBeLessThan(0.01 * extent);
        expect(Math.abs(many[1] - one[1]), method).toBeLessThan(0.01 * extent);
        if (method === 'minmax') expect(many).toEqual(one);
      }
    }
  });

  it('clips well below the outliers (minmax does not; mse at 4 bits, see above)', () => {
    for (const method of CALIBRATION_METHODS) {
      const [lo, hi] = calibrate(method, [noisy], method === 'mse' ? { bits: 4 } : {});
      if (method === 'minmax') expect([lo, hi]).toEqual([-60, 60]);
      else {
        expect(hi, method).toBeLessThan(6);
        expect(lo, method).toBeGreaterThan(-6);
        expect(clippedFraction(noisy, [lo, hi]), method).toBeLessThan(method === 'mse' ? 1e-2 : 1e-3);
      }
    }
  });
});

describe('histogram', () => {
  it('re-bins exactly when the range grows', () => {
    const h = new Histogram(8);
    h.add(Float32Array.of(0.1, 0.5, 0.99, -0.3, 0), 0.99);
    expect(h.limit).toBeGreaterThan(0.99);
    expect(h.limit).toBeLessThan(0.99 * 1.001);
    const before = Array.from(h.pos);
    h.add(Float32Array.of(3), 3);
    // Doubled twice: 4 old bins per new one.
    expect(h.width).toBeCloseTo((4 * 0.99) / 8, 5);
    expect(h.pos[0]).toBe(before.slice(0, 4).reduce((a, b) => a + b));
    expect(h.pos[1]).toBe(before.slice(4).reduce((a, b) => a + b));
    expect(h.pos[6]).toBe(1);
    expect(h.neg[0]).toBe(1);
    expect(h.zeros).toBe(1);
    expect(h.count).toBe(6);
  });
});

describe('bad input', () => {
  it('rejects bad options with what is allowed', () => {
    expect(() => createObserver('median' as CalibrationMethod)).toThrow(/unknown calibration method "median"; choose one of: minmax, percentile, mse, kl/);
    for (const percentile of [0, -1, 100.5, Number.NaN]) expect(() => createObserver('percentile', { percentile })).toThrow(RangeError);
    expect(() => createObserver('percentile', { percentile: 100 })).not.toThrow();
    expect(() => createObserver('mse', { percentile: 99 })).toThrow(/'percentile' applies to method 'percentile' only/);
    expect(() => createObserver('kl', { bins: 255 })).toThrow(/bins must be an integer ≥ 2\^bits = 256/);
    expect(() => createObserver('kl', { bits: 4, bins: 16 })).not.toThrow();
    expect(() => createObserver('kl', { bits: 10, bins: 1000 })).toThrow(RangeError);
    expect(() => createObserver('minmax', { bins: 4096 })).toThrow(TypeError);
    for (const bits of [1, 17, 7.5]) expect(() => createObserver('mse', { bits })).toThrow(/bits must be an integer 2..16/);
    expect(() => createObserver('mse', { bit: 8 } as ObserverOptions)).toThrow(/unknown observer option 'bit'/);
  });

  it('rejects non-finite data, saying where, and counts nothing of that batch', () => {
    for (const method of CALIBRATION_METHODS) {
      const observer = createObserver(method);
      observer.observe(Float32Array.of(1, -1));
      expect(() => observer.observe(Float32Array.of(0, 5, Number.NaN))).toThrow(/batch 2 .*element 2 is NaN/);
      expect(() => observer.observe(Float32Array.of(Infinity))).toThrow(/element 0 is Infinity/);
      expect(observer.range()).toEqual([-1, 1]);
    }
  });

  it('rejects a non-Float32Array and a range before any data', () => {
    const observer = createObserver('mse');
    expect(() => observer.observe([1, 2] as unknown as Float32Array)).toThrow(/Float32Array.*not Array/);
    expect(() => observer.range()).toThrow(/no activations observed/);
  });
});
