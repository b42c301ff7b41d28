import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers'; // registers the ops' gradients
import { createRng, type QuantParams } from '@lite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { chooseParams, dequantize, quantize, type QuantizeOptions } from '../schemes/affine.js';
import { fakeQuantize, fakeQuantizeActivation, fakeQuantizeWeight, representableRange, updateEmaRange, weightQuantParams } from './fake_quant.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Random values with some exact ties (k + 0.5)·s and an outlier, to exercise rounding. */
function sample(n: number, seed: number, spread = 1): Float32Array {
  const rng = createRng(seed);
  const v = Float32Array.from({ length: n }, () => (rng.next() * 2 - 1) * spread);
  v[0] = 3 * spread;
  return v;
}

const read = (t: tf.Tensor) => t.dataSync() as Float32Array;

describe('fakeQuantize forward', () => {
  const cases: { name: string; shape: number[]; options: QuantizeOptions }[] = [];
  for (const bits of [8, 4] as const) {
    for (const symmetric of [true, false]) {
      cases.push({ name: `per tensor, ${bits}-bit, ${symmetric ? 'sym' : 'asym'}`, shape: [7, 5], options: { bits, symmetric, perChannel: false } });
      cases.push({ name: `dense per channel, ${bits}-bit, ${symmetric ? 'sym' : 'asym'}`, shape: [17, 6], options: { bits, symmetric, layout: 'dense' } });
      cases.push({ name: `conv2d per channel, ${bits}-bit, ${symmetric ? 'sym' : 'asym'}`, shape: [3, 3, 4, 5], options: { bits, symmetric, layout: 'conv2d' } });
      cases.push({ name: `depthwise per channel, ${bits}-bit, ${symmetric ? 'sym' : 'asym'}`, shape: [3, 3, 4, 2], options: { bits, symmetric, layout: 'depthwiseConv2d' } });
    }
  }

  it.each(cases)('equals dequantize(quantize()) of the schemes exactly: $name', ({ shape, options }) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const values = sample(n, n + (options.bits ?? 8));
    const expected = quantize(values, shape, options);
    const reference = dequantize(expected.q, expected.params, shape);
    const x = tf.tensor(values, shape);
    // Given the scheme's parameters, and choosing them from the weight itself.
    const fq = fakeQuantize(x, expected.params);
    const fw = fakeQuantizeWeight(x, options);
    expect(read(fq)).toEqual(reference);
    expect(read(fw)).toEqual(reference);
    expect(weightQuantParams(x, options)).toEqual(expected.params);
    tf.dispose([x, fq, fw]);
  });

  it('clamps to the end codes and rounds ties to even, with given (calibrated) ranges', () => {
    for (const bits of [8, 4] as const) {
      const params = chooseParams([-0.5], [1.5], { bits, symmetric: false, narrowRange: false, axis: null });
      const s = params.scale[0];
      // Exact ties k + 0.5 in units of the scale, values far outside, and a NaN.
      const values = Float32Array.from([0.5 * s, 1.5 * s, 2.5 * s, -2.5 * s, 10, -10, 1.5, -0.5, 0]);
      const expected = quantize(values, [values.length], { bits, symmetric: false, perChannel: false, range: { min: [-0.5], max: [1.5] } });
      expect(expected.params).toEqual(params);
      const x = tf.tensor(values);
      const fq = fakeQuantize(x, params);
      expect(read(fq)).toEqual(dequantize(expected.q, params, [values.length]));
      const { min, max } = representableRange(params);
      expect(read(fq)[4]).toBe(Math.fround(max[0]));
      expect(read(fq)[5]).toBe(Math.fround(min[0]));
      tf.dispose([x, fq]);
    }
  });

  it('rejects non-float tensors and bad parameters', () => {
    const x = tf.tensor([1, 2, 3], [3], 'int32');
    const params: QuantParams = { bits: 8, axis: null, symmetric: true, narrowRange: true, scale: [0.1], zeroPoint: [0] };
    expect(() => fakeQuantize(x, params)).toThrow(/float32/);
    const y = tf.tensor([1, 2, 3]);
    expect(() => fakeQuantize(y, { ...params, axis: 1 })).toThrow(/axis 1/);
    expect(() => fakeQuantize(y, { ...params, axis: 0 })).toThrow(/scale/);
    tf.dispose([x, y]);
  });
});

