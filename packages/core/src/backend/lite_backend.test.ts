import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { kernelInfo } from '../kernels/index.js';
import { LITE_BACKEND } from './index.js';
import { liteKernels } from './lite_backend.js';

type Op = (...xs: tf.Tensor[]) => tf.Tensor;

/** Seeded uniform data in [-1, 1). */
function random(shape: number[], seed: number): { shape: number[]; data: Float32Array } {
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  let s = seed >>> 0 || 1;
  for (let i = 0; i < data.length; i++) {
    s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
    data[i] = ((s >>> 0) / 4294967296) * 2 - 1;
  }
  return { shape, data };
}

/** The op's output and the gradients of sum(output · r) with respect to each input, on one backend. */
async function run(backend: string, op: Op, inputs: { shape: number[]; data: Float32Array }[], grads: boolean) {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const xs = inputs.map((i) => tf.tensor(i.data, i.shape));
    const y = op(...xs);
    const r = tf.tensor(random(y.shape, 99).data, y.shape);
    const out = [y.dataSync().slice()];
    if (grads) {
      const g = tf.grads((...args: tf.Tensor[]) => tf.sum(tf.mul(op(...args), r)))(xs);
      out.push(...g.map((t) => t.dataSync().slice()));
    }
    return out;
  });
}

function expectClose(actual: Float32Array, expected: Float32Array, what: string) {
  expect(actual.length, what).toBe(expected.length);
  let scale = 1e-6;
  for (const v of expected) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < actual.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    if (err > 1e-4 * Math.max(Math.abs(expected[i]), scale * 1e-2, 1e-3)) {
      throw new Error(`${what}[${i}]: lite ${actual[i]} vs cpu ${expected[i]}`);
    }
  }
}

async function compare(name: string, op: Op, shapes: number[][], grads = true) {
  const inputs = shapes.map((s, i) => random(s, 7 + i * 31));
  const cpu = await run('cpu', op, inputs, grads);
  const lite = await run(LITE_BACKEND, op, inputs, grads);
  cpu.forEach((expected, i) => expectClose(lite[i], expected, `${name} ${i === 0 ? 'forward' : `grad ${i - 1}`}`));
}

