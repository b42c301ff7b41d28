import { describe, expect, it } from 'vitest';
import { createRng } from '../data/random.js';
import { F16_MAX, f16ToF32, f32ToF16 } from './half.js';

const allHalves = () => Uint16Array.from({ length: 65536 }, (_, i) => i);
const bitsOf = (f: Float32Array) => new Uint32Array(f.buffer, f.byteOffset, f.length);
const isNaNHalf = (h: number) => (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;

/** Reference rounding: the nearest finite half by search over the sorted positive halves, ties to the even bit pattern. */
function referenceHalf(x: number, positives: Float64Array): number {
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a >= 65520) return sign | 0x7c00;
  let lo = 0;
  let hi = positives.length - 1; // 0x7bff
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (positives[mid] <= a) lo = mid;
    else hi = mid;
  }
  const dLo = a - positives[lo];
  const dHi = positives[hi] - a;
  const h = dLo < dHi ? lo : dHi < dLo ? hi : lo % 2 === 0 ? lo : hi;
  return sign | h;
}

describe('fp16 conversion', () => {
  it('fp16 → fp32 → fp16 is the identity on every half (NaNs stay NaN)', () => {
    const halves = allHalves();
    const f = f16ToF32(halves);
    const back = f32ToF16(f, 'infinity').bits;
    const bad: number[] = [];
    for (let h = 0; h < 65536; h++) {
      const ok = isNaNHalf(h) ? Number.isNaN(f[h]) && isNaNHalf(back[h]) : back[h] === h;
      if (!ok) bad.push(h);
    }
    expect(bad).toEqual([]);
  });

  it('fp16 → fp32 is exact', () => {
    const f = f16ToF32(allHalves());
    const bad: number[] = [];
    for (let h = 0; h < 0x7c00; h++) {
      const e = h >> 10;
      const m = h & 0x3ff;
      const want = e === 0 ? m * 2 ** -24 : (1 + m / 1024) * 2 ** (e - 15);
      if (f[h] !== want || f[h | 0x8000] !== -want) bad.push(h);
    }
    expect(bad).toEqual([]);
    expect(f[0x7c00]).toBe(Infinity);
    expect(f[0xfc00]).toBe(-Infinity);
    expect(Object.is(f[0x8000], -0)).toBe(true);
  });

  it('fp32 → fp16 rounds to nearest, ties to even (random values, ties, boundaries)', () => {
    const positives = new Float64Array(f16ToF32(Uint16Array.from({ length: 0x7c00 }, (_, i) => i)));
    const rng = createRng(3);
    const xs: number[] = [];
    // Random bit patterns across the whole half range and beyond.
    const u = new Uint32Array(1);
    const fv = new Float32Array(u.buffer);
    for (let i = 0; i < 100_000; i++) {
      u[0] = (rng.int(2) << 31) | ((0x30000000 + rng.int(0x17800000)) >>> 0);
      xs.push(fv[0]);
    }
    // Exact midpoints between neighbouring halves (ties), and values just beside them.
    for (let i = 0; i < 2000; i++) {
      const h = rng.int(0x7bff);
      const mid = (positives[h] + positives[h + 1]) / 2;
      xs.push(mid, -mid, Math.fround(mid * (1 + 2 ** -20)), Math.fround(mid * (1 - 2 ** -20)));
    }
    xs.push(0, -0, 2 ** -24, 2 ** -25, 3 * 2 ** -26, 2 ** -26, 2 ** -14, 2 ** -14 - 2 ** -25, 65504, 65505, 65519.99, 65520, 1e-30);
    const input = Float32Array.from(xs);
    const { bits } = f32ToF16(input, 'infinity');
    for (let i = 0; i < input.length; i++) {
      const want = referenceHalf(input[i], positives);
      if (bits[i] !== want) throw new Error(`${input[i]}: got 0x${bits[i].toString(16)}, want 0x${want.toString(16)}`);
    }
  });

  it('counts overflow, underflow, subnormals and non-finite values; clamps by default', () => {
    const x = Float32Array.of(1, 65504, 65505, -70000, 1e30, 2 ** -26, -(2 ** -30), 2 ** -20, 2 ** -14, NaN, Infinity, 0, -0);
    const clamp = f32ToF16(x);
    expect(clamp.stats).toEqual({ overflow: 3, maxOverflow: Math.fround(1e30), underflowToZero: 2, subnormal: 1, nonFinite: 2 });
    const back = f16ToF32(clamp.bits);
    expect(Array.from(back.slice(0, 5))).toEqual([1, 65504, F16_MAX, -F16_MAX, F16_MAX]);
    expect(back[5]).toBe(0);
    expect(Object.is(back[6], -0)).toBe(true);
    expect(back[7]).toBe(2 ** -20);
    expect(Number.isNaN(back[9])).toBe(true);
    expect(back[10]).toBe(Infinity);
    const inf = f16ToF32(f32ToF16(x, 'infinity').bits);
    expect(Array.from(inf.slice(2, 5))).toEqual([65504, -Infinity, Infinity]);
  });

  it('keeps relative error within 2^-11 for normal values', () => {
    const rng = createRng(4);
    const x = Float32Array.from({ length: 10_000 }, () => (rng.next() - 0.5) * 2 ** (rng.int(30) - 14));
    const y = f16ToF32(f32ToF16(x).bits);
    for (let i = 0; i < x.length; i++) if (Math.abs(x[i]) >= 2 ** -14) expect(Math.abs(y[i] - x[i])).toBeLessThanOrEqual(Math.abs(x[i]) * 2 ** -11);
  });

  it('accepts float32 views at any offset', () => {
    const buf = new Float32Array([0, 1.5, -2.25, 3]);
    const view = buf.subarray(1, 3);
    expect(Array.from(f16ToF32(f32ToF16(view).bits))).toEqual([1.5, -2.25]);
    expect(bitsOf(f16ToF32(Uint16Array.of(0x3c00)))[0]).toBe(0x3f800000);
  });
});
