import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { LITE_BACKEND, evaluate, loadMnist, registerLiteBackend, seedStudent, selectSamples, silentProgress, type Dataset } from '@lite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { dequantize, quantize } from '../schemes/affine.js';
import { createQatForward, quantizationAwareTrain, type QatOptions } from './qat.js';

let trainSet: Dataset;
let testSet: Dataset;
beforeAll(async () => {
  registerLiteBackend();
  await tf.setBackend(LITE_BACKEND);
  const mnist = await loadMnist();
  // Every 15th sample: 512 training digits of all classes.
  trainSet = selectSamples(mnist.train, Array.from({ length: 512 }, (_, i) => i * 15));
  testSet = selectSamples(mnist.test, Array.from({ length: 500 }, (_, i) => i * 4));
});

const kernelOf = (layer: tfl.layers.Layer) => (layer as unknown as { kernel: tfl.LayerVariable }).kernel;

describe('quantizationAwareTrain', () => {
  it('trains seedStudent with int4 fake quantization: lowers the loss, keeps fp32 variables, leaks nothing, restores the layers', async () => {
    const model = seedStudent({ seed: 0 });
    const probe = tf.tensor4d(testSet.images.subarray(0, 8 * 784), [8, 28, 28, 1]);
    const kernels = model.layers.map((l) => kernelOf(l));
    const calls = model.layers.map((l) => l.call);
    const start = tf.memory().numTensors;

    const before = await evaluate(model, testSet, { forward: createQatForward({ bits: 4 }).forward });
    const { history, activationRanges } = await quantizationAwareTrain(model, trainSet, { bits: 4, optimizer: 'adam', learningRate: 0.01, batchSize: 32, progress: silentProgress });
    const { forward } = createQatForward({ bits: 4, activationRanges });
    const after = await evaluate(model, testSet, { forward });
    expect(tf.memory().numTensors).toBe(start);

    expect(history.epochs).toHaveLength(1);
    expect(history.steps).toBe(16);
    expect(after.loss).toBeLessThan(before.loss - 0.2);
    expect(after.accuracy).toBeGreaterThan(before.accuracy + 0.2);
    expect([...activationRanges.keys()].sort()).toEqual(['conv1', 'conv2', 'fc1', 'fc2']);
    const [lo, hi] = activationRanges.get('conv1')!;
    expect(lo).toBeLessThanOrEqual(0);
    expect(hi).toBeGreaterThan(0);
    for (const r of activationRanges.values()) expect(r[0]).toBeLessThanOrEqual(r[1]);

    // The layers are as they were: same variables, own methods, fp32 values off the int4 grid.
    model.layers.forEach((l, i) => {
      expect(kernelOf(l)).toBe(kernels[i]);
      expect(l.call).toBe(calls[i]);
      expect(Object.prototype.hasOwnProperty.call(l, 'call')).toBe(false);
    });
    const conv2 = kernelOf(model.getLayer('conv2'));
    const values = conv2.read().dataSync() as Float32Array;
    expect(conv2.dtype).toBe('float32');
    expect(new Set(values).size).toBeGreaterThan(10 * 15);

    // model.predict is the plain fp32 model; the QAT forward differs from it.
    const plain = model.predict(probe) as tf.Tensor;
    const applied = model.apply(probe) as tf.Tensor;
    const fake = tf.tidy(() => forward(model, probe, false));
    expect(plain.dataSync()).toEqual(applied.dataSync());
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(plain, fake))).dataSync()[0])).toBeGreaterThan(1e-4);
    tf.dispose([plain, applied, fake, probe]);
    model.dispose();
  });

  it('fake-quantizes every layer of a functional model with a depthwise conv, and gradients reach the real variables', async () => {
    const input = tfl.input({ shape: [28, 28, 1] });
    const c = tfl.layers.conv2d({ name: 'c', filters: 2, kernelSize: 3, strides: 2, activation: 'relu' }).apply(input) as tfl.SymbolicTensor;
    const dw = tfl.layers.depthwiseConv2d({ name: 'dw', kernelSize: 3, depthMultiplier: 2, activation: 'relu' }).apply(c) as tfl.SymbolicTensor;
    const flat = tfl.layers.flatten().apply(dw);
    const out = tfl.layers.dense({ name: 'head', units: 10 }).apply(flat) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: out });
    const small = selectSamples(trainSet, Array.from({ length: 64 }, (_, i) => i * 8));
    const weightsBefore = model.getWeights().map((w) => w.dataSync().slice());
    // (No tf.memory() check here: tfjs 4.22's functional model.apply itself leaks a tensor per call.)
    const { activationRanges } = await quantizationAwareTrain(model, small, { bits: 8, perChannel: false, optimizer: 'sgd', learningRate: 0.05, batchSize: 32, progress: silentProgress });
    expect([...activationRanges.keys()].sort()).toEqual(['c', 'dw', 'head']);
    const weightsAfter = model.getWeights().map((w) => w.dataSync());
    weightsAfter.forEach((w, i) => expect(w).not.toEqual(weightsBefore[i]));
    for (const name of ['c', 'dw', 'head']) expect(Object.prototype.hasOwnProperty.call(model.getLayer(name), 'call')).toBe(false);
    model.dispose();
  });

  it('computes with exactly the weights and inputs the int4/int8 model will have', async () => {
    const model = tfl.sequential({ layers: [tfl.layers.flatten({ inputShape: [28, 28, 1] }), tfl.layers.dense({ name: 'fc', units: 10, biasInitializer: 'randomNormal' })] });
    const x = tf.tensor4d(testSet.images.subarray(0, 16 * 784), [16, 28, 28, 1]);
    const kernel = kernelOf(model.getLayer('fc'));
    const bias = (model.getLayer('fc') as unknown as { bias: tfl.LayerVariable }).bias.read();
    for (const [bits, activationBits] of [[4, 8], [8, 4]] as const) {
      const { forward, activationRanges } = createQatForward({ bits, activationBits });
      tf.dispose(tf.tidy(() => forward(model, x, true)));
      const [lo, hi] = activationRanges.get('fc')!;
      const input = quantize(x.dataSync() as Float32Array, [16 * 784], { bits: activationBits, symmetric: false, perChannel: false, range: { min: [lo], max: [hi] } });
      const shape = kernel.read().shape as [number, number];
      const w = quantize(kernel.read().dataSync() as Float32Array, shape, { bits, layout: 'dense' });
      const got = tf.tidy(() => forward(model, x, false));
      const expected = tf.tidy(() =>
        tf.add(tf.matMul(tf.tensor(dequantize(input.q, input.params, [16 * 784]), [16, 784]), tf.tensor(dequantize(w.q, w.params, shape), shape)), bias),
      );
      // Equal up to the float rounding of fused vs separate bias addition; far from the fp32 model's logits.
      const plain = model.predict(x) as tf.Tensor;
      const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
      expect(maxDiff(got, expected)).toBeLessThan(1e-5);
      expect(maxDiff(got, plain)).toBeGreaterThan(1e-3);
      tf.dispose([got, expected, plain]);
    }
    x.dispose();
    model.dispose();
  });

  it('refuses BatchNormalization (fold it first) and other weighted layers', async () => {
    const bn = tfl.sequential({
      layers: [tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 2, kernelSize: 3 }), tfl.layers.batchNormalization({ name: 'bn' }), tfl.layers.flatten(), tfl.layers.dense({ units: 10 })],
    });
    await expect(quantizationAwareTrain(bn, trainSet, { progress: silentProgress })).rejects.toThrow(/'bn' is BatchNormalization; fold batch normalization/);
    const sep = tfl.sequential({
      layers: [tfl.layers.separableConv2d({ name: 'sep', inputShape: [28, 28, 1], filters: 2, kernelSize: 3 }), tfl.layers.flatten(), tfl.layers.dense({ units: 10 })],
    });
    await expect(quantizationAwareTrain(sep, trainSet, { progress: silentProgress })).rejects.toThrow(/'sep' \(SeparableConv2D\) has weights but QAT supports only/);
    const none = tfl.sequential({ layers: [tfl.layers.flatten({ inputShape: [28, 28, 1] })] });
    await expect(quantizationAwareTrain(none, trainSet, { progress: silentProgress })).rejects.toThrow(/no Conv2D, DepthwiseConv2D or Dense/);
    for (const m of [bn, sep, none]) m.dispose();
  });

  it('throws clear RangeErrors and TypeErrors for bad options, before training', async () => {
    const model = seedStudent();
    const bad: [Record<string, unknown>, ErrorConstructor, RegExp][] = [
      [{ bits: 2 }, RangeError, /bits must be 8 or 4, not 2/],
      [{ bits: '8' }, RangeError, /bits must be 8 or 4/],
      [{ activationBits: 16 }, RangeError, /activationBits must be 8 or 4, not 16/],
      [{ perChannel: 'yes' }, TypeError, /perChannel must be true or false/],
      [{ rangeMomentum: 1 }, RangeError, /rangeMomentum must be a number in \[0, 1\)/],
      [{ epochs: -1 }, RangeError, /epochs must be a positive integer, not -1/],
      [{ epochs: 1.5 }, RangeError, /epochs must be a positive integer/],
      [{ batchSize: 0 }, RangeError, /batchSize must be a positive integer, not 0/],
      [{ optimizer: 'rmsprop' }, RangeError, /unknown QAT optimizer "rmsprop"; choose one of: sgd, adam/],
      [{ learningRate: -0.1 }, RangeError, /learningRate must be a positive number/],
      [{ seed: 'x' }, TypeError, /seed must be an integer/],
      [{ activationRanges: {} }, TypeError, /activationRanges must be a Map/],
      [{ progress: 3 }, TypeError, /progress must be a ProgressSink/],
      [{ bitz: 4 }, RangeError, /unknown QAT option 'bitz'/],
    ];
    for (const [options, type, message] of bad) {
      const run = quantizationAwareTrain(model, trainSet, options as QatOptions);
      await expect(run).rejects.toThrow(type);
      await expect(run).rejects.toThrow(message);
    }
    await expect(quantizationAwareTrain({} as tfl.LayersModel, trainSet)).rejects.toThrow(/must be a tf.LayersModel/);
    expect(() => createQatForward({ bits: 3 as 4 })).toThrow(RangeError);
    model.dispose();
  });
});