describe(`lite backend vs cpu (${kernelInfo().isa})`, () => {
  it('registers every cpu kernel and overrides the hot ones', () => {
    const lite = new Set(tf.getKernelsForBackend(LITE_BACKEND).map((k) => k.kernelName));
    for (const k of tf.getKernelsForBackend('cpu')) expect(lite.has(k.kernelName), k.kernelName).toBe(true);
    expect(liteKernels.map((k) => k.kernelName).sort()).toEqual([
      'AvgPool', 'AvgPoolGrad', 'BatchMatMul', 'Conv2D', 'Conv2DBackpropFilter', 'Conv2DBackpropInput',
      'DepthwiseConv2dNative', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput',
      'FusedConv2D', 'FusedDepthwiseConv2D', 'MaxPool', 'MaxPoolGrad', '_FusedMatMul',
    ]);
    for (const k of liteKernels) expect(tf.getKernel(k.kernelName, LITE_BACKEND)?.kernelFunc).toBe(k.kernelFunc);
  });

  it('matMul and batched matMul with transposes and broadcasting', async () => {
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]]) {
      const a = ta ? [17, 5] : [5, 17], b = tb ? [33, 17] : [17, 33];
      await compare(`matMul ${ta} ${tb}`, (x, y) => tf.matMul(x, y, ta, tb), [a, b]);
    }
    await compare('batchMatMul', (x, y) => tf.matMul(x, y), [[3, 4, 6], [3, 6, 5]]);
    // tfjs has no gradient for broadcast batch dimensions (on any backend): forward only.
    await compare('batchMatMul broadcast B', (x, y) => tf.matMul(x, y), [[3, 4, 6], [6, 5]], false);
    await compare('batchMatMul broadcast A', (x, y) => tf.matMul(x, y, false, true), [[1, 4, 6], [3, 5, 6]], false);
  });

  it('fused matMul with bias and activations', async () => {
    for (const activation of ['linear', 'relu', 'relu6', 'elu'] as const) {
      await compare(`fused matMul ${activation}`,
        (x, w, b) => tf.fused.matMul({ a: x, b: w, bias: b, activation }), [[9, 31], [31, 20], [20]]);
    }
    await compare('fused matMul transposed', (x, w) => tf.fused.matMul({ a: x, b: w, transposeB: true }), [[9, 31], [20, 31]]);
  });

  it('conv2d forward and both gradients: strides, SAME/VALID/explicit padding', async () => {
    const cases: [number[], number[], [number, number], 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]]][] = [
      [[2, 9, 9, 3], [3, 3, 3, 4], [1, 1], 'same'],
      [[2, 9, 8, 3], [5, 5, 3, 10], [1, 1], 'valid'],
      [[1, 11, 10, 2], [3, 2, 2, 5], [2, 2], 'same'],
      [[2, 12, 12, 10], [5, 5, 10, 20], [1, 1], 'valid'],
      [[1, 7, 7, 4], [1, 1, 4, 6], [1, 1], 'valid'],
      [[1, 8, 8, 3], [3, 3, 3, 2], [2, 1], [[0, 0], [1, 2], [2, 0], [0, 0]]],
    ];
    for (const [x, f, strides, pad] of cases) {
      await compare(`conv2d ${x} ${f} ${strides} ${pad}`, (a, b) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, strides, pad), [x, f]);
    }
    await compare('conv2d dilated', (a, b) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same', 'NHWC', 2), [[1, 9, 9, 2], [3, 3, 2, 3]], false);
  });

  it('fused conv2d with bias and activations', async () => {
    for (const activation of ['linear', 'relu', 'relu6', 'elu'] as const) {
      await compare(`fused conv2d ${activation}`, (x, f, b) => tf.fused.conv2d({
        x: x as tf.Tensor4D, filter: f as tf.Tensor4D, strides: 1, pad: 'same', bias: b, activation,
      }), [[2, 6, 7, 3], [3, 3, 3, 5], [5]]);
    }
  });

  it('conv2dTranspose (Conv2DBackpropInput as a forward op)', async () => {
    await compare('conv2dTranspose', (x, f) => tf.conv2dTranspose(x as tf.Tensor4D, f as tf.Tensor4D, [2, 10, 10, 3], 2, 'same'), [[2, 5, 5, 4], [3, 3, 3, 4]]);
  });

  it('depthwise conv2d forward and gradients, multipliers, strides, dilation', async () => {
    const cases: [number[], number[], [number, number], 'same' | 'valid'][] = [
      [[2, 8, 8, 3], [3, 3, 3, 1], [1, 1], 'same'],
      [[1, 9, 7, 4], [3, 3, 4, 2], [2, 2], 'valid'],
      [[2, 10, 10, 17], [5, 5, 17, 1], [1, 1], 'same'],
    ];
    for (const [x, f, strides, pad] of cases) {
      await compare(`depthwise ${x} ${f} ${strides} ${pad}`, (a, b) => tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, strides, pad), [x, f]);
    }
    await compare('depthwise dilated', (a, b) => tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same', 'NHWC', 2), [[1, 9, 9, 3], [3, 3, 3, 2]], false);
    await compare('fused depthwise relu6', (x, f, b) => tf.fused.depthwiseConv2d({
      x: x as tf.Tensor4D, filter: f as tf.Tensor4D, strides: 1, pad: 'same', bias: b, activation: 'relu6',
    }), [[1, 6, 6, 4], [3, 3, 4, 2], [8]]);
  });

  it('tfjs-layers DepthwiseConv2D (dilations: null) runs on lite like on cpu', async () => {
    const make = () => tfl.sequential({ layers: [tfl.layers.depthwiseConv2d({ inputShape: [6, 6, 3], kernelSize: 3, depthMultiplier: 2, depthwiseInitializer: 'ones', biasInitializer: 'ones', padding: 'same' })] });
    await compare('layers depthwiseConv2d', (x) => make().predict(x) as tf.Tensor, [[2, 6, 6, 3]], false);
  });

  it('max and average pooling forward and gradients', async () => {
    const cases: [number[], [number, number], [number, number], 'same' | 'valid'][] = [
      [[2, 8, 8, 3], [2, 2], [2, 2], 'valid'],
      [[2, 24, 24, 10], [2, 2], [2, 2], 'valid'],
      [[1, 9, 7, 5], [3, 3], [2, 2], 'valid'],
      [[1, 9, 7, 5], [3, 2], [1, 2], 'same'],
    ];
    for (const [x, size, strides, pad] of cases) {
      await compare(`maxPool ${x} ${size} ${strides} ${pad}`, (a) => tf.maxPool(a as tf.Tensor4D, size, strides, pad), [x]);
      // tfjs cpu's AvgPoolGrad divides by the full window under SAME padding (its own forward does not): compare forward only there.
      await compare(`avgPool ${x} ${size} ${strides} ${pad}`, (a) => tf.avgPool(a as tf.Tensor4D, size, strides, pad), [x], pad === 'valid');
    }
  });

  it('avgPool gradient under SAME padding is the true gradient (finite differences)', async () => {
    await tf.setBackend(LITE_BACKEND);
    const { data } = random([1, 5, 5, 2], 3);
    const r = random([1, 3, 3, 2], 5).data;
    const f = (x: Float32Array) => tf.tidy(() => tf.sum(tf.mul(tf.avgPool(tf.tensor4d(x, [1, 5, 5, 2]), 3, 2, 'same'), tf.tensor4d(r, [1, 3, 3, 2]))).dataSync()[0]);
    const grad = tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.avgPool(x as tf.Tensor4D, 3, 2, 'same'), tf.tensor4d(r, [1, 3, 3, 2]))))(tf.tensor4d(data, [1, 5, 5, 2])).dataSync());
    for (let i = 0; i < data.length; i++) {
      const up = data.slice(), down = data.slice();
      up[i] += 1e-2; down[i] -= 1e-2;
      expect(grad[i]).toBeCloseTo((f(up) - f(down)) / 2e-2, 3);
    }
  });

  it('fast-path elementwise kernels: same shape, per-channel vector, scalar, either side', async () => {
    const pairs: [number[], number[]][] = [
      [[4, 5, 3], [4, 5, 3]], [[4, 5, 3], [3]], [[3], [4, 5, 3]], [[4, 5, 3], [1, 1, 3]],
      [[4, 5, 3], []], [[], [6, 2]], [[4, 5, 3], [5, 1]], [[2, 3], [2, 1]],
    ];
    for (const [a, b] of pairs) {
      await compare(`add ${a} ${b}`, (x, y) => tf.add(x, y), [a, b]);
      await compare(`sub ${a} ${b}`, (x, y) => tf.sub(x, y), [a, b]);
      await compare(`mul ${a} ${b}`, (x, y) => tf.mul(x, y), [a, b]);
    }
    await compare('relu', (x) => tf.relu(x), [[7, 9]]);
    await compare('step', (x) => tf.step(x, 0.25), [[7, 9]], false);
    await tf.setBackend(LITE_BACKEND);
    expect(Array.from(tf.relu(tf.tensor([NaN, -1, 2])).dataSync())).toEqual([NaN, 0, 2]);
    expect(Array.from(tf.step(tf.tensor([NaN, -1, 2]), 0.5).dataSync())).toEqual([NaN, 0.5, 1]);
    expect(tf.add(tf.tensor([1, 2], [2], 'int32'), tf.tensor([3, 4], [2], 'int32')).dtype).toBe('int32');
    // A float32 cast of a bool tensor keeps cpu's Uint8Array storage: such inputs go to cpu.
    await compare('mul by a cast mask', (x, y) => tf.mul(tf.cast(tf.greater(x, 0), 'float32'), y), [[5, 6], [5, 6]], false);
  });

  it('fast-path sum over leading, trailing and other axes', async () => {
    for (const [axis, keepDims] of [[[0, 1, 2], false], [0, true], [[2, 3], false], [-1, true], [1, false], [[0, 2], false], [null, false]] as const) {
      await compare(`sum ${axis} ${keepDims}`, (x) => tf.sum(x, axis as number | number[] | null, keepDims), [[3, 4, 5, 6]]);
    }
  });

  it('fast-path mean, pad and inference batchNorm', async () => {
    for (const [axis, keepDims] of [[[1, 2], false], [[0, 1, 2], true], [-1, false], [[1, 3], false]] as const) {
      await compare(`mean ${axis} ${keepDims}`, (x) => tf.mean(x, axis as number | number[], keepDims), [[3, 4, 5, 6]]);
    }
    await compare('pad NHWC', (x) => tf.pad(x, [[0, 0], [0, 1], [2, 1], [0, 0]]), [[2, 5, 4, 3]]);
    await compare('pad every axis, constant', (x) => tf.pad(x, [[1, 0], [1, 2], [0, 3]], 0.5), [[2, 3, 4]], false);
    await compare('pad 1-D', (x) => tf.pad(x, [[3, 2]]), [[5]]);
    await compare('batchNorm', (x, m, v, o, sc) => tf.batchNorm(x, m, tf.abs(v), o, sc, 1e-3), [[2, 4, 4, 6], [6], [6], [6], [6]], false);
    await compare('batchNorm without offset/scale', (x, m, v) => tf.batchNorm(x, m, tf.add(tf.abs(v), 0.1)), [[3, 5], [5], [5]], false);
    await compare('batchNorm with rank-2 statistics (cpu path)', (x, m, v) => tf.batchNorm(x, m, tf.add(tf.abs(v), 0.1)), [[2, 3, 5], [3, 5], [3, 5]], false);
  });

  it('a training step of a small CNN matches cpu', async () => {
    const net = (x: tf.Tensor, w1: tf.Tensor, w2: tf.Tensor, w3: tf.Tensor) => {
      const c1 = tf.maxPool(tf.relu(tf.conv2d(x as tf.Tensor4D, w1 as tf.Tensor4D, 1, 'valid')), 2, 2, 'valid');
      const c2 = tf.maxPool(tf.relu(tf.conv2d(c1, w2 as tf.Tensor4D, 1, 'valid')), 2, 2, 'valid');
      return tf.matMul(tf.reshape(c2, [x.shape[0], -1]), w3);
    };
    await compare('cnn', net, [[4, 28, 28, 1], [5, 5, 1, 10], [5, 5, 10, 20], [320, 10]]);
  });
});
