import { decodeLite, decodeTensor, encodeLite, encodeTensor, type CompressedTensor, type Int4Tensor, type Int8Tensor } from '@lite/core';
import { describe, expect, it } from 'vitest';
import {
  channelAxis,
  chooseParams,
  dequantize,
  dequantizeBias,
  float32AtLeast,
  INT32_BIAS_MAX,
  quantize,
  quantizeBias,
  quantRange,
  resolveScheme,
  roundHalfEven,
  type QuantBits,
} from './affine.js';

/** Seeded values in [lo, hi). */
function uniform(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  let s = seed >>> 0 || 1;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return lo + (hi - lo) * (s / 2 ** 32);
  });
}

/** Values of shape [rows, channels] whose channel c spans roughly ±(c + 1)², shifted by `shift`. */
function channelled(rows: number, channels: number, seed: number, shift = 0): Float32Array {
  const u = uniform(rows * channels, seed);
  return u.map((x, i) => x * ((i % channels) + 1) ** 2 + shift);
}

const SCHEMES = [8, 4].flatMap((bits) =>
  [true, false].flatMap((symmetric) => [true, false].flatMap((narrowRange) => [true, false].map((perChannel) => ({ bits: bits as QuantBits, symmetric, narrowRange, perChannel })))),
);

describe('rounding and ranges', () => {
  it('rounds half to even', () => {
    expect([-3.5, -2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5].map(roundHalfEven)).toEqual([-4, -2, -2, -0, 0, 2, 2, 4]);
    expect([1.4999999, 1.5000001, -1.5000001, 126.5, 127.5].map(roundHalfEven)).toEqual([1, 2, -2, 126, 128]);
  });

  it('code ranges: int8 −128/−127..127, int4 −8/−7..7', () => {
    expect(quantRange(8, false)).toEqual({ qmin: -128, qmax: 127 });
    expect(quantRange(8, true)).toEqual({ qmin: -127, qmax: 127 });
    expect(quantRange(4, false)).toEqual({ qmin: -8, qmax: 7 });
    expect(quantRange(4, true)).toEqual({ qmin: -7, qmax: 7 });
  });

  it('channel axes: last for dense and conv2d, inC × multiplier for depthwise', () => {
    expect(channelAxis('dense', [320, 50])).toBe(1);
    expect(channelAxis('conv2d', [5, 5, 10, 20])).toBe(3);
    expect(channelAxis('depthwiseConv2d', [3, 3, 8, 2])).toBe(2);
    expect(() => channelAxis('dense', [3, 3, 1, 2])).toThrow(/a dense kernel is \[in, out\]/);
    expect(() => channelAxis('conv2d', [3, 3])).toThrow(/a conv2d filter is \[fh, fw, inC, outC\]/);
    expect(() => channelAxis('lstm' as never, [3])).toThrow(/layout must be/);
  });

  it('resolves scheme defaults and rejects bad options', () => {
    expect(resolveScheme([4, 3])).toEqual({ bits: 8, symmetric: true, narrowRange: true, axis: 1 });
    expect(resolveScheme([4])).toEqual({ bits: 8, symmetric: true, narrowRange: true, axis: null });
    expect(resolveScheme([4, 3], { symmetric: false, bits: 4 })).toEqual({ bits: 4, symmetric: false, narrowRange: false, axis: 1 });
    expect(resolveScheme([3, 3, 4, 2], { layout: 'depthwiseConv2d' }).axis).toBe(2);
    expect(resolveScheme([3, 3, 4, 2], { perChannel: false }).axis).toBeNull();
    expect(resolveScheme([6], { axis: 0 }).axis).toBe(0);
    expect(() => resolveScheme([4, 3], { bits: 2 as never })).toThrow(/bits must be 8 or 4, not 2/);
    expect(() => resolveScheme([4, 3], { axis: 2 })).toThrow(/axis 2 is not an axis of shape \[4, 3\]/);
    expect(() => resolveScheme([], { perChannel: true })).toThrow(/a scalar is quantized per tensor/);
    expect(() => resolveScheme([4], { symmetric: 'yes' as never })).toThrow(/symmetric must be true or false/);
    expect(() => chooseParams([1], [0], { bits: 8, symmetric: true, narrowRange: true, axis: null })).toThrow(/min ≤ max/);
    expect(() => chooseParams([NaN], [1], { bits: 8, symmetric: true, narrowRange: true, axis: null })).toThrow(/finite/);
  });
});