describe('fakeQuantize gradient (clipped straight-through estimator)', () => {
  it('is exactly dy inside the representable range and 0 outside, per tensor and per channel', () => {
    for (const bits of [8, 4] as const) {
      // Symmetric per channel: the clip is scale·qmax of each channel.
      const params = chooseParams([-1, -0.25, 0], [0.5, 0.125, 2], { bits, symmetric: true, narrowRange: true, axis: 1 });
      const { max } = representableRange(params);
      // The range ends themselves (−1, −0.25: scales are rounded up, so they are inside) and 4 values outside.
      const values = Float32Array.from([0.3, -0.1, 1.9, -1.2, 0.3, -2.5, 0.9, 0.15, 2.5, -1, -0.25, 0]);
      const shape = [4, 3];
      const dyValues = Float32Array.from(values, (_, i) => i + 1);
      const x = tf.tensor(values, shape);
      const dy = tf.tensor(dyValues, shape);
      const g = tf.grad((t: tf.Tensor) => fakeQuantize(t, params))(x, dy);
      const expected = Float32Array.from(values, (v, i) => (Math.abs(v) <= max[i % 3] ? dyValues[i] : 0));
      expect(read(g)).toEqual(expected);
      expect(expected.filter((e) => e === 0).length).toBe(4);
      tf.dispose([x, dy, g]);
    }
    // Asymmetric per tensor: [scale·(qmin − zp), scale·(qmax − zp)].
    const params = chooseParams([-0.3], [1], { bits: 8, symmetric: false, narrowRange: false, axis: null });
    const { min, max } = representableRange(params);
    const values = Float32Array.from([-0.4, -0.29, 0, 0.99, 1.01, -0.3, 1, 5]);
    const x = tf.tensor(values);
    const g = tf.grad((t: tf.Tensor) => fakeQuantize(t, params))(x);
    expect(read(g)).toEqual(Float32Array.from(values, (v) => (v >= min[0] && v <= max[0] ? 1 : 0)));
    tf.dispose([x, g]);
  });

  it('passes the gradient through weight fake quantization (every weight is inside its own range) and leaks nothing', () => {
    const w = tf.variable(tf.tensor(sample(24, 3), [2, 3, 4]));
    const start = tf.memory().numTensors;
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(fakeQuantizeWeight(w, { bits: 4 }), 2)) as tf.Scalar, [w]);
    expect(read(grads[w.name])).toEqual(new Float32Array(24).fill(2));
    tf.dispose([value, grads[w.name]]);
    expect(tf.memory().numTensors).toBe(start);
    w.dispose();
  });
});

describe('activation ranges', () => {
  it('updateEmaRange starts from the first batch, then averages with the momentum', () => {
    let r = updateEmaRange(undefined, [-1, 3], 0.9);
    expect(r).toEqual([-1, 3]);
    r = updateEmaRange(r, [-2, 1], 0.9);
    expect(r[0]).toBeCloseTo(0.9 * -1 + 0.1 * -2, 15);
    expect(r[1]).toBeCloseTo(0.9 * 3 + 0.1 * 1, 15);
    expect(updateEmaRange([0, 1], [5, 6], 0)).toEqual([5, 6]);
  });

  it('fakeQuantizeActivation tracks ranges in training and freezes them in evaluation', () => {
    const ranges = new Map<string, [number, number]>();
    const batch1 = tf.tensor([0, 1, 2, 4]);
    const batch2 = tf.tensor([-1, 0.5, 8]);
    const out1 = fakeQuantizeActivation(batch1, { ranges, key: 'conv1', training: true, momentum: 0.5 });
    expect(ranges.get('conv1')).toEqual([0, 4]);
    const out2 = fakeQuantizeActivation(batch2, { ranges, key: 'conv1', training: true, momentum: 0.5 });
    expect(ranges.get('conv1')).toEqual([-0.5, 6]);
    // The batch is quantized with the updated range: 8 clamps to the top of [−0.5, 6].
    const params = chooseParams([-0.5], [6], { bits: 8, symmetric: false, narrowRange: false, axis: null });
    expect(read(out2)).toEqual(dequantize(quantize(read(batch2), [3], { bits: 8, symmetric: false, perChannel: false, range: { min: [-0.5], max: [6] } }).q, params, [3]));
    // Evaluation: frozen.
    const out3 = fakeQuantizeActivation(batch2, { ranges, key: 'conv1', training: false });
    expect(ranges.get('conv1')).toEqual([-0.5, 6]);
    expect(read(out3)).toEqual(read(out2));
    // Evaluation of an activation never seen: its own range, not recorded.
    const out4 = fakeQuantizeActivation(batch1, { ranges, key: 'fc1', training: false, bits: 4 });
    expect(ranges.has('fc1')).toBe(false);
    const own = quantize(read(batch1), [4], { bits: 4, symmetric: false, perChannel: false, range: { min: [0], max: [4] } });
    expect(read(out4)).toEqual(dequantize(own.q, own.params, [4]));
    const first = quantize(read(batch1), [4], { bits: 8, symmetric: false, perChannel: false });
    expect(read(out1)).toEqual(dequantize(first.q, first.params, [4]));
    tf.dispose([batch1, batch2, out1, out2, out3, out4]);
  });
});