describe('quantize → dequantize', () => {
  for (const s of SCHEMES) {
    const label = `int${s.bits} ${s.symmetric ? 'symmetric' : 'asymmetric'}${s.narrowRange ? ' narrow' : ''} per ${s.perChannel ? 'channel' : 'tensor'}`;
    it(`${label}: every value within scale/2, codes in range`, () => {
      const shape = [37, 6];
      const v = channelled(37, 6, s.bits * 7 + (s.symmetric ? 1 : 0), s.symmetric ? 0 : 0.7);
      const { q, params, tensor, warnings } = quantize(v, shape, s);
      expect(warnings).toEqual([]);
      expect(tensor.encoding).toBe(s.bits === 8 ? 'int8' : 'int4');
      expect(params.axis).toBe(s.perChannel ? 1 : null);
      expect(params.scale.length).toBe(s.perChannel ? 6 : 1);
      const { qmin, qmax } = quantRange(s.bits, s.narrowRange);
      const d = dequantize(q, params, shape);
      const c = params.scale.length;
      for (let i = 0; i < v.length; i++) {
        expect(q[i]).toBeGreaterThanOrEqual(qmin);
        expect(q[i]).toBeLessThanOrEqual(qmax);
        expect(Math.abs(d[i] - v[i])).toBeLessThanOrEqual(params.scale[i % c] / 2 + Math.abs(v[i]) * 2 ** -23);
      }
      if (s.symmetric) expect(params.zeroPoint.every((z) => z === 0)).toBe(true);
      for (const sc of params.scale) expect(Math.fround(sc)).toBe(sc);
      // The codes are the .lite tensor's, and dequantize is its decode.
      expect(decodeTensor(tensor)).toEqual(d);
      // Each channel uses (nearly) the whole code range on its larger side.
      const used = Math.max(...Array.from(q, Math.abs));
      expect(used).toBeGreaterThanOrEqual(qmax - 1);
    });
  }

  it('asymmetric ranges put 0 exactly on the grid and cover all-positive data with the full code range', () => {
    const v = uniform(200, 3, 0.5, 2.5);
    const { q, params } = quantize(v, [200], { symmetric: false });
    expect(params.zeroPoint[0]).toBe(-128); // the range widens to [0, max]
    expect(Math.max(...q)).toBe(127);
    expect(dequantize(Int8Array.of(params.zeroPoint[0]), params, [1])[0]).toBe(0);
    const mixed = quantize(Float32Array.of(-1, 3, 0.3), [3], { symmetric: false, bits: 4 });
    expect(mixed.params.scale[0]).toBe(float32AtLeast(4 / 15));
    expect(mixed.params.zeroPoint[0]).toBe(roundHalfEven(-8 + 1 / mixed.params.scale[0]));
    expect(dequantize(mixed.q, mixed.params, [3])[2]).toBeCloseTo(0.3, 0);
  });

  it('clamps values outside a given range to the end codes and warns', () => {
    const v = Float32Array.of(-5, -1, -0.5, 0, 0.5, 1, 5, 0.999);
    for (const bits of [8, 4] as const) {
      const { q, params, warnings } = quantize(v, [8], { bits, range: { min: [-1], max: [1] }, name: 'act' });
      const { qmin, qmax } = quantRange(bits, true);
      expect(q[0]).toBe(qmin);
      expect(q[6]).toBe(qmax);
      expect(warnings.map((w) => [w.kind, w.count])).toEqual([['clipped', 2]]);
      expect(warnings[0].message).toMatch(/^act: 2 of 8 values lie outside the quantization range/);
      const d = dequantize(q, params, [8]);
      expect(d[0]).toBeCloseTo(-1, 6); // the scale is 1/qmax rounded up to float32
      expect(d[6]).toBeCloseTo(1, 6);
      for (let i = 1; i < 6; i++) expect(Math.abs(d[i] - v[i])).toBeLessThanOrEqual(params.scale[0] / 2);
    }
    expect(() => quantize(v, [8], { range: { min: [-1, -1], max: [1, 1] } })).toThrow(/range needs 1 min and max value\(s\) \(per tensor\), got 2 and 2/);
  });

  it('per channel beats per tensor when channels differ in magnitude', () => {
    const shape = [50, 8];
    const v = channelled(50, 8, 5);
    const mse = (perChannel: boolean) => {
      const { q, params } = quantize(v, shape, { perChannel });
      const d = dequantize(q, params, shape);
      return d.reduce((s, x, i) => s + (x - v[i]) ** 2, 0) / v.length;
    };
    const pc = quantize(v, shape, { perChannel: true });
    const pt = quantize(v, shape, { perChannel: false });
    for (const s of pc.params.scale) expect(s).toBeLessThanOrEqual(pt.params.scale[0]);
    expect(mse(true)).toBeLessThan(mse(false) / 2);
  });

  it('narrow range never uses −128 / −8; full range clamps the most negative value there', () => {
    const v = Float32Array.of(-1.2, 1, 0.2, -0.2);
    for (const bits of [8, 4] as const) {
      const { qmin } = quantRange(bits, false);
      const narrow = quantize(v, [4], { bits, range: { min: [-1], max: [1] } });
      expect(Math.min(...narrow.q)).toBe(qmin + 1);
      const full = quantize(v, [4], { bits, narrowRange: false, range: { min: [-1], max: [1] } });
      expect(Math.min(...full.q)).toBe(qmin);
    }
  });

  it('depthwise filters get one scale per inC × multiplier', () => {
    const shape = [3, 3, 4, 2];
    const v = channelled(9, 8, 2);
    const { params, q } = quantize(v, shape, { layout: 'depthwiseConv2d' });
    expect(params.axis).toBe(2);
    expect(params.scale.length).toBe(8);
    const d = dequantize(q, params, shape);
    for (let i = 0; i < v.length; i++) expect(Math.abs(d[i] - v[i])).toBeLessThanOrEqual(params.scale[i % 8] / 2 + 1e-6);
    // The absmax of channel c (= i mod 8) sets its scale.
    for (let c = 0; c < 8; c++) {
      let m = 0;
      for (let i = c; i < v.length; i += 8) m = Math.max(m, Math.abs(v[i]));
      expect(params.scale[c]).toBe(float32AtLeast(m / 127));
    }
  });

  it('all-zero channels get scale 1; NaN and ±Infinity are warned about', () => {
    const v = Float32Array.of(0, 1, 0, -2, 0, NaN, 0, Infinity);
    const { q, params, warnings } = quantize(v, [4, 2], { name: 'w' });
    expect(params.scale[0]).toBe(1);
    expect(params.scale[1]).toBe(float32AtLeast(2 / 127));
    expect(Array.from(q)).toEqual([0, 63, 0, -127, 0, 0, 0, 127]); // 1 / scale is just below 63.5
    expect(warnings.map((w) => [w.kind, w.count])).toEqual([['nonFinite', 2]]);
  });

  it('the defaults are the int8 and int4 encodings’ own defaults', () => {
    const v = channelled(12, 5, 9);
    for (const bits of [8, 4] as const) {
      const mine = quantize(v, [12, 5], { bits });
      const core = encodeTensor(bits === 8 ? 'int8' : 'int4', 'tensor', v, [12, 5]).tensor;
      expect(mine.tensor).toEqual(core);
    }
  });

  it('quantized tensors round-trip exactly through .lite files', () => {
    const tensors: CompressedTensor[] = [
      quantize(channelled(25, 10, 1), [5, 5, 1, 10], { layout: 'conv2d', name: 'conv/kernel' }).tensor,
      quantize(channelled(9, 6, 2, 0.3), [3, 3, 3, 2], { layout: 'depthwiseConv2d', symmetric: false, name: 'dw/kernel' }).tensor,
      quantize(channelled(7, 3, 3), [7, 3], { bits: 4, name: 'fc/kernel' }).tensor,
      quantize(uniform(5, 4), [5], { bits: 4, symmetric: false, narrowRange: true, name: 'fc/bias' }).tensor,
    ];
    const g = { nodes: [], outputs: [], tensors: new Map(tensors.map((t) => [t.name, t])), provenance: [] };
    const back = decodeLite(encodeLite(g));
    for (const t of tensors) {
      const b = back.tensors.get(t.name) as Int8Tensor | Int4Tensor;
      expect(b).toEqual(t);
      expect(decodeTensor(b)).toEqual(decodeTensor(t));
    }
  });
});

describe('int32 biases', () => {
  it('scale = inputScale · weightScale per channel, within scale/2, zero point 0', () => {
    const bias = Float32Array.of(0.1, -0.25, 0.003, 0);
    const weightScale = [0.01, 0.02, 0.005, 0.1].map(Math.fround);
    const inputScale = Math.fround(1 / 255);
    const { q, scale, clipped } = quantizeBias(bias, inputScale, weightScale);
    expect(clipped).toBe(0);
    expect(scale).toEqual(weightScale.map((w) => Math.fround(inputScale * w)));
    const d = dequantizeBias(q, scale);
    for (let c = 0; c < 4; c++) {
      expect(q[c]).toBe(roundHalfEven(bias[c] / scale[c]));
      expect(Math.abs(d[c] - bias[c])).toBeLessThanOrEqual(scale[c] / 2 + 1e-9);
    }
  });

  it('a per-tensor weight scale applies to every channel; huge biases clamp to ±(2^31 − 1)', () => {
    const { q, scale, clipped } = quantizeBias(Float32Array.of(1e9, -1e9, 1), 1e-3, [1e-3]);
    expect(scale.length).toBe(3);
    expect(clipped).toBe(2);
    expect(Array.from(q)).toEqual([INT32_BIAS_MAX, -INT32_BIAS_MAX, roundHalfEven(1 / scale[0])]);
    expect(() => quantizeBias([1, 2], 0, [1])).toThrow(/inputScale must be positive/);
    expect(() => quantizeBias([1, 2], 1, [1, 2, 3])).toThrow(/weightScale needs 1 or 2 values/);
  });
});
